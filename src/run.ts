/**
 * Builds and runs the pipeline for one command. Takes its I/O injected and returns the exit code, so
 * the whole CLI can be tested in-process; only cli.ts touches process.argv, the console and exit.
 *
 *   source → detector → filters (inline allow, config allowlist, baseline) → verifier → reporter
 */
import { dirname, relative, resolve, sep } from 'node:path';
import { relativeInside } from './relative-path.js';
import type { Committed, Finding, Rule, ScanMode, ScanResult, ScanStats, SourceItem } from './types.js';
import { loadRules, unverifiableReason } from './rules/load.js';
import { buildDetector } from './rules/compile.js';
import { scanItems } from './scan.js';
import { renderText, plural } from './report/text.js';
import { checkOutput, writeAtomic } from './output.js';
import { sanitize } from './report/sanitize.js';
import { redactText, setRedactionDetector } from './report/redact.js';
import type { VerifyOptions } from './verify/index.js';
import type { Detector } from './engine/detect.js';
import type { WorkerInit } from './parallel/protocol.js';
import { findBaseline, findConfig, loadConfig } from './config/load.js';
import { existsSync } from 'node:fs';
import type { Config } from './config/schema.js';

export type Format = 'text' | 'json' | 'sarif';

/** Unreadable items named one per line up to this many; the rest are counted. */
const MAX_NAMED = 20;

export interface RunIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdin: AsyncIterable<Buffer>;
  env: Record<string, string | undefined>;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
}

export interface CommonOptions {
  format: Format;
  output?: string;
  showSecrets: boolean;
  /** Report tokens on `notion-guard:allow` lines too (CI: a comment in a pull request must not hide one). */
  ignoreAllowComments?: boolean;
  quiet: boolean;
  /** false when --no-color was given. */
  color: boolean;
  rules?: string[];
  decodeDepth?: number;
  /** Verify findings live against the Notion API (opt-in: sends each token to the API URL). */
  verify?: VerifyOptions;
  /** Verification settings given explicitly on the command line (they win over the config file). */
  verifyExplicit?: { rate?: boolean; timeout?: boolean; budget?: boolean };
  /** Report only tokens verified live. */
  onlyVerified?: boolean;
  /** --config FILE; `false` for --no-config. */
  config?: string | false;
  baseline?: string;
  baselineCreate?: string;
  /** Also write the report as SARIF to this file. */
  sarifOutput?: string;
  /** With baselineCreate: start the file over instead of adding to it. */
  baselineReplace?: boolean;
  /** The repository's name (e.g. owner/name) for the report, so reports of many runs merge cleanly. */
  repository?: string;
}

export interface DirOptions extends CommonOptions {
  include?: string[];
  exclude?: string[];
}

export function useColor(opts: CommonOptions, io: RunIO): boolean {
  if (!opts.color) return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return io.stdoutIsTTY;
}

/** 0 only when nothing was found and every byte in scope was scanned (DESIGN.md, exit codes). */
export function exitCodeFor(findings: readonly Finding[], stats?: Pick<ScanStats, 'unreadable'>): number {
  if (findings.length > 0) return 1;
  return stats?.unreadable?.length ? 2 : 0;
}

/** The config in force: --config FILE, else `.notion-guard.toml` found from `start`, unless --no-config. */
export function resolveConfig(opts: CommonOptions, start: string): Config | undefined {
  if (opts.config === false) return undefined;
  const file = opts.config ?? findConfig(start);
  return file ? loadConfig(file) : undefined;
}

/**
 * The path an allowlist glob sees: relative to the config file's folder, wherever the scan starts
 * (`cd test && … dir .` must not stop matching `test/fixtures/**`, nor start matching `fixtures/**`).
 * A path outside that folder (a --config kept elsewhere) is matched as reported, relative to the scan's base.
 */
function allowlistPath(cfgFile: string, base: string): (f: Finding) => string {
  const cfgDir = dirname(resolve(cfgFile));
  return (f) => {
    const abs = resolve(base, f.file);
    return relativeInside(cfgDir, abs) ?? (relative(base, abs).split(sep).join('/') || f.file);
  };
}

