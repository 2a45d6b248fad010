/**
 * The one place that spawns git. Short queries return their stdout; failures become one-line
 * errors carrying git's own first line of stderr. Streams are opened with `spawnGit`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { NotionGuardError } from '../errors.js';

export interface GitOptions {
  cwd?: string;
  input?: string;
  /** Exit codes that are answers, not failures (e.g. 1 for `rev-parse --verify -q`). */
  okCodes?: number[];
}

// Make git's output parseable and independent of the user's locale and pager settings.
const BASE_ENV = { LC_ALL: 'C', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0' };

export function spawnGit(args: readonly string[], cwd?: string, env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  const child = spawn('git', ['-c', 'core.quotePath=false', ...args], {
    cwd,
    env: { ...process.env, ...BASE_ENV, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return child;
}

export function gitMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ENOENT';
}

export const GIT_MISSING = 'git was not found on PATH (notion-guard needs git for this command)';

/** Run a short git command; resolves with stdout and exit code. */
export function git(args: readonly string[], opts: GitOptions = {}): Promise<{ stdout: Buffer; code: number }> {
  return new Promise((resolve, reject) => {
    const child = spawnGit(args, opts.cwd);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => reject(new NotionGuardError('git', gitMissing(e) ? GIT_MISSING : `cannot run git: ${e.message}`, { cause: e })));
    child.on('close', (code, signal) => {
      const c = code ?? 128;
      if (c === 0 || opts.okCodes?.includes(c)) {
        resolve({ stdout: Buffer.concat(out), code: c });
        return;
      }
      reject(gitError(args, Buffer.concat(err).toString('utf8'), signal ? `killed by ${signal}` : `exit ${c}`));
    });
    child.stdin.on('error', () => {
      /* git may exit before reading its input; the close handler reports it */
    });
    child.stdin.end(opts.input ?? '');
  });
}

export function gitError(args: readonly string[], stderr: string, how: string): NotionGuardError {
  const first = stderr.split('\n').find((l) => l.trim() !== '')?.replace(/^(fatal|error): /, '') ?? how;
  return new NotionGuardError('git', `git ${args[0] ?? ''} failed: ${first}`);
}

export async function gitText(args: readonly string[], opts: GitOptions = {}): Promise<string> {
  return (await git(args, opts)).stdout.toString('utf8').trim();
}
