/**
 * The detector: text in, candidates out. Pure; no I/O.
 *
 * Order of work, cheapest first: a literal prefix search (`indexOf`), then the body run and its
 * boundaries, then the randomness checks. Encoded (base64) and split forms are handled by
 * decode.ts and split.ts, which reuse `matchAt`.
 */
import type { Candidate } from '../types.js';
import { leftBoundaryOk, rightBoundaryOk, type GluedToken } from './boundary.js';
import { BASE64, inClass, runLength, type ByteClass } from './charset.js';
import { rejectReason, type RandomnessPolicy } from './randomness.js';
import { findSplitToken } from './split.js';
import { encodedLiterals, findEncodedTokens } from './decode.js';
import { BytePrefilter } from './prefilter.js';

/** In binary content, more blob characters than this glued on either side means a blob, not a value. */
const GLUED_MAX = 32;

/** Base64/base64url/hex characters running from `from` backwards (-1) or forwards (1), up to GLUED_MAX. */
function blobRun(text: string, from: number, dir: -1 | 1): number {
  let n = 0;
  for (let i = dir < 0 ? from - 1 : from; n < GLUED_MAX && inClass(BASE64, text, i); i += dir) n++;
  return n;
}

/** A rule as the detector needs it: compiled, no examples or metadata. */
export interface DetectorRule extends RandomnessPolicy {
  id: string;
  prefix: string;
  bodyLength: number;
  /** Shortest accepted body; fixed-length rules have minBodyLength === bodyLength. */
  minBodyLength: number;
  charset: ByteClass;
}

export interface DetectOptions {
  /** How many base64 layers to peel (0 disables decoding). */
  decodeDepth: number;
  /** Join tokens split across adjacent string literals (`"ntn_ab" + "cd…"`). */
  splitLiterals: boolean;
}

/**
 * One layer of base64 by default: it covers Kubernetes secrets, encoded .env files and Basic auth;
 * a second layer doubles the cost of the encoded-form search (measured on node_modules) for a case
 * rarely seen, so it is opt-in (--decode-depth 2).
 */
export const DEFAULT_DETECT_OPTIONS: DetectOptions = { decodeDepth: 1, splitLiterals: true };

/** A detector bound to a rule set; build once, call `detect` per text. */
export class Detector {
  readonly rules: readonly DetectorRule[];
  readonly options: DetectOptions;
  readonly prefixes: readonly string[];
  readonly glued: readonly GluedToken[];
  private readonly prefixSearch: RegExp;
  /** The longest stretch after a match's anchor that the detector may read. */
  static readonly LOOKAHEAD = 2048;
  /** The longest stretch before a match's anchor that the detector may read. */
  static readonly LOOKBEHIND = 4096;

  constructor(rules: readonly DetectorRule[], options: Partial<DetectOptions> = {}) {
    this.rules = rules;
    this.options = { ...DEFAULT_DETECT_OPTIONS, ...options };
    this.prefixes = rules.map((r) => r.prefix);
    const literal = (p: string): string => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    // Longest first, so a prefix that extends another is not shadowed at the same position.
    this.prefixSearch = new RegExp([...new Set(this.prefixes)].sort((x, y) => y.length - x.length).map(literal).join('|'), 'g');
    this.glued = rules.filter((r) => r.minBodyLength === r.bodyLength).map((r) => ({ prefix: r.prefix, bodyLength: r.bodyLength }));
  }

  private bytePrefilter: BytePrefilter | undefined;

  /**
   * False only when `detect` and `detectBinary` would find nothing in these bytes: callers skip the
   * latin1 conversion and the detector for such windows, which are nearly all of them.
   */
  mayMatch(bytes: Uint8Array): boolean {
    if (!this.bytePrefilter) {
      this.bytePrefilter = new BytePrefilter([...this.prefixes, ...encodedLiterals(this, this.options.decodeDepth)]);
    }
    return this.bytePrefilter.mayMatch(bytes);
  }

  /** All candidates in `text` (a latin1 string: one char per byte), plain, split and encoded. */
  detect(text: string): Candidate[] {
    const out = this.findPlain(text, this.options.splitLiterals);
    if (this.options.decodeDepth > 0) {
      out.push(...findEncodedTokens(text, this, this.options.decodeDepth));
    }
    return out;
  }

