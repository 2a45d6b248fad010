/**
 * `notion-guard install`: add the scan to the pre-commit hook git will actually run. The hooks
 * folder is git's own answer (`rev-parse --git-path hooks`, which honours core.hooksPath); when that
 * is husky's (`.husky/_`, v9; `.husky`, v4-8) the line goes into `.husky/pre-commit`, which husky
 * calls. The line goes before anything else the hook does (an `exit`, an `exec`, husky's `npm test`
 * that could fail first), stops the hook when the scan fails, and calls the binary that resolves
 * from the repository root, where git runs hooks; never `npx`, which would ask the registry.
 */
import { redactText } from '../report/redact.js';
import { sanitize } from '../report/sanitize.js';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { NotionGuardError } from '../errors.js';
import { describeFsError } from '../fs-errors.js';
import { gitText } from '../git/exec.js';
import { openRepo } from '../git/repo.js';
import { PACKAGE_ROOT } from '../paths.js';
import type { RunIO } from '../run.js';

export type HookName = 'pre-commit' | 'pre-push';

export interface InstallOptions {
  repo?: string;
  quiet: boolean;
  /** Default pre-commit. */
  hook?: HookName;
}

/** What the hook line runs: pre-push passes git's arguments on (stdin is inherited as it is). */
const SUBCOMMAND: Record<HookName, string> = { 'pre-commit': 'staged', 'pre-push': 'pre-push "$@"' };

/**
 * Installed means: the hook's first command, right after its preamble, is exactly the line install
 * writes. A comment, a line after an `exit`, inside an `if`, or with `|| true` does not count.
 */
export function runsScan(hook: string, line: string): boolean {
  const lines = hook.split('\n').map((l) => l.replace(/\r$/, ''));
  const first = lines.find((l) => !PREAMBLE.test(l));
  return first !== undefined && first.trim() === line;
}

/** Shell-quote a path for the hook line (paths from the user's disk may hold spaces). */
const q = (s: string): string => (/^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * The command the hook runs, relative to the repository root (hooks run there): the nearest
 * node_modules/.bin/notion-guard from where install was run up to the root (a package in a
 * monorepo subfolder), else this very CLI when it lives inside the repository.
 */
export function hookCommand(top: string, from: string, sub = SUBCOMMAND['pre-commit']): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const rel = relative(top, dir);
    if (rel.startsWith('..')) break;
    if (existsSync(join(dir, 'node_modules', '.bin', 'notion-guard'))) return `${q(rel === '' ? './node_modules/.bin/notion-guard' : `./${rel.split(sep).join('/')}/node_modules/.bin/notion-guard`)} ${sub}`;
    if (dir === top) break;
  }
  const cli = join(PACKAGE_ROOT, 'dist', 'bin', 'cli.js');
  const rel = relative(top, cli);
  if (!rel.startsWith('..') && existsSync(cli)) return `node ${q(rel.split(sep).join('/'))} ${sub}`;
  return undefined;
}