export interface ScanExtra {
  stats?: Partial<ScanStats>;
  /** Where to look for `.notion-guard.toml` (the repository root, or the current directory). */
  configStart?: string;
  /** The folder reported paths are relative to (the repository's top for git scans; default the cwd). */
  pathBase?: string;
  /** staged: facts for the advice, filled in by the scan (only when it found something). */
  staged?: StagedFacts;
  /** push: the commits at the tip of a pushed ref, filled in by the scan. */
  pushTips?: Set<string>;
}

export interface StagedFacts {
  /** false before the first commit. */
  hasHead?: boolean;
  /** Tokens already in history, by secret. */
  committed: Map<string, Committed>;
}

/** What a self-scanning source may need besides the detector: how to rebuild it in a worker. */
export interface PushScanContext {
  workerInit: WorkerInit;
  warn: (message: string) => void;
  /** Name something in scope that could not be read (after recording it in stats.unreadable). */
  unreadable: (message: string) => void;
}

/** A source that scans by itself (push-style, or in workers), given the detector. */
export type PushScan = (detector: Detector, stats: ScanStats, onItem: () => void, ctx: PushScanContext) => Promise<Finding[]>;

/** Scan the items of a source, filter, verify and report; returns the exit code. */
export async function scanAndReport(mode: ScanMode, items: AsyncIterable<SourceItem> | PushScan, opts: CommonOptions, io: RunIO, extra: ScanExtra = {}): Promise<number> {
  const started = Date.now();
  if (opts.output) checkOutput(opts.output);
  if (opts.sarifOutput) checkOutput(opts.sarifOutput);
  if (opts.baselineCreate) checkOutput(opts.baselineCreate);
  const cfg = resolveConfig(opts, extra.configStart ?? process.cwd());
  const ruleFiles = [...(cfg?.rules ?? []), ...(opts.rules ?? [])];
  const disabledRules = cfg?.disabledRules ?? [];
  const rules = loadRules(ruleFiles, disabledRules);
  const detectOptions = opts.decodeDepth === undefined ? {} : { decodeDepth: opts.decodeDepth };
  const detector = buildDetector(rules, detectOptions);
  // Output masks with every rule in force, even disabled ones, and one base64 layer more than the scan.
  setRedactionDetector(buildDetector(disabledRules.length ? loadRules(ruleFiles, []) : rules, { decodeDepth: Math.max(2, opts.decodeDepth ?? 1) }));
  // Read the baseline before scanning: a missing or broken one should fail at once, not after an hour.
  // The repository's own baseline is read by default (not with --no-config: it can hide findings too).
  const baselineFile = opts.baseline ?? cfg?.baseline ?? (opts.config === false ? undefined : findBaseline(extra.configStart ?? process.cwd()));
  const known = baselineFile && !opts.baselineCreate ? (await import('./filters/baseline.js')).loadBaseline(baselineFile) : undefined;
  const pathBase = extra.pathBase ?? process.cwd();
  const stats: ScanStats = { files: 0, bytes: 0, commits: 0, durationMs: 0, ...extra.stats };
  const warn = (m: string): void => {
    if (!opts.quiet) io.stderr(`notion-guard: warning: ${sanitize(redactText(m, [], opts.showSecrets))}\n`);
  };
  // Not --quiet-able: what could not be read decides the exit code, so it is always named.
  let told = 0;
  const toldOf = new Set<string>();
  const unreadable = (m: string): void => {
    toldOf.add(m);
    // Paths are repository content: a token in a file name must not print in full either.
    if (++told <= MAX_NAMED) io.stderr(`notion-guard: error: ${sanitize(redactText(m, [], opts.showSecrets))}\n`);
  };
  const progress = (mode === 'history' || mode === 'push') && io.stderrIsTTY && !opts.quiet ? progressLine(io, stats) : undefined;
  let findings =
    typeof items === 'function'
      ? await items(detector, stats, progress ? progress.tick : () => undefined, { workerInit: { ruleFiles, disabledRules, detect: detectOptions }, warn, unreadable })
      : // Recorded in stats, named below (after the allowlist has had its say).
        await scanItems(items, detector, stats, { warn, unreadable: () => undefined, ...(progress ? { onItem: progress.tick } : {}) });
  progress?.done();
  // What the scan recorded without telling (an archive member cut off, a file a worker could not
  // read) is named now, unless its file is on the config's allowlist of paths: a repository of
  // archive fixtures (encrypted, damaged, 7z) can accept those files, and the summary counts them.
  let unreadableAllowed = 0;
  if (cfg && cfg.allowlist.paths.length > 0 && stats.unreadable?.some((m) => !toldOf.has(m))) {
    const { applyAllowlist } = await import('./filters/allowlist.js');
    const globPath = allowlistPath(cfg.file, extra.pathBase ?? process.cwd());
    const untold = stats.unreadable.filter((m) => !toldOf.has(m));
    // The file before the first `!` or `: ` (a name holding either is then not matched: it stays named).
    const asFinding = (m: string): Finding => ({ ruleId: '', file: /^cannot (?:scan|open|read) (.+?)(?:!|: )/.exec(m)?.[1] ?? '\0', line: 0, column: 0, secret: '', fingerprint: '' });
    const fakes = untold.map(asFinding);
    const kept = new Set(applyAllowlist(fakes, { ...cfg.allowlist, regexes: [], stopwords: [] }, cfg.file, undefined, globPath));
    const allowed = new Set(untold.filter((_, i) => !kept.has(fakes[i]!)));
    unreadableAllowed = allowed.size;
    stats.unreadable = stats.unreadable.filter((m) => !allowed.has(m));
  }
  for (const m of stats.unreadable ?? []) if (!toldOf.has(m)) unreadable(m);
  const notRead = stats.unreadable?.length ?? 0;
  if (notRead > MAX_NAMED) io.stderr(`notion-guard: error: … and ${notRead - MAX_NAMED} more could not be read\n`);
  // Filters and reporters beyond the plain text one load only when used: the hook's start-up stays lean.
  // What each filter hides is counted and said: a suppression nobody sees is a hole nobody checks.
  const hidden = { allowComment: 0, allowlist: 0, baseline: 0 };
  const hide = (kind: keyof typeof hidden, kept: Finding[]): Finding[] => {
    hidden[kind] += findings.length - kept.length;
    return kept;
  };
  findings = opts.ignoreAllowComments ? findings.map(({ allowComment: _a, ...f }) => f) : hide('allowComment', findings.filter((f) => !f.allowComment));
  if (cfg) {
    const { applyAllowlist } = await import('./filters/allowlist.js');
    // Globs are relative to the config file's folder, wherever the scan starts (`cd test && … dir .`
    // must not stop matching `test/fixtures/**`, nor start matching `fixtures/**`). A path outside
    // that folder (a --config kept elsewhere) is matched as reported, relative to the scan's base.
    findings = hide('allowlist', applyAllowlist(findings, cfg.allowlist, cfg.file, undefined, allowlistPath(cfg.file, extra.pathBase ?? process.cwd())));
  }
  if (opts.baselineCreate) {
    const { renderBaseline, loadBaselineEntries } = await import('./filters/baseline.js');
    // A baseline grows: recording today's findings keeps what was accepted before (--replace starts over).
    const previous = !opts.baselineReplace && existsSync(opts.baselineCreate) ? loadBaselineEntries(opts.baselineCreate) : [];
    const { text, total } = renderBaseline(findings, { pathBase, folder: dirname(resolve(opts.baselineCreate)) }, previous);
    writeAtomic(opts.baselineCreate, text);
    if (!opts.quiet) io.stderr(`notion-guard: baseline ${sanitize(redactText(opts.baselineCreate))}: ${total - previous.length} new ${total - previous.length === 1 ? 'entry' : 'entries'}, ${total} in all (fingerprints only, no secrets)\n`);
    if (notRead > 0) io.stderr(`notion-guard: error: the baseline is incomplete: ${plural(notRead, 'item')} in scope could not be read (named above)\n`);
    return notRead > 0 ? 2 : 0;
  }
  if (known && baselineFile) {
    const { baselineKeys } = await import('./filters/baseline.js');
    const folder = dirname(resolve(baselineFile));
    findings = hide('baseline', findings.filter((f) => !baselineKeys(f, pathBase, folder).some((k) => known.has(k))));
  }
  if (unreadableAllowed > 0) stats.hidden = { ...hidden, unreadable: unreadableAllowed };
  else if (hidden.allowComment + hidden.allowlist + hidden.baseline > 0) stats.hidden = hidden;
  if (opts.verify && findings.length > 0) {
    // Loaded only when asked: without --verify no network code is even imported.
    const { verifyTokens } = await import('./verify/index.js');
    const v = { ...opts.verify };
    const x = opts.verifyExplicit ?? {};
    if (cfg?.verify.rate !== undefined && !x.rate) v.rate = cfg.verify.rate;
    if (cfg?.verify.timeout !== undefined && !x.timeout) v.timeoutMs = cfg.verify.timeout * 1000;
    if (cfg?.verify.budget !== undefined && !x.budget) v.budgetMs = cfg.verify.budget * 1000;
    const verifiable = new Set(rules.filter((r) => r.verifiable).map((r) => r.id));
    const results = await verifyTokens(findings.filter((f) => verifiable.has(f.ruleId)).map((f) => f.secret), v);
    for (const f of findings) {
      const r = verifiable.has(f.ruleId)
        ? results.get(f.secret)
        : { status: 'unknown' as const, reason: unverifiableReason(f.secret, 'not checked') };
      if (r) f.verification = r;
    }
    if (opts.onlyVerified) findings = findings.filter((f) => f.verification?.status === 'live');
  }
  stats.durationMs = Date.now() - started;
  const staged = extra.staged;
  await emitReport({ mode, findings, stats, ...(staged?.hasHead === undefined ? {} : { hasHead: staged.hasHead }), ...(staged?.committed.size ? { committed: staged.committed } : {}), ...(extra.pushTips ? { pushTips: extra.pushTips } : {}) }, rules, opts, io);
  if (notRead > 0) io.stderr(`notion-guard: error: the scan is incomplete: ${plural(notRead, 'item')} in scope could not be read (named above), so it cannot pass\n`);
  return exitCodeFor(findings, stats);
}

