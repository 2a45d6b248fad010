/**
 * User-supplied regexes (config allowlists) run under a watchdog: a pattern with catastrophic
 * backtracking must fail the run with a clear error, not hang CI. V8 has no linear-time engine
 * built in, but a `vm` script's timeout interrupts a running regex.
 */
import { Script, createContext } from 'node:vm';
import { NotionGuardError } from '../errors.js';

const context = createContext({ re: /x/, input: '' });
const run = new Script('re.lastIndex = 0; re.test(input)');

export interface GuardedRegex {
  source: string;
  test(input: string): boolean;
}

export function guardedRegex(source: string, where: string, timeoutMs = 250): GuardedRegex {
  let re: RegExp;
  try {
    re = new RegExp(source, 'u');
  } catch (e) {
    throw new NotionGuardError('config', `${where}: invalid regex: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
  return {
    source,
    test(input: string): boolean {
      context.re = re;
      context.input = input;
      try {
        return run.runInContext(context, { timeout: timeoutMs }) === true;
      } catch {
        throw new NotionGuardError('config', `${where}: regex took over ${timeoutMs} ms (catastrophic backtracking?): ${source}`);
      }
    },
  };
}
