/**
 * The pipeline core: source items in, findings out. Knows nothing of git, the CLI or reporting.
 */
import { TextDecoder } from 'node:util';
import { isKnownError } from './errors.js';
import { StreamScanner, type Positioned } from './engine/stream.js';
import type { Detector } from './engine/detect.js';
import { fingerprint } from './fingerprint.js';
import { lineAllowed } from './filters/inline-allow.js';
import { describeFsError } from './fs-errors.js';
import type { Finding, ScanStats, SourceItem } from './types.js';
import { archiveKind, DEFAULT_LIMITS, findDirectory, openArchive, unsupportedCompression, type ArchiveBudget, type ArchiveKind } from './archive/open.js';

export interface ScanItemsOptions {
  /** Files scanned at once; I/O overlaps with detection. */
  concurrency?: number;
  warn?: (message: string) => void;
  /** Told each thing that could not be read (it is also recorded in stats.unreadable). */
  unreadable?: (message: string) => void;
  /** Called once per item scanned (for progress lines). */
  onItem?: (item: SourceItem, bytes: number) => void;
}

/** Git's own test for binary content: a NUL byte in the first 8000 bytes. */
const BINARY_PROBE = 8000;

export interface ItemResult {
  findings: Finding[];
  bytes: number;
  binary: boolean;
  /** Archive members scanned inside this item (nested ones included). */
  members?: number;
  /** What inside this item could not be scanned (an archive member cut off, an unknown method). */
  unreadable?: string[];
}

export interface ItemScanOptions {
  /** Archive nesting of this item: 0 for a file, 1 for a member of its archive… */
  depth?: number;
  /** Shared by a file and every archive inside it. */
  budget?: ArchiveBudget;
  /** For a member: its path inside the top-level file (`inner/bundle.zip!app/settings.json`). */
  member?: string;
  /**
   * The pieces pushed stay valid and unchanged until `end()` returns (a whole file in one piece, a
   * git stream's chunks): an archive's bytes are then kept as they are instead of copied.
   */
  stablePieces?: boolean;
}

/**
 * Synchronous scanning of one item's pieces: binary probe, UTF-16 transcoding, the streaming
 * detector, and the per-line filters. Used by the async `scanItem` and by push-style sources.
 */
export class ItemScanner {
  readonly findings: Finding[] = [];
  bytes = 0;
  binary = false;
  private first = true;
  private head: Buffer[] = [];
  private headBytes = 0;
  private utf16: TextDecoder | undefined;
  private scanner: StreamScanner;
  private readonly detector: Detector;

  /** An archive's bytes, kept to open at the end; `sniff`: a binary file that may end in a zip. */
  private archive: { kind: ArchiveKind; parts: Buffer[]; bytes: number; sniff?: boolean; tailOnly?: boolean } | undefined;
  private readonly unreadable: string[] = [];
  private readonly depth: number;
  private readonly budget: ArchiveBudget;

  constructor(
    private readonly item: Pick<SourceItem, 'path' | 'lineFilter' | 'blob'> & { text?: boolean },
    detector: Detector,
    private readonly opts: ItemScanOptions = {},
  ) {
    this.detector = detector;
    this.scanner = new StreamScanner(detector);
    this.depth = opts.depth ?? 0;
    this.budget = opts.budget ?? { expanded: 0, members: 0, limits: DEFAULT_LIMITS };
  }

  /** Feed a piece. Returns true: every byte is scanned, text or binary (the caller keeps feeding). */
  push(piece: Buffer): boolean {
    this.bytes += piece.length;
    if (this.first) {
      // Decide on the BOM and the binary probe only once the first 8000 bytes are here: a pipe may
      // cut a file anywhere, even between the two bytes of its BOM.
      this.head.push(piece);
      this.headBytes += piece.length;
      if (this.headBytes < BINARY_PROBE) return true;
      return this.begin();
    }
    this.collect(piece);
    this.feed(piece);
    return true;
  }