  /** Plain detection only (used on decoded text). */
  detectPlain(text: string): Candidate[] {
    return this.findPlain(text, false);
  }

  /**
   * Candidates in binary content (latin1). Binary formats glue values to their neighbours: an
   * SQLite row stores `notion_tokenntn_…` and the next column right after the token, a PNG text
   * chunk its keyword and a NUL. So here a token may be glued on either side: a fixed-length token
   * is its prefix and exactly its body length of body characters, whatever follows. The prefix
   * and the randomness checks still decide, which keeps random and compressed bytes silent
   * (measured on node_modules' fonts, images, wasm and executables: test/unit/binary.test.ts).
   * No split literals (a source-code form); encoded forms as in text.
   */
  detectBinary(text: string): Candidate[] {
    const out = this.findPlain(text, false, true);
    if (this.options.decodeDepth > 0) out.push(...findEncodedTokens(text, this, this.options.decodeDepth));
    return out;
  }

  /**
   * One pass for all prefixes: V8 compiles an alternation of literals into a faster search than one
   * indexOf per prefix (measured on typescript.js: 15 ms against 23 ms for three prefixes).
   */
  private findPlain(text: string, allowSplit: boolean, glued = false): Candidate[] {
    const out: Candidate[] = [];
    const re = new RegExp(this.prefixSearch.source, 'g');
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const at = m.index;
      re.lastIndex = at + 1;
      for (const rule of this.rules) {
        if (!text.startsWith(rule.prefix, at)) continue;
        const c = glued ? this.matchGlued(text, at, rule) : this.matchAt(text, at, rule, allowSplit);
        if (c) out.push(c);
      }
    }
    return out;
  }

  /** A token of `rule` at `at` in binary content: no boundary checks (see detectBinary). */
  private matchGlued(text: string, at: number, rule: DetectorRule): Candidate | undefined {
    const bodyStart = at + rule.prefix.length;
    const run = runLength(rule.charset, text, bodyStart, rule.bodyLength + 1);
    // A variable-length body glued to more body characters has no knowable end: only a fixed one is cut.
    if (run < rule.minBodyLength || (run > rule.bodyLength && rule.minBodyLength !== rule.bodyLength)) return undefined;
    const len = Math.min(run, rule.bodyLength);
    // Glued to a column name or a neighbouring value, yes; deep inside a base64 or hex blob (where
    // `ntn_` turns up by chance once in ~17 million characters), no.
    if (blobRun(text, at, -1) >= GLUED_MAX || blobRun(text, bodyStart + len, 1) >= GLUED_MAX) return undefined;
    const body = text.slice(bodyStart, bodyStart + len);
    if (rejectReason(body, rule) !== undefined) return undefined;
    return { ruleId: rule.id, secret: rule.prefix + body, offset: at, anchor: at, end: bodyStart + len };
  }

  /** Is there a token of `rule` whose prefix starts at `at`? */
  matchAt(text: string, at: number, rule: DetectorRule, allowSplit = this.options.splitLiterals): Candidate | undefined {
    if (!leftBoundaryOk(text, at, this.glued)) return undefined;
    const bodyStart = at + rule.prefix.length;
    const run = runLength(rule.charset, text, bodyStart, rule.bodyLength + 1);
    if (run >= rule.minBodyLength && run <= rule.bodyLength) {
      if (!rightBoundaryOk(text, bodyStart + run, this.prefixes)) return undefined;
      const body = text.slice(bodyStart, bodyStart + run);
      if (rejectReason(body, rule) !== undefined) return undefined;
      return { ruleId: rule.id, secret: rule.prefix + body, offset: at, anchor: at, end: bodyStart + run };
    }
    if (run < rule.minBodyLength && allowSplit && rule.minBodyLength === rule.bodyLength) {
      const split = findSplitToken(text, bodyStart, rule);
      if (split !== undefined && rejectReason(split.body, rule) === undefined) {
        return { ruleId: rule.id, secret: rule.prefix + split.body, offset: at, anchor: at, end: split.end, encoding: 'split' };
      }
    }
    return undefined;
  }
}
