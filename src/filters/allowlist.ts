/** Findings the user has accepted in config: by path glob, by regex over the secret or its line, by stopword. */
import picomatch from 'picomatch';
import type { Config } from '../config/schema.js';
import type { Finding } from '../types.js';
import { guardedRegex } from './safe-regex.js';

export type FindingFilter = (f: Finding) => boolean;

/** Returns a predicate that is true for findings to keep. */
export function allowlistFilter(cfg: Config['allowlist'], file: string): FindingFilter {
  const pathMatch = cfg.paths.length ? picomatch(cfg.paths, { dot: true }) : undefined;
  const regexes = cfg.regexes.map((r, i) => guardedRegex(r, `${file}: allowlist.regexes[${i}]`));
  return (f) => {
    const path = f.file.replace(/^\.\//, '');
    if (pathMatch && (pathMatch(path) || pathMatch(f.file))) return false;
    const secret = f.secret.toLowerCase();
    if (cfg.stopwords.some((w) => secret.includes(w))) return false;
    if (regexes.some((re) => re.test(f.secret) || (f.lineText !== undefined && re.test(f.lineText.slice(0, 4096))))) return false;
    return true;
  };
}
