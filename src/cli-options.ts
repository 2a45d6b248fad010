/**
 * Command-line options shared by the scan commands, and their conversion to the pipeline's options.
 * Pure: no argv, no console (cli.ts owns those).
 */
import type { Argv } from 'yargs';
import type { CommonOptions, Format } from './run.js';
import { resolveApiUrl } from './verify/api-url.js';

export function common<T>(y: Argv<T>) {
  return y
    .option('format', { choices: ['text', 'json', 'sarif'] as const, default: 'text' as const, describe: 'report format' })
    .option('sarif-output', { type: 'string', describe: 'also write the report as SARIF to FILE (one scan for CI\'s code scanning and its log)' })
    .option('output', { type: 'string', describe: 'write the report to FILE (atomically); the terminal gets a one-line summary' })
    .option('show-secrets', { type: 'boolean', default: false, describe: 'print full tokens (default: redacted)' })
    .option('quiet', { type: 'boolean', default: false, describe: 'print nothing but errors' })
    .option('color', { type: 'boolean', default: true, describe: 'color on a TTY (--no-color to turn off; NO_COLOR and FORCE_COLOR honoured)' })
    .option('rules', { type: 'string', array: true, describe: 'extra rule file(s) (TOML), added to the shipped rules' })
    .option('decode-depth', { type: 'number', requiresArg: true, describe: 'layers of base64 to decode (default 1; 0 turns decoding off; 2 also finds base64 of base64)' })
    .option('debug', { type: 'boolean', default: false, describe: 'print stack traces of unexpected errors' })
    .option('verify', { type: 'boolean', default: false, describe: 'check each token found live against the Notion API (sends it there)' })
    .option('only-verified', { type: 'boolean', default: false, describe: 'with --verify: report only live tokens' })
    .option('api-url', { type: 'string', describe: 'Notion API base URL (default https://api.notion.com; env NOTION_GUARD_API_URL)' })
    .option('verify-rate', { type: 'number', requiresArg: true, describe: 'verification requests per second (at most 3; default 3)' })
    .option('verify-timeout', { type: 'number', requiresArg: true, describe: 'seconds per verification request (default 10)' })
    .option('verify-budget', { type: 'number', requiresArg: true, describe: 'seconds for the whole verification (default 60)' })
    .option('config', { type: 'string', describe: 'config file (default: .notion-guard.toml at the repository root); --no-config ignores it' })
    .option('ignore-allow-comments', { type: 'boolean', default: false, describe: 'report tokens on lines marked notion-guard:allow too (for CI: a comment in a pull request cannot hide a token)' })
    .option('baseline', { type: 'string', describe: 'report only findings not recorded in this baseline file' })
    .option('baseline-create', { type: 'string', describe: 'record today\'s findings in this baseline file and exit 0' })
    .option('repository', { type: 'string', describe: 'repository name for the report (default: $GITHUB_REPOSITORY), so reports of many runs merge cleanly' });
}

