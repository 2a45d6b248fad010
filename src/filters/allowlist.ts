/** Findings the user has accepted in config: by path glob, by regex over the secret or its line, by stopword. */
import picomatch from 'picomatch';
import type { Config } from '../config/schema.js';
import type { Finding } from '../types.js';
import { compileRegex, matchAll, MATCH_BUDGET_MS, type MatchJob, type Pattern } from './safe-regex.js';

/** The longest stretch of a line an allowlist regex is tried on. */
const LINE_WINDOW = 4096;

/**
 * The findings to keep. Globs become regexes (picomatch's own translation) so they run under the
 * same watchdog as the regexes: a committed `.notion-guard.toml` chooses both the pattern and,
 * through file names, the input.
 */
export function applyAllowlist(
  findings: readonly Finding[],
  cfg: Config['allowlist'],
  file: string,
  budgetMs = MATCH_BUDGET_MS,
  /** The path a glob sees for a finding (relative to the config's folder); default: the reported path. */
  globPath: (f: Finding) => string = (f) => f.file.replace(/^\.\//, ''),
): Finding[] {
  const globs: Pattern[] = cfg.paths.map((g, i) => ({ re: picomatch.makeRe(g, { dot: true }), where: `${file}: allowlist.paths[${i}]`, source: g }));
  const regexes = cfg.regexes.map((r, i) => compileRegex(r, `${file}: allowlist.regexes[${i}]`));
  const patterns = [...globs, ...regexes];
  const globIdx = globs.map((_, i) => i);
  const regexIdx = regexes.map((_, i) => globs.length + i);
  const candidates = findings.filter((f) => !cfg.stopwords.some((w) => f.secret.toLowerCase().includes(w)));
  const jobs: MatchJob[] = [];
  for (const f of candidates) {
    jobs.push({ inputs: [globPath(f)], use: globIdx });
    jobs.push({ inputs: f.lineText !== undefined ? [f.secret, f.lineText.slice(0, LINE_WINDOW)] : [f.secret], use: regexIdx });
  }
  const hit = matchAll(patterns, jobs, budgetMs);
  return candidates.filter((_, i) => !hit[2 * i] && !hit[2 * i + 1]);
}