  /** Keep an archive's bytes (bounded) to open at the end; its raw bytes are scanned meanwhile. */
  private collect(piece: Buffer): void {
    const a = this.archive;
    if (!a) return;
    a.bytes += piece.length;
    if (a.sniff && a.bytes > SNIFF_MAX) {
      // Too big to hold just in case: keep the tail, where a zip's end record would be.
      a.tailOnly = true;
      a.parts.push(this.keep(piece));
      let kept = a.parts.reduce((n, b) => n + b.length, 0);
      while (a.parts.length > 1 && kept - a.parts[0]!.length >= ZIP_TAIL) kept -= a.parts.shift()!.length;
      return;
    }
    if (a.bytes > this.budget.limits.maxInput) {
      this.archive = undefined;
      this.unreadable.push(`cannot open ${this.item.path}: the archive is too big to open (over ${this.budget.limits.maxInput} bytes); its members were not scanned`);
      return;
    }
    a.parts.push(this.keep(piece));
  }

  /** A piece to hold past this call: a copy, unless the caller keeps it intact (sources may reuse read buffers). */
  private keep(piece: Buffer): Buffer {
    return this.opts.stablePieces ? piece : Buffer.from(piece);
  }

  private begin(): boolean {
    this.first = false;
    const piece = this.head.length === 1 ? this.head[0]! : Buffer.concat(this.head);
    this.head = [];
    this.utf16 = bomDecoder(piece);
    if (!this.utf16 && !this.item.text && piece.subarray(0, BINARY_PROBE).includes(0)) {
      // Binary content is scanned too (an SQLite row, a PNG text chunk, strings in an executable),
      // with the boundary rules binary formats need.
      this.binary = true;
      this.scanner = new StreamScanner(this.detector, { binary: true });
    }
    if (!this.item.text) this.openingArchive(piece);
    this.collect(piece);
    this.feed(piece);
    return true;
  }

  private openingArchive(head: Buffer): void {
    const kind = archiveKind(head);
    if (kind) {
      if (this.depth >= this.budget.limits.maxDepth) this.unreadable.push(`cannot open ${this.item.path}: archives nested deeper than ${this.budget.limits.maxDepth} are not opened`);
      else this.archive = { kind, parts: [], bytes: 0 };
      return;
    }
    const other = unsupportedCompression(head);
    if (other) this.unreadable.push(`cannot open ${this.item.path}: ${other} compression is not supported, so what it holds was not scanned`);
    // A zip after other data (a self-extracting executable, a zipapp) is found by its end record.
    else if (this.binary && this.depth < this.budget.limits.maxDepth) this.archive = { kind: 'zip', parts: [], bytes: 0, sniff: true };
  }

  /** Scan the members of the archive this item is, each as an item of its own (nested ones too). */
  private openMembers(): number {
    const a = this.archive!;
    this.archive = undefined;
    const data = a.parts.length === 1 ? a.parts[0]! : Buffer.concat(a.parts);
    if (a.sniff) {
      if (!findDirectory(data)) return 0;
      if (a.tailOnly) {
        this.unreadable.push(`cannot open ${this.item.path}: it ends in a zip (self-extracting?) too big to open (over ${SNIFF_MAX} bytes); its members were not scanned`);
        return 0;
      }
    }
    let members = 0;
    const inMembers: Finding[] = [];
    // Each member is scanned as it is read and then dropped: memory holds one at a time.
    const opened = openArchive(a.kind, data, this.item.path, this.budget, (m) => {
      const member = this.opts.member ? `${this.opts.member}!${m.name}` : m.name;
      const child = new ItemScanner({ path: `${this.item.path}!${m.name}`, ...(this.item.blob ? { blob: this.item.blob } : {}) }, this.detector, { depth: this.depth + 1, budget: this.budget, member, stablePieces: true });
      child.push(m.data);
      const r = child.end();
      members += 1 + (r.members ?? 0);
      for (const f of r.findings) inMembers.push({ ...f, member: f.member ?? member });
      this.unreadable.push(...(r.unreadable ?? []));
    });
    for (const u of opened.unopened) this.unreadable.push(`cannot scan ${this.item.path}${u.name ? `!${u.name}` : ''}: ${u.reason}`);
    // A stored member's bytes are also the container's: report such a token once, in its member.
    const seen = new Set(inMembers.map((f) => f.secret));
    const own = this.findings.filter((f) => !seen.has(f.secret));
    this.findings.length = 0;
    this.findings.push(...own, ...inMembers);
    return members;
  }

