/**
 * Sinks that turn objects read by `git cat-file` (git/cat-file.ts) into scanned items: a file
 * version, a commit or tag message, or only the line keys of a version to compare against.
 */
import { TextDecoder } from 'node:util';
import type { Detector } from '../engine/detect.js';
import type { ObjectSink } from '../git/cat-file.js';
import { LineHasher } from '../git/line-diff.js';
import { bomDecoder, ItemScanner, type ItemResult } from '../scan.js';

export const COMMIT_MESSAGE = '(commit message)';
export const TAG_MESSAGE = '(tag message)';
/** Author, committer, tagger and extra headers: whoever makes the object writes them. */
export const COMMIT_HEADER = '(commit header)';
export const TAG_HEADER = '(tag header)';

/** Scan a file version; `done` gets the result. */
export function fileSink(path: string, blob: string, detector: Detector, done: (r: ItemResult) => void, missing: () => void): ObjectSink {
  let s: ItemScanner;
  let fed = true;
  return {
    start: () => {
      // cat-file's chunks are never reused (ObjectSink.data): nothing needs copying.
      s = new ItemScanner({ path, blob }, detector, { stablePieces: true });
    },
    data: (p) => {
      if (fed) fed = s.push(p);
    },
    end: () => done(s.end()),
    missing,
  };
}

/** Line keys of a version, decoded as the scanner decodes it (UTF-16 with a BOM), nothing scanned. */
export function keysSink(done: (keys: Float64Array | undefined) => void): ObjectSink {
  const keys = new LineHasher();
  let head: Buffer[] | undefined = []; // until the BOM's two bytes are here (a pipe may cut them)
  let utf16: TextDecoder | undefined;
  const feed = (p: Buffer): void => keys.push(utf16 ? Buffer.from(utf16.decode(p, { stream: true }), 'utf8') : p);
  const begin = (): void => {
    const p = Buffer.concat(head!);
    head = undefined;
    utf16 = bomDecoder(p);
    feed(p);
  };
  return {
    start: () => undefined,
    data: (p) => {
      if (!head) return feed(p);
      head.push(p);
      if (head.reduce((n, b) => n + b.length, 0) >= 2) begin();
    },
    end: () => {
      if (head) begin();
      if (utf16) keys.push(Buffer.from(utf16.decode(), 'utf8'));
      done(keys.end());
    },
    // Nothing to compare with: every line of the new version then counts (never fewer).
    missing: () => done(undefined),
  };
}

/** Headers of a commit or tag object before its message are at most this big (a signature included). */
const MAX_HEADERS = 1024 * 1024;

/**
 * Scan the message of a commit or annotated tag: the text after the headers' blank line, with lines
 * and columns counted within the message. `done` gets the result and, for a tag, the object it tags.
 */
export function messageSink(detector: Detector, done: (r: ItemResult, tagged?: string) => void, missing: () => void): ObjectSink {
  let type = '';
  let head: Buffer[] = [];
  let s: ItemScanner | undefined;
  let tagged: string | undefined;
  let fromHeaders: ItemResult | undefined;
  // Until the headers' end is seen, gather; then scan the rest as the message.
  const gather = (final: boolean): void => {
    const all = Buffer.concat(head);
    const at = all.indexOf('\n\n');
    if (at === -1 && !final && all.length < MAX_HEADERS) {
      head = [all];
      return;
    }
    head = [];
    const headers = all.toString('latin1', 0, at === -1 ? all.length : at);
    const obj = /^object ([0-9a-f]{40,64})$/m.exec(headers);
    if (type === 'tag' && obj && /^type commit$/m.test(headers)) tagged = obj[1];
    // The headers are input too: a token as an author's name, in an extra header, in a tagger line.
    if (at !== -1 || final) {
      const h = new ItemScanner({ path: type === 'tag' ? TAG_HEADER : COMMIT_HEADER, text: true }, detector);
      h.push(all.subarray(0, at === -1 ? all.length : at));
      fromHeaders = h.end();
    }
    // A message is text whatever bytes it holds: a NUL must not make it "binary" and unscanned.
    s = new ItemScanner({ path: type === 'tag' ? TAG_MESSAGE : COMMIT_MESSAGE, text: true }, detector);
    // No blank line: no message, unless the "headers" are too big to be headers; then scan them all.
    const rest = at !== -1 ? all.subarray(at + 2) : final ? Buffer.alloc(0) : all;
    if (rest.length > 0) s.push(rest);
  };
  return {
    start: (t) => {
      type = t;
    },
    data: (p) => {
      if (s) s.push(p);
      else {
        head.push(p);
        gather(false);
      }
    },
    end: () => {
      if (!s) gather(true);
      const r = s!.end();
      if (fromHeaders && fromHeaders.findings.length > 0) r.findings.unshift(...fromHeaders.findings);
      done(r, tagged);
    },
    missing,
  };
}