/** Lines a hook starts with that must stay first: shebang, comments, blanks, `set`, husky's sourcing. */
const PREAMBLE = /^\s*(?:#.*|set\s.*|\.\s+"?\$\(dirname\s.*husky\.sh"?\s*|)\r?$/;

export function insertLine(hook: string, line: string): string {
  // Keep the hook's own line endings (a CRLF hook stays CRLF; `\r` never breaks the preamble match).
  const crlf = hook.includes('\r\n');
  if (crlf) line += '\r';
  const lines = hook.split('\n');
  let at = 0;
  while (at < lines.length && PREAMBLE.test(lines[at]!) && !(at === lines.length - 1 && lines[at] === '')) at++;
  lines.splice(at, 0, line);
  const out = lines.join('\n');
  return out.endsWith('\n') ? out : `${out}\n`;
}

export async function runInstall(opts: InstallOptions, io: RunIO): Promise<number> {
  const from = opts.repo ?? process.cwd();
  const repo = await openRepo(from);
  const top = repo.top;
  const hooks = await gitText(['rev-parse', '--path-format=absolute', '--git-path', 'hooks'], { cwd: top });
  const husky = basename(hooks) === '_' && basename(dirname(hooks)) === '.husky' ? dirname(hooks) : basename(hooks) === '.husky' ? hooks : undefined;
  const hook = opts.hook ?? 'pre-commit';
  const file = join(husky ?? hooks, hook);
  const shown = relative(top, file).startsWith('..') ? file : relative(top, file);
  const command = hookCommand(top, from, SUBCOMMAND[hook]);
  if (!command) {
    throw new NotionGuardError(
      'usage',
      `cannot find notion-guard from the repository root (${top}): install it in this repository first (npm install --save-dev notion-guard), then run "npx notion-guard install" again; no hook was written`,
    );
  }
  // Stop the hook when the scan fails, even in a hook without `set -e`.
  const line = `${command} || exit $?`;
  const say = (s: string): void => {
    // Hook paths come from the repository's config (core.hooksPath): inert and masked like any output.
    if (!opts.quiet) io.stdout(`notion-guard: ${sanitize(redactText(s))}\n`);
  };
  const byHand = `add "${line}" to your ${hook} hook by hand`;
  let link;
  try {
    link = lstatSync(file);
  } catch {
    link = undefined;
  }
  if (!link) {
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${husky ? '' : '#!/bin/sh\n'}${line}\n`, { mode: 0o755, flag: 'wx' });
      chmodSync(file, 0o755);
    } catch (e) {
      throw new NotionGuardError('io', `cannot write ${shown}: ${describeFsError(e)}; ${byHand}`);
    }
    say(`added the ${hook} hook: ${shown}`);
    return 0;
  }
  // A hook that is a symlink is followed only to a file inside the repository: never rewrite a file
  // elsewhere on the machine because a repository points its hook at it.
  if (link.isSymbolicLink()) {
    let target: string;
    try {
      target = realpathSync(file);
    } catch (e) {
      throw new NotionGuardError('io', `${shown} is a symlink that cannot be followed (${describeFsError(e)}); ${byHand}`);
    }
    const inside = (root: string): boolean => !relative(realpathSync(root), target).startsWith('..');
    if (!inside(top)) throw new NotionGuardError('usage', `${shown} is a symlink to ${target}, outside the repository; notion-guard will not edit it: ${byHand}`);
  }
  const st = statSync(file);
  if (!st.isFile()) throw new NotionGuardError('usage', `${shown} is not a regular file; ${byHand}`);
  const text = readFileSync(file, 'utf8');
  if (runsScan(text, line)) {
    say(`already installed in ${shown}`);
    return 0;
  }
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(text);
  const interpreter = shebang ? (shebang[1]!.endsWith('/env') ? shebang[2] ?? '' : shebang[1]!) : 'sh';
  if (!/(^|\/)(sh|bash|dash|zsh|ksh)$/.test(interpreter)) {
    throw new NotionGuardError('usage', `${shown} is not a shell script (${interpreter}); add "${line}" to it by hand, or use the pre-commit framework's notion-guard hook`);
  }
  if (/generated by pre-commit/i.test(text)) {
    throw new NotionGuardError('usage', `${shown} is managed by the pre-commit framework; add the notion-guard hook to .pre-commit-config.yaml instead`);
  }
  // git gives pre-push its refs on stdin, which only one command can read: a hook that already runs
  // something (git lfs pre-push reads them too) must be combined by hand (README, "pre-push").
  if (hook === 'pre-push' && text.split('\n').some((l) => !PREAMBLE.test(l))) {
    throw new NotionGuardError('usage', `${shown} already runs other commands, and only one of them can read the refs git sends on stdin; combine them by hand (README, "pre-push hook"); the hook was not changed`);
  }
  writeFileSync(file, insertLine(text, line));
  chmodSync(file, st.mode | 0o111);
  say(`added the scan to the existing hook, before its other commands: ${shown}`);
  return 0;
}
