/**
 * User-supplied patterns (config allowlists: regexes, and path globs compiled to regexes) run under
 * one watchdog with a time budget for the whole run: a pattern with catastrophic backtracking, or
 * a cheap one applied to many findings, must fail the run with a clear error, not hang CI. V8 has
 * no linear-time engine built in, but a `vm` script's timeout interrupts a running regex.
 *
 * All tests of a run go through one vm call (a timeout costs a watchdog thread per call, ~0.4 ms),
 * and the script records which test is running, so a timeout names the pattern and its input.
 */
import { Script, createContext } from 'node:vm';
import { NotionGuardError } from '../errors.js';

/** The whole run's allowlist matching may take this long. */
export const MATCH_BUDGET_MS = 2000;

export interface Pattern {
  re: RegExp;
  /** Where it was written, for errors: `.notion-guard.toml: allowlist.regexes[0]`. */
  where: string;
  source: string;
}

/** One question: does any of `patterns[i]` for i in `use` match any of `inputs`? */
export interface MatchJob {
  inputs: string[];
  use: number[];
}

const script = new Script(`
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i];
    let hit = false;
    for (let k = 0; k < job.use.length && !hit; k++) {
      const p = pats[job.use[k]];
      for (let n = 0; n < job.inputs.length && !hit; n++) {
        state.job = i; state.pattern = job.use[k]; state.input = n;
        p.lastIndex = 0;
        hit = p.test(job.inputs[n]);
      }
    }
    out[i] = hit;
  }
`);

export function compileRegex(source: string, where: string): Pattern {
  try {
    return { re: new RegExp(source, 'u'), where, source };
  } catch (e) {
    throw new NotionGuardError('config', `${where}: invalid regex: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}

/** For each job, whether a pattern matched; throws once the run's budget is spent. */
export function matchAll(patterns: readonly Pattern[], jobs: readonly MatchJob[], budgetMs = MATCH_BUDGET_MS): boolean[] {
  const out: boolean[] = new Array<boolean>(jobs.length).fill(false);
  if (patterns.length === 0 || jobs.length === 0) return out;
  const state = { job: -1, pattern: -1, input: -1 };
  const context = createContext({ jobs, pats: patterns.map((p) => p.re), out, state });
  try {
    script.runInContext(context, { timeout: budgetMs });
  } catch (e) {
    const p = patterns[state.pattern];
    if (!p || !/timed out/i.test((e as Error).message)) throw e;
    const input = jobs[state.job]?.inputs[state.input] ?? '';
    throw new NotionGuardError(
      'config',
      `${p.where}: allowlist matching took over ${budgetMs} ms (catastrophic backtracking?) on a ${input.length}-character input; simplify the pattern: ${clip(p.source)}`,
    );
  }
  return out;
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
