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

/**
 * The scanned repository is hostile input: its own config must not run a command or change what our
 * parsers read. Command-line `-c` wins over every config file (git-config(1), "FILES"), so these
 * hold whatever .git/config, ~/.gitconfig or an include says. Each is covered by a test
 * (test/integration/git-config.test.ts).
 */
export const GIT_OVERRIDES: readonly string[] = [
  'core.quotePath=false', // paths verbatim, never C-quoted
  'core.fsmonitor=false', // an fsmonitor hook is a command the repository names
  'core.useReplaceRefs=false', // replace objects could hide or swap commits
  'core.pager=cat',
  'color.ui=never',
  'log.showSignature=false', // would run gpg.program
  'log.showRoot=true', // a root commit's files count as added
  'log.follow=false',
  'log.decorate=false',
  'log.mailmap=false',
  'diff.relative=false', // from a subfolder, paths outside it would vanish
  'diff.noprefix=false',
  'diff.mnemonicPrefix=false',
  'i18n.logOutputEncoding=UTF-8',
  'advice.graftFileDeprecated=false', // its hint would stand in front of git's real error
  // A partial clone may fetch (ours in one batch, or git's own lazy fetch from cat-file): the
  // repository must not name the programs that transport runs. -c is inherited by child gits.
  'core.sshCommand=ssh',
  'credential.helper=',
  'protocol.ext.allow=never',
];

// Make git's output parseable and independent of the user's locale and pager settings; ignore
// replace refs and grafts, which would let a repository hide commits from a history scan.
// GIT_PROXY_COMMAND set (even empty) makes git ignore core.gitProxy from config (connect.c).
const BASE_ENV = { LC_ALL: 'C', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', GIT_NO_REPLACE_OBJECTS: '1', GIT_GRAFT_FILE: '/dev/null', GIT_PROXY_COMMAND: '', GIT_ASKPASS: '', SSH_ASKPASS: '' };

const OVERRIDE_ARGS = GIT_OVERRIDES.flatMap((o) => ['-c', o]);

/** Every git child still running, so a scan abandoned at its time budget can stop them all. */
const running = new Set<ChildProcessWithoutNullStreams>();

/**
 * process.env is passed through on purpose: in a server's pre-receive hook git sets
 * GIT_QUARANTINE_PATH, GIT_OBJECT_DIRECTORY and GIT_ALTERNATE_OBJECT_DIRECTORIES, and only with them
 * can a child git see the objects the push brings (git-receive-pack(1), "QUARANTINE ENVIRONMENT").
 */
export function spawnGit(args: readonly string[], cwd?: string, env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  const child = spawn('git', ['--no-pager', ...OVERRIDE_ARGS, ...args], {
    cwd,
    env: { ...process.env, ...BASE_ENV, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  child.on('close', () => running.delete(child));
  child.on('error', () => running.delete(child));
  return child;
}

/** Kill every git this process started that is still running (a scan given up at its budget). */
export function stopAllGit(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
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
  const first = stderr.split('\n').find((l) => l.trim() !== '' && !l.startsWith('hint: '))?.replace(/^(fatal|error): /, '') ?? how;
  // Name the subcommand, not a leading `-c key=value`.
  let i = 0;
  while (args[i] === '-c') i += 2;
  return new NotionGuardError('git', `git ${args[i] ?? ''} failed: ${first}`);
}

export async function gitText(args: readonly string[], opts: GitOptions = {}): Promise<string> {
  return (await git(args, opts)).stdout.toString('utf8').trim();
}