  private feed(piece: Buffer): void {
    if (this.utf16) piece = Buffer.from(this.utf16.decode(piece, { stream: true }), 'utf8');
    this.take(this.scanner.push(piece));
  }

  end(): ItemResult {
    if (this.first) this.begin();
    if (this.utf16) this.take(this.scanner.push(Buffer.from(this.utf16.decode(), 'utf8')));
    this.take(this.scanner.end());
    const members = this.archive ? this.openMembers() : 0;
    return { findings: this.findings, bytes: this.bytes, binary: this.binary, ...(members ? { members } : {}), ...(this.unreadable.length ? { unreadable: this.unreadable } : {}) };
  }

  private take(found: Positioned[]): void {
    const item = this.item;
    for (const c of found) {
      // A token counts when any part of it is on a counted line (a split literal's added second piece).
      if (item.lineFilter && !item.lineFilter(c.line, c.endLine)) continue;
      const f: Finding = {
        ruleId: c.ruleId,
        file: item.path,
        line: c.line,
        column: c.column,
        secret: c.secret,
        fingerprint: fingerprint(c.ruleId, item.path, c.secret),
        ...(this.binary ? binaryContext(c) : { lineText: c.lineText, lineMasks: c.lineMasks }),
      };
      if (this.binary) {
        f.binary = true;
        f.offset = c.offset;
      }
      if (c.encoding) f.encoding = c.encoding;
      if (lineAllowed(c.lineText)) f.allowComment = true;
      if (c.endLine !== c.line) f.endLine = c.endLine;
      if (item.blob) f.blob = item.blob;
      this.findings.push(f);
    }
  }
}

/** A binary file is held in case it ends in a zip up to this size; past it, only its tail is kept. */
const SNIFF_MAX = 32 * 1024 * 1024;
/** Where a zip's end record can be: the last 22 bytes plus a comment of up to 65,535. */
const ZIP_TAIL = 22 + 0xffff;

/** Context bytes kept on each side of a token found in binary content. */
const BINARY_CONTEXT = 24;

/**
 * The context of a token in binary content: a "line" there is whatever lies between two 0x0A
 * bytes, so keep a few bytes on each side, non-printable ones shown as '.', masks moved to match.
 */
function binaryContext(c: Positioned): Pick<Finding, 'lineText' | 'lineMasks'> {
  const self = c.lineMasks.find((m) => m.secret === c.secret);
  const at = self ? self.from : 0;
  const from = Math.max(0, at - BINARY_CONTEXT);
  const to = Math.min(c.lineText.length, (self ? self.to : at + c.secret.length) + BINARY_CONTEXT);
  const lineText = c.lineText.slice(from, to).replace(/[^\x20-\x7e]/g, '.');
  const lineMasks = c.lineMasks.filter((m) => m.to > from && m.from < to).map((m) => ({ ...m, from: Math.max(m.from, from) - from, to: Math.min(m.to, to) - from }));
  return { lineText, lineMasks };
}

/**
 * Tokens in a name (a path, a ref): whoever names a file or a branch can paste a token there, and
 * every listing shows it. `file` is what the finding is reported as (the path itself, by default).
 */
export function tokensInName(detector: Detector, name: string, file: string = name): Finding[] {
  if (!detector.prefixes.some((p) => name.includes(p))) return [];
  return detector.detect(name).map((c) => ({ ruleId: c.ruleId, file, line: 1, column: c.offset + 1, secret: c.secret, fingerprint: fingerprint(c.ruleId, file, c.secret), inName: true as const }));
}

