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
  private readonly scanner: StreamScanner;

  constructor(
    private readonly item: Pick<SourceItem, 'path' | 'lineFilter' | 'blob'> & { text?: boolean },
    detector: Detector,
  ) {
    this.scanner = new StreamScanner(detector);
  }

  /** Feed a piece; returns false once the content is known to be binary (stop feeding). */
  push(piece: Buffer): boolean {
    this.bytes += piece.length;
    if (this.binary) return false;
    if (this.first) {
      // Decide on the BOM and the binary probe only once the first 8000 bytes are here: a pipe may
      // cut a file anywhere, even between the two bytes of its BOM.
      this.head.push(piece);
      this.headBytes += piece.length;
      if (this.headBytes < BINARY_PROBE) return true;
      return this.begin();
    }
    this.feed(piece);
    return true;
  }

  private begin(): boolean {
    this.first = false;
    const piece = this.head.length === 1 ? this.head[0]! : Buffer.concat(this.head);
    this.head = [];
    this.utf16 = bomDecoder(piece);
    if (!this.utf16 && !this.item.text && piece.subarray(0, BINARY_PROBE).includes(0)) {
      this.binary = true;
      return false;
    }
    this.feed(piece);
    return true;
  }

  private feed(piece: Buffer): void {
    if (this.utf16) piece = Buffer.from(this.utf16.decode(piece, { stream: true }), 'utf8');
    this.take(this.scanner.push(piece));
  }

  end(): ItemResult {
    if (this.first) this.begin();
    if (!this.binary) {
      if (this.utf16) this.take(this.scanner.push(Buffer.from(this.utf16.decode(), 'utf8')));
      this.take(this.scanner.end());
    }
    return { findings: this.findings, bytes: this.bytes, binary: this.binary };
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
        lineText: c.lineText,
        lineMasks: c.lineMasks,
      };
      if (c.encoding) f.encoding = c.encoding;
      if (lineAllowed(c.lineText)) f.allowComment = true;
      if (c.endLine !== c.line) f.endLine = c.endLine;
      if (item.blob) f.blob = item.blob;
      this.findings.push(f);
    }
  }
}

/** Scan one item; UTF-16 text (with a BOM) is transcoded, other binary content is skipped. */
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
        const s = new ItemScanner(item, detector);
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

/** Count one scanned item in the stats (bytes; a file, or a binary one skipped). */
export function recordResult(stats: ScanStats, r: ItemResult): void {
  stats.bytes += r.bytes;
  if (r.binary) stats.skippedBinary = (stats.skippedBinary ?? 0) + 1;
  else stats.files++;
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