export async function emitReport(result: ScanResult, rules: readonly Rule[], opts: CommonOptions, io: RunIO): Promise<void> {
  let rendered: string;
  const repository = opts.repository ?? (io.env.GITHUB_REPOSITORY || undefined);
  const meta = { showSecrets: opts.showSecrets, ...(repository ? { repository } : {}) };
  // A second report of the same scan (CI: SARIF for code scanning and the text log, one scan, one
  // verification of each token).
  if (opts.sarifOutput) writeAtomic(opts.sarifOutput, (await import('./report/sarif.js')).renderSarif(result, rules, meta));
  if (opts.format === 'json') rendered = (await import('./report/json.js')).renderJson(result, meta);
  else if (opts.format === 'sarif') rendered = (await import('./report/sarif.js')).renderSarif(result, rules, meta);
  else if (result.mode === 'receive') rendered = (await import('./report/remote.js')).renderRemote(result, opts.showSecrets);
  else {
    const rotation = new Map(rules.filter((r) => r.rotate).map((r) => [r.id, r.rotate!] as const));
    rendered = renderText(result, { showSecrets: opts.showSecrets, color: opts.output ? false : useColor(opts, io), rotation });
  }
  if (opts.output) {
    writeAtomic(opts.output, rendered);
    if (!opts.quiet) {
      const n = result.findings.length;
      io.stderr(`notion-guard: ${n === 0 ? 'no Notion tokens found' : `found ${plural(n, 'Notion token')}`}; report written to ${sanitize(redactText(opts.output))}\n`);
    }
    return;
  }
  if (opts.quiet) return;
  io.stdout(rendered);
}

/** A progress line on a TTY stderr, redrawn at most four times a second. */
function progressLine(io: RunIO, stats: ScanStats): { tick: () => void; done: () => void } {
  const started = Date.now();
  let last = 0;
  const draw = (): void => {
    const secs = Math.max(0.001, (Date.now() - started) / 1000);
    const mb = stats.bytes / 1e6;
    io.stderr(`\r\x1b[Knotion-guard: ${stats.commits} commits, ${stats.files} blobs, ${mb.toFixed(1)} MB (${(mb / secs).toFixed(1)} MB/s)`);
  };
  return {
    tick: () => {
      const now = Date.now();
      if (now - last >= 250) {
        last = now;
        draw();
      }
    },
    done: () => {
      if (last > 0) io.stderr('\r\x1b[K');
    },
  };
}