export function toCommon(a: Record<string, unknown>): CommonOptions {
  // Undefined (the hook's fast path) means the detector's own default.
  const depth = a['decode-depth'] as number | undefined;
  if (depth !== undefined && (!Number.isInteger(depth) || depth < 0 || depth > 4)) throw new UsageError('--decode-depth must be an integer from 0 to 4');
  const o: CommonOptions = {
    format: a.format as Format,
    showSecrets: a['show-secrets'] as boolean,
    quiet: a.quiet as boolean,
    color: a.color as boolean,
    ...(a['ignore-allow-comments'] === true ? { ignoreAllowComments: true } : {}),
    ...(depth === undefined ? {} : { decodeDepth: depth }),
  };
  if (typeof a.output === 'string') {
    if (a.output === '') throw new UsageError('--output needs a file name');
    o.output = a.output;
  }
  if (typeof a['sarif-output'] === 'string') {
    if (a['sarif-output'] === '') throw new UsageError('--sarif-output needs a file name');
    o.sarifOutput = a['sarif-output'];
  }
  if (Array.isArray(a.rules)) o.rules = a.rules as string[];
  if (a['only-verified'] && !a.verify) throw new UsageError('--only-verified needs --verify');
  if (a.config === false) o.config = false;
  else if (typeof a.config === 'string') {
    if (a.config === '') throw new UsageError('--config needs a file name');
    o.config = a.config;
  }
  for (const k of ['baseline', 'baseline-create'] as const) {
    if (a[k] !== undefined && (typeof a[k] !== 'string' || a[k] === '')) throw new UsageError(`--${k} needs a file name`);
  }
  if (typeof a.baseline === 'string') o.baseline = a.baseline;
  if (typeof a['baseline-create'] === 'string') o.baselineCreate = a['baseline-create'];
  if (typeof a.repository === 'string' && a.repository !== '') o.repository = a.repository;
  if (a.verify || a._verifyCommand) {
    const rate = (a['verify-rate'] as number | undefined) ?? 3;
    const timeout = (a['verify-timeout'] as number | undefined) ?? 10;
    const budget = (a['verify-budget'] as number | undefined) ?? 60;
    o.verifyExplicit = { rate: a['verify-rate'] !== undefined, timeout: a['verify-timeout'] !== undefined, budget: a['verify-budget'] !== undefined };
    if (!(rate > 0 && rate <= 3)) throw new UsageError('--verify-rate must be above 0 and at most 3 (Notion\'s limit)');
    if (!(timeout > 0 && timeout <= 120)) throw new UsageError('--verify-timeout must be more than 0 and at most 120 seconds');
    if (!(budget > 0 && budget <= 3600)) throw new UsageError('--verify-budget must be more than 0 and at most 3600 seconds');
    o.verify = { apiUrl: resolveApiUrl(a['api-url'] as string | undefined, process.env), rate, timeoutMs: timeout * 1000, budgetMs: budget * 1000, maxRetries: 3 };
    o.onlyVerified = a['only-verified'] === true;
  } else if (a['api-url'] !== undefined) {
    // Checked, but without --verify nothing is sent anywhere.
    resolveApiUrl(a['api-url'] as string, process.env);
  }
  return o;
}

/** A usage mistake: one line, exit 2. */
export class UsageError extends Error {}

/** Edit distance counting a swap of neighbours as one edit (optimal string alignment); option names only. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known option closest to `name` (a typo such as --fromat), if close enough to be a guess. */
export function closestOption(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    if (k.length < 2 || /[A-Z]/.test(k)) continue; // yargs' camelCase twins and one-letter aliases
    const d = distance(name, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

/** yargs' "Unknown argument: fromat" with a "did you mean --format?" when one is close. */
export function withSuggestion(message: string, known: readonly string[]): string {
  const m = /^Unknown arguments?: (.+)$/.exec(message.trim());
  if (!m) return message;
  // yargs lists a camelCase copy of each dashed name (`bogus-ntn_…` and `bogusNtn…`): the copy is not
  // what the user typed, and glued together it no longer looks like a token to the redaction step.
  const camel = (n: string): string => n.replace(/[-_]+([a-zA-Z0-9])/g, (_x, c: string) => c.toUpperCase());
  const given = m[1]!.split(', ');
  const names = given.filter((n) => !given.some((d) => d !== n && /[-_]/.test(d) && camel(d) === n));
  message = `Unknown argument${names.length === 1 ? '' : 's'}: ${names.join(', ')}`;
  const hints = names
    .map((n) => [n, closestOption(n.replace(/^-+/, ''), known)] as const)
    .filter(([, k]) => k !== undefined)
    .map(([n, k]) => `--${k} (for ${n})`);
  if (hints.length === 0) return `${message.trim()} (see --help)`;
  return `${message.trim()}; did you mean ${hints.length === 1 ? hints[0]!.replace(/ \(for .*\)$/, '') : hints.join(', ')}?`;
}
