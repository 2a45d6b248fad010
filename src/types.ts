/** Shared data shapes of the pipeline. No logic lives here. */

/** A compiled detection rule (see rules/*.toml and src/rules/). */
export interface Rule {
  id: string;
  description: string;
  /** Literal prefix that every token of this rule starts with (the prefilter keyword). */
  prefix: string;
  /** Length of the random body that follows the prefix (the maximum, for rules with a range). */
  bodyLength: number;
  /** Shortest body accepted; equal to bodyLength for fixed-length tokens. */
  minBodyLength: number;
  /** Whether the Notion API can check this kind of token (refresh tokens cannot be used as bearers). */
  verifiable: boolean;
  /** Characters allowed in the body, as a regex character class body (e.g. `A-Za-z0-9`). */
  bodyCharset: string;
  /** Minimum Shannon entropy of the body, in bits per character. */
  minEntropy: number;
  /** Reject bodies without both upper- and lower-case letters (hashes, hex, digits-only fakes). */
  requireMixedCase: boolean;
  /** How to rotate this kind of token (rule data, shown in the block message). */
  rotate?: string[];
  /** Lower-case stopwords: a body made mostly of these is a placeholder, not a token. */
  stopwords: string[];
  /** Where the rule came from, for error messages. */
  source: string;
  examples: RuleExamples;
}

export interface RuleExamples {
  /** Templates that must produce exactly the findings marked in them. */
  positive: string[];
  /** Templates that must produce no finding. */
  negative: string[];
}

/** A token the detector found in a piece of text. Offsets are in the text given to the detector. */
export interface Candidate {
  ruleId: string;
  secret: string;
  /** Offset of the token's first character (or of its encoded form / first piece). */
  offset: number;
  /** Where the match was anchored (the prefilter hit); streaming commits candidates by this offset. */
  anchor: number;
  /** Offset just past the token's text (its encoded form or last piece); a split or wrapped token spans lines. */
  end: number;
  encoding?: 'base64' | 'split';
}

export interface CommitInfo {
  sha: string;
  author: string;
  email: string;
  date: string;
  message: string;
}

export interface Verification {
  status: 'live' | 'invalid' | 'unknown';
  reason?: string;
  bot?: string;
  workspace?: string;
  ownerType?: string;
  person?: string;
  httpStatus?: number;
  /** What a live token can read (see README, "What a live token reaches"). */
  access?: Access;
}

/** A count of shared objects: `complete` false means "at least `count`" (the count was bounded or cut short). */
export interface ReachCount {
  count: number;
  complete: boolean;
}

export interface Access {
  /** Pages and databases shared with the token; absent when search could not be read at all. */
  pages?: ReachCount;
  databases?: ReachCount;
  /** `not-readable`: Notion answered 403 restricted_resource (the capability is off). */
  users: 'readable' | 'not-readable' | 'unknown';
  /** `readable`: a person object carried `person.email`. */
  emails: 'readable' | 'not-readable' | 'unknown';
  /** Why part of the reach is unknown or bounded. */
  incomplete?: string;
}

/** A reported leak. Field names follow the JSON report contract in DESIGN.md. */
export interface Finding {
  ruleId: string;
  file: string;
  line: number;
  column: number;
  /** The full token. Reporters must pass it through redact() unless --show-secrets. */
  secret: string;
  fingerprint: string;
  encoding?: 'base64' | 'split';
  commit?: CommitInfo;
  /** For history scans: other places the same blob appears. */
  occurrences?: { commits: number; paths: number };
  verification?: Verification;
  /** On a line marked `notion-guard:allow`: dropped after the scan, counted, unless --ignore-allow-comments. */
  allowComment?: true;
  /** For git scans: the blob the finding is in. */
  blob?: string;
  /** For a token in a commit or tag message: the commit it belongs to (attributed after the scan). */
  messageOf?: string;
  /** push and receive: the ref whose update brings the finding's commit. */
  ref?: string;
  /** The line holding the token's last character, when it differs from `line` (split, wrapped). */
  endLine?: number;
  /** The token is in the file's name (its path), not its content: `line`/`column` are 1 and its place in the path. */
  inName?: true;
  /** Inside an archive: the member's path within the top-level file (`inner.zip!app/settings.json`); `file` ends with it. */
  member?: string;
  /** Found in binary content (a NUL in the first 8000 bytes): `line`/`column` still count LF bytes. */
  binary?: true;
  /** Byte offset of the token's first byte in that file version (binary content only). */
  offset?: number;
  /** The source line (latin1: one char per byte), for context in the text report (never printed unredacted). */
  lineText?: string;
  /** Every token the scanner saw across `lineText` (this one, others, pieces of split ones), for masking. */
  lineMasks?: LineMask[];
}

/** A token's stretch of a context line: offsets in `lineText`, clipped to it. */
export interface LineMask {
  from: number;
  to: number;
  secret: string;
  encoding?: 'base64' | 'split';
}

export interface ScanStats {
  files: number;
  bytes: number;
  commits: number;
  durationMs: number;
  /** Of `files`, how many were binary (scanned as bytes). */
  binaryFiles?: number;
  /** Archive members scanned (not counted in `files`). */
  archiveMembers?: number;
  warnings?: string[];
  /** What was in scope but could not be read, named: the scan then cannot exit 0. */
  unreadable?: string[];
  /** Findings hidden by each kind of suppression (present when any was). */
  /** `unreadable`: items that could not be scanned (an encrypted member, a 7z file) in allowlisted paths. */
  hidden?: { allowComment: number; allowlist: number; baseline: number; unreadable?: number };
}

/** `push`: git's pre-push hook (the developer's side); `receive`: a server's pre-receive hook. */
export type ScanMode = 'staged' | 'history' | 'dir' | 'stdin' | 'push' | 'receive';

/** A staged token that is already in a commit (see src/git/committed.ts). */
export interface Committed {
  /** Short sha of the oldest commit found holding it at that path. */
  sha: string;
  /** A remote-tracking branch containing that commit: the token is pushed. */
  pushedTo?: string;
  /** That commit is HEAD: `git commit --amend` rewrites it. */
  isHead?: boolean;
  /** That commit has no parent: a rebase must start with --root. */
  isRoot?: boolean;
}

export interface ScanResult {
  mode: ScanMode;
  findings: Finding[];
  stats: ScanStats;
  /** staged: false before the first commit (no HEAD), which changes how to unstage. */
  hasHead?: boolean;
  /** staged: tokens already in history, by secret. */
  committed?: ReadonlyMap<string, Committed>;
  /** push: the commits the push puts at the tip of a ref (`git commit --amend` rewrites those). */
  pushTips?: ReadonlySet<string>;
}

/** One file version handed from a source to the scanner. */
/** Which lines count (staged: the added ones): true when any line of [first, last] counts. */
export type LineFilter = (first: number, last: number) => boolean;

export interface SourceItem {
  /** Path as reported (DESIGN.md: as grep prints it, or the path in the repository). */
  path: string;
  /** The content, in pieces. */
  read(): AsyncIterable<Buffer>;
  /** For staged scans: only lines for which this returns true count. */
  lineFilter?: LineFilter;
  /** For history scans: the blob id, used to attach provenance after the scan. */
  blob?: string;
  /**
   * For small files: the whole content at once, synchronously (undefined when the file is too big,
   * and the caller then streams it with read()). The buffer is reused: scan it before the next call.
   */
  readSmallSync?: () => Buffer | undefined;
}
