#!/usr/bin/env node
/**
 * The command line: yargs only. Parses argv into options, calls the command, prints, sets the exit
 * code. Command modules are imported lazily so the pre-commit path loads only what `staged` needs.
 */
import { parseArgs } from 'node:util';
import type { RunIO } from './run.js';
import { common, toCommon, UsageError, withSuggestion } from './cli-options.js';
import { isKnownError } from './errors.js';
import { TOOL_VERSION } from './version.js';
import { redactText } from './report/redact.js';
import { sanitize } from './report/sanitize.js';

const EXAMPLES: [string, string][] = [
  ['notion-guard dir .', 'audit the current folder'],
  ['notion-guard dir src config/.env --format json', 'scan paths, JSON report'],
  ['cat notes.md | notion-guard stdin', 'scan standard input'],
];

let stdoutClosed = false;

function io(): RunIO {
  return {
    stdout: (s) => {
      if (!stdoutClosed) process.stdout.write(s);
    },
    stderr: (s) => process.stderr.write(s),
    stdin: process.stdin,
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
  };
}

let debug = false;
function fail(message: string, e?: unknown): never {
  // One line, whatever the source: yargs spreads some messages over several.
  // Messages quote config keys, regexes, paths and arguments: masked and made inert for the terminal.
  const clean = sanitize(redactText(message.split('\n').map((l) => l.trim()).filter(Boolean).join(' ')));
  process.stderr.write(`notion-guard: error: ${clean}\n`);
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack.split('\n').map((l) => sanitize(redactText(l))).join('\n')}\n`);
  process.exit(2);
}

/**
 * The pre-commit hook runs `staged` on every commit, CI runs `history`, audits `dir` and `stdin`: parse their common flags
 * with node:util and skip loading yargs (~100 ms of start-up). Anything unusual (help, other flags,
 * bad values) falls through to yargs, which owns help, validation and error messages.
 */
async function fastPath(argv: string[]): Promise<number | undefined> {
  const command = argv[0];
  if (command !== 'staged' && command !== 'history' && command !== 'dir' && command !== 'stdin') return undefined;
  let values: Record<string, unknown>;
  let positionals: string[];
  let tokens: { kind: string; name?: string }[];
  try {
    ({ values, positionals, tokens } = parseArgs({
      args: argv.slice(1),
      strict: true,
      tokens: true,
      // staged: file names (lint-staged appends them) are accepted and ignored: the whole index is scanned.
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        quiet: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        'show-secrets': { type: 'boolean' },
        'ignore-allow-comments': { type: 'boolean' },
        repo: { type: 'string' },
        config: { type: 'string' },
        'no-config': { type: 'boolean' },
        baseline: { type: 'string' },
        output: { type: 'string' },
        'sarif-output': { type: 'string' },
        repository: { type: 'string' },
        ...(command === 'history' ? { 'no-fetch': { type: 'boolean' as const } } : {}),
        ...(command === 'dir' ? { include: { type: 'string' as const, multiple: true }, exclude: { type: 'string' as const, multiple: true } } : {}),
      },
    }));
  } catch {
    return undefined;
  }
  if (values.format !== undefined && !['text', 'json', 'sarif'].includes(values.format as string)) return undefined;
  // A one-value flag given twice (`--config a --config b`) is a usage error: yargs says so.
  const given = tokens.filter((t) => t.kind === 'option' && t.name !== 'include' && t.name !== 'exclude').map((t) => t.name);
  if (new Set(given).size !== given.length) return undefined;
  // An empty value (`--repo ''`) is a usage error: yargs owns that message.
  if (Object.values(values).some((v) => v === '' || (Array.isArray(v) && v.includes('')))) return undefined;
  const a: Record<string, unknown> = {
    format: values.format ?? 'text',
    'show-secrets': values['show-secrets'] === true,
    quiet: values.quiet === true,
    'ignore-allow-comments': values['ignore-allow-comments'] === true,
    color: values['no-color'] !== true,
    ...(values.output !== undefined ? { output: values.output } : {}),
    ...(values['sarif-output'] !== undefined ? { 'sarif-output': values['sarif-output'] } : {}),
    ...(values.baseline !== undefined ? { baseline: values.baseline } : {}),
    ...(values.repository !== undefined ? { repository: values.repository } : {}),
    ...(values['no-config'] ? { config: false } : values.config !== undefined ? { config: values.config } : {}),
  };
  if (command === 'stdin') {
    // No operands, no --repo: whatever yargs makes of those, it says it.
    if (positionals.length > 0 || values.repo !== undefined) return undefined;
    const { runStdin } = await import('./commands/dir.js');
    return runStdin(toCommon(a), io());
  }
  if (command === 'dir') {
    if (values.repo !== undefined) return undefined;
    const { runDir } = await import('./commands/dir.js');
    const include = values.include as string[] | undefined;
    const exclude = values.exclude as string[] | undefined;
    return runDir(positionals, { ...toCommon(a), ...(include ? { include } : {}), ...(exclude ? { exclude } : {}) }, io());
  }
  const { runStaged, runHistory } = await import('./commands/git.js');
  const opts = { ...toCommon(a), ...(typeof values.repo === 'string' ? { repo: values.repo } : {}), ...(values['no-fetch'] ? { noFetch: true } : {}) };
  return command === 'staged' ? runStaged(opts, io()) : runHistory(positionals, opts, io());
}

async function main(argv: string[]): Promise<number> {
  debug = argv.includes('--debug');
  const fast = await fastPath(argv);
  if (fast !== undefined) return fast;
  const { default: yargs } = await import('yargs');
  let code = 0;
  const act = (f: () => Promise<number>) => async () => {
    code = await f();
  };
  const parser = yargs(argv);
  // getOptions() is public in yargs but missing from its type definitions.
  const optionsOf = (): { string: string[]; array: string[]; key: Record<string, unknown> } =>
    (parser as unknown as { getOptions(): { string: string[]; array: string[]; key: Record<string, unknown> } }).getOptions();
  await parser
    // One value per flag (`--exclude a b` leaves b a path), and `--` ends the options (`dir -- -x`).
    .parserConfiguration({ 'greedy-arrays': false, 'populate--': true, 'dot-notation': false }) // (dot-notation: `--show-secrets..HEAD` is an unknown option, not --show-secrets)
    // The root instance's options are those of the command being run.
    .middleware((a) => checkValues(a, optionsOf()))
    .scriptName('notion-guard')
    .usage('$0 <command> [options]\n\nKeeps Notion API tokens (ntn_…, legacy secret_…) out of git.')
    .command(
      'staged [files..]',
      'scan what the next commit will record (the index, not the work tree); for the pre-commit hook',
      (y) => common(y).option('repo', { type: 'string', describe: 'run in this repository instead of the current directory' })
        .positional('files', { type: 'string', array: true, describe: 'accepted and ignored (lint-staged appends file names): the whole index is always scanned, so a narrow task glob cannot skip a .env' })
        .example('$0 staged', 'in .husky/pre-commit: block commits that add a token'),
      (a) => act(async () => {
        if (a['only-verified']) throw new UsageError('--only-verified cannot be used with staged: a hook blocks on every token found, whatever the network says');
        const { runStaged } = await import('./commands/git.js');
        return runStaged({ ...toCommon(a), ...(a.repo ? { repo: a.repo } : {}) }, io());
      })(),
    )
    .command(
      'history [ranges..]',
      'scan every commit reachable from all refs, or the given revision ranges',
      (y) => common(y).positional('ranges', { type: 'string', array: true, describe: 'revision ranges, e.g. main..HEAD (default: --all)' })
        .option('repo', { type: 'string', describe: 'run in this repository instead of the current directory' })
        .option('since-commit', { type: 'string', describe: 'only commits after this one (SHA..HEAD)' })
        .option('fetch', { type: 'boolean', default: true, describe: 'in a partial clone, fetch the missing blobs in one batch (--no-fetch: scan the local ones and name the rest; exit 2)' })
        .example('$0 history', 'audit all of history (CI)')
        .example('$0 history origin/main..HEAD', 'scan the commits of a pull request'),
      (a) => act(async () => {
        const { runHistory } = await import('./commands/git.js');
        const opts = { ...toCommon(a), ...(a.repo ? { repo: a.repo } : {}), ...(a['since-commit'] ? { sinceCommit: a['since-commit'] } : {}), ...(a.fetch === false ? { noFetch: true } : {}) };
        return runHistory([...(a.ranges ?? []), ...afterDashes(a)], opts, io());
      })(),
    )
    .command(
      'pre-push [remote] [url]',
      'git\'s pre-push hook: scan the commits the push would add (refs on stdin, as git gives them) and refuse it if one holds a token',
      (y) => common(y).positional('remote', { type: 'string', describe: 'the remote\'s name (git passes it)' })
        .positional('url', { type: 'string', describe: 'the remote\'s URL (git passes it)' })
        .option('repo', { type: 'string', describe: 'run in this repository instead of the current directory' })
        .example('$0 pre-push "$@"', 'in .husky/pre-push or .git/hooks/pre-push (notion-guard install --hook pre-push writes it)'),
      (a) => act(async () => {
        hookStdin('pre-push');
        const { runPrePush } = await import('./commands/push.js');
        return runPrePush([a.remote, a.url].filter((x): x is string => typeof x === 'string'), { ...toCommon(a), ...(a.repo ? { repo: a.repo } : {}) }, io());
      })(),
    )
    .command(
      'pre-receive',
      'a server\'s pre-receive hook: scan what a push brings (refs on stdin) and refuse the whole push if any ref brings a token',
      (y) => common(y).option('repo', { type: 'string', describe: 'the repository (default: the current directory, where git runs the hook)' })
        .option('budget', { type: 'string', default: String(DEFAULT_BUDGET), describe: 'seconds the scan may take (fractions allowed), or "ghes" (4 s, under GitHub Enterprise Server\'s 5 s hook limit)' })
        .option('on-timeout', { choices: ['refuse', 'allow'] as const, default: 'refuse' as const, describe: 'when the budget runs out: refuse the push (default), or allow it unscanned, said loudly on stderr' })
        .option('allow-skip', { type: 'boolean', default: false, describe: 'honour "git push -o notion-guard.skip" (also git config notion-guard.allowSkip=true on the server); always logged' })
        .example('$0 pre-receive --budget ghes', 'in a GitHub Enterprise Server pre-receive hook script'),
      (a) => act(async () => {
        hookStdin('pre-receive');
        const { runPreReceive, parseBudget } = await import('./commands/receive.js');
        const budgetMs = parseBudget(a.budget);
        return runPreReceive({ ...toCommon(a), ...(a.repo ? { repo: a.repo } : {}), budgetMs, onTimeout: a['on-timeout'], allowSkip: a['allow-skip'] }, io());
      })(),
    )
    .command(
      'verify [tokens..]',
      'check tokens live against the Notion API; with none given, checks the Notion tokens found in stdin (`cat .env | $0 verify`)',
      (y) => common(y).positional('tokens', { type: 'string', array: true, describe: 'tokens (prefer stdin: arguments land in shell history)' })
        .example('pbpaste | $0 verify', 'check a token without it landing in shell history'),
      (a) => act(async () => {
        const { runVerify } = await import('./commands/verify.js');
        return runVerify([...(a.tokens ?? []), ...afterDashes(a)], toCommon({ ...a, _verifyCommand: true }), io());
      })(),
    )
    .command(
      'baseline [paths..]',
      'record today\'s findings as accepted (history in a git repo, or the given paths), so later scans report only new ones',
      (y) => common(y).positional('paths', { type: 'string', array: true, describe: 'scan these paths instead of git history' })
        .option('file', { type: 'string', default: '.notion-guard-baseline.json', describe: 'the baseline file to add to (read by default by every scan from its folder)' })
        .option('replace', { type: 'boolean', default: false, describe: 'start the baseline over instead of adding to it' })
        .example('$0 baseline && $0 history --baseline .notion-guard-baseline.json', 'adopt on a repository with a past'),
      (a) => act(async () => {
        const opts = { ...toCommon(a), baselineCreate: a.file, ...(a.replace ? { baselineReplace: true } : {}) };
        const paths = [...(a.paths ?? []), ...afterDashes(a)];
        if (paths.length > 0) {
          const { runDir } = await import('./commands/dir.js');
          return runDir(paths, opts, io());
        }
        const { runHistory } = await import('./commands/git.js');
        return runHistory([], opts, io());
      })(),
    )
    .command(
      'rules [action]',
      'list the active rules; "rules test" runs every rule\'s examples',
      (y) => y.positional('action', { choices: ['list', 'test'] as const, default: 'list' as const })
        .option('rules', { type: 'string', array: true, describe: 'extra rule file(s)' })
        .option('config', { type: 'string', describe: 'config file' })
        .option('format', { choices: ['text', 'json'] as const, default: 'text' as const }),
      (a) => act(async () => {
        const { runRules } = await import('./commands/rules.js');
        return runRules(a.action, { rules: a.rules ?? [], format: a.format, ...(typeof a.config === 'string' ? { config: a.config } : {}) }, io());
      })(),
    )
    .command(
      'merge <reports..>',
      'merge JSON reports of many runs (e.g. one per repository) into one',
      (y) => y.positional('reports', { type: 'string', array: true, demandOption: true })
        .option('output', { type: 'string', describe: 'write the merged report to FILE' })
        .option('quiet', { type: 'boolean', default: false })
        .option('show-secrets', { type: 'boolean', default: false, describe: 'keep full tokens of reports made with --show-secrets (default: masked again)' })
        .example('$0 merge reports/*/report.json --output org.json', 'after an organisation-wide matrix'),
      (a) => act(async () => {
        const { runMerge } = await import('./commands/merge.js');
        return runMerge([...(a.reports ?? []), ...afterDashes(a)], { quiet: a.quiet, showSecrets: a['show-secrets'], ...(a.output ? { output: a.output } : {}) }, io());
      })(),
    )
    .command(
      'install',
      'add the pre-commit or pre-push hook (husky\'s .husky/, or core.hooksPath / .git/hooks)',
      (y) => y.option('repo', { type: 'string', describe: 'the repository (default: the current one)' })
        .option('hook', { choices: ['pre-commit', 'pre-push'] as const, default: 'pre-commit' as const, describe: 'which hook: pre-commit scans each commit, pre-push what each push sends (catches commits made with --no-verify)' })
        .option('quiet', { type: 'boolean', default: false, describe: 'print nothing but errors' })
        .option('debug', { type: 'boolean', default: false, describe: 'print stack traces of unexpected errors' }),
      (a) => act(async () => {
        const { runInstall } = await import('./commands/install.js');
        return runInstall({ quiet: a.quiet, hook: a.hook, ...(a.repo ? { repo: a.repo } : {}) }, io());
      })(),
    )
    .command(
      'dir [paths..]',
      'scan files on disk (default: .), no git needed',
      (y) => common(y).positional('paths', { type: 'string', array: true, describe: 'files or folders' })
        .option('include', { type: 'string', array: true, describe: 'only files matching these globs (picomatch)' })
        .option('exclude', { type: 'string', array: true, describe: 'skip files and folders matching these globs' })
        .example('$0 dir . --exclude node_modules', 'audit a project without its dependencies'),
      (a) => act(async () => {
        const { runDir } = await import('./commands/dir.js');
        const opts = { ...toCommon(a), ...(a.include ? { include: a.include } : {}), ...(a.exclude ? { exclude: a.exclude } : {}) };
        return runDir([...(a.paths ?? []), ...afterDashes(a)], opts, io());
      })(),
    )
    .command(
      'stdin',
      'scan standard input',
      (y) => common(y).example('git show HEAD:config.env | $0 stdin', 'scan one file version'),
      (a) => act(async () => {
        const { runStdin } = await import('./commands/dir.js');
        return runStdin(toCommon(a), io());
      })(),
    )
    .example(EXAMPLES)
    .demandCommand(1, 'name a command: staged, history, dir, stdin, verify, install, pre-push, pre-receive, baseline, rules, merge (see --help)')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    // yargs would read the version from the package.json nearest to argv[1]: from a consumer's
    // node_modules/.bin that is the consumer's own package.json.
    .version(TOOL_VERSION)
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      // yargs' own usage errors (YError: "Not enough arguments following: …") are usage errors too.
      if (err && err.name !== 'YError') throw err;
      fail(withSuggestion(msg ?? err?.message ?? 'invalid usage (see --help)', Object.keys(optionsOf().key)));
    })
    .parseAsync();
  return code;
}

/** The budget's default, in seconds (commands/receive.ts holds the presets; not loaded for other commands). */
const DEFAULT_BUDGET = 60;

/** A hook reads git's ref lines on stdin: run by hand at a terminal, it would wait forever. */
function hookStdin(command: string): void {
  if (process.stdin.isTTY) throw new UsageError(`${command} reads the refs git sends a hook on standard input; run it from the hook (or pipe the ref lines in)`);
}

/** What came after `--`: operands, even when they look like options. */
function afterDashes(a: Record<string, unknown>): string[] {
  const rest = a['--'];
  return Array.isArray(rest) ? rest.map(String) : [];
}

/**
 * yargs gives `--include` with nothing after it as `[]` and `--output` as `''`: a flag without its
 * value is a usage error, never "no filter" or "the default".
 */
const POSITIONALS = new Set(['paths', 'ranges', 'tokens', 'reports', 'action', 'files', 'remote', 'url']);
function checkValues(a: Record<string, unknown>, o: { string: string[]; array: string[]; key: Record<string, unknown> }): void {
  for (const key of new Set([...o.string, ...o.array])) {
    if (POSITIONALS.has(key)) continue;
    const v = a[key];
    if (v === '' || (Array.isArray(v) && (v.length === 0 || v.includes('')))) throw new UsageError(`--${key} needs a value`);
  }
  // yargs turns a one-value flag given twice into an array, which the commands would then ignore
  // (`--config a --config b` scanned with no config at all): say so instead.
  for (const key of Object.keys(o.key)) {
    if (POSITIONALS.has(key) || o.array.includes(key) || key === '_' || key === '$0') continue;
    if (Array.isArray(a[key])) throw new UsageError(`--${key} was given more than once`);
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // An interrupted scan did not finish: exit 2 (never 0). Synchronous: nothing may wait on the event
    // loop the scan might be holding. No report is left half-written: writeAtomic is synchronous, so
    // this handler runs either before the report exists or after its rename, never in between.
    process.stderr.write(`notion-guard: error: interrupted (${signal}); the scan did not finish\n`);
    process.exit(2);
  });
}

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  // `notion-guard … | head`: the reader left. Stop writing, but finish with the scan's own exit code
  // (a leak must not turn into exit 0 because the output was cut short).
  if (e.code === 'EPIPE') stdoutClosed = true;
  else fail(`cannot write to standard output: ${e.code ?? e.message}`);
});

// If the event loop empties while the command is still pending (a stream that will never end, a
// promise nobody settles), Node would exit 0: a scan that did not finish must never pass.
let settled = false;
process.on('beforeExit', () => {
  if (!settled) fail('internal error: the scan stopped before finishing (nothing left to wait for); it did not pass');
});

main(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    process.exitCode = code;
    // Done: exit once what was written is flushed, rather than wait for Node to wind down handles
    // (git's pipes, an HTTP agent) on its own, about 10 ms of every pre-commit hook run.
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  },
  (e: unknown) => {
    settled = true;
    if (e instanceof UsageError || (isKnownError(e) && e.code !== 'internal')) fail(e.message);
    fail(`unexpected error: ${e instanceof Error ? e.message : String(e)} (run with --debug for details)`, e);
  },
);