/** Scan one item; UTF-16 text (with a BOM) is transcoded, any other bytes are scanned as binary. */
export async function scanItem(item: SourceItem, detector: Detector): Promise<ItemResult> {
  const s = new ItemScanner(item, detector);
  for await (const piece of item.read()) {
    if (!s.push(piece)) break;
  }
  return s.end();
}

/** Scan every item, a few at a time; returns findings in a stable order. */
export async function scanItems(
  items: AsyncIterable<SourceItem>,
  detector: Detector,
  stats: ScanStats,
  opts: ScanItemsOptions = {},
): Promise<Finding[]> {
  const concurrency = opts.concurrency ?? 8;
  const findings: Finding[] = [];
  const running = new Set<Promise<void>>();
  let fatal: Error | undefined;
  const record = (r: ItemResult): void => {
    recordResult(stats, r);
    findings.push(...r.findings);
  };
  const warnUnreadable = (item: SourceItem, e: unknown): void => {
    // Only the file system failing to give the bytes is "unreadable"; anything else is a bug, fatal.
    if (!isFsError(e)) {
      fatal ??= e instanceof Error ? e : new Error(String(e));
      return;
    }
    noteUnreadable(stats, `cannot read ${item.path}: ${describeFsError(e)}`, opts.unreadable ?? opts.warn);
  };
  for await (const item of items) {
    if (fatal) break;
    if (item.readSmallSync) {
      // Small files: read and scan synchronously, no promise per file.
      let data: Buffer | undefined;
      try {
        data = item.readSmallSync();
      } catch (e) {
        warnUnreadable(item, e);
        continue;
      }
      if (data) {
        // Scanned before the next read reuses the buffer.
        const s = new ItemScanner(item, detector, { stablePieces: true });
        s.push(data);
        record(s.end());
        opts.onItem?.(item, data.length);
        continue;
      }
    }
    const p = (async () => {
      try {
        const r = await scanItem(item, detector);
        record(r);
        opts.onItem?.(item, r.bytes);
      } catch (e) {
        // A known failure of the source ends the scan: a partial pass must not look clean.
        if (isKnownError(e)) {
          fatal ??= e;
          return;
        }
        warnUnreadable(item, e);
      }
    })();
    running.add(p);
    // Both arms handled: a derived promise of `finally` would reject unobserved when p does.
    p.then(
      () => running.delete(p),
      () => running.delete(p),
    );
    if (running.size >= concurrency) await Promise.race(running);
  }
  await Promise.all(running);
  if (fatal) throw fatal;
  return sortFindings(findings);
}

/** A decoder for UTF-16 text that starts with a byte-order mark, else undefined. */
export function bomDecoder(head: Buffer): TextDecoder | undefined {
  const bom = head.length >= 2 ? (head[0]! << 8) | head[1]! : 0;
  return bom === 0xfffe ? new TextDecoder('utf-16le') : bom === 0xfeff ? new TextDecoder('utf-16be') : undefined;
}

/** Count one scanned item in the stats (bytes; a file, and whether it was binary). */
export function recordResult(stats: ScanStats, r: ItemResult): void {
  stats.bytes += r.bytes;
  stats.files++;
  if (r.binary) stats.binaryFiles = (stats.binaryFiles ?? 0) + 1;
  if (r.members) stats.archiveMembers = (stats.archiveMembers ?? 0) + r.members;
  // Named on stderr by the runner after the scan (run.ts), like everything else not read.
  for (const m of r.unreadable ?? []) noteUnreadable(stats, m);
}

/** An error from the operating system about a file (it has an errno code), not a bug of ours. */
export function isFsError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code);
}

/** Record something in scope that could not be read: named, counted, and the exit cannot be 0. */
export function noteUnreadable(stats: ScanStats, message: string, tell?: (message: string) => void): void {
  (stats.unreadable ??= []).push(message);
  tell?.(message);
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
}
