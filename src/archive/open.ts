/**
 * Archives opened in memory, bounded: zip and its family (jar, war, whl, nupkg, apk, vsix, docx,
 * xlsx, pptx, odt…), tar, gzip (and so .tar.gz / .tgz). Pure: bytes in, members out, no disk.
 *
 * Why no library: the containers are simple and the decompressor is Node's own zlib (raw deflate
 * for zip, gunzip for gzip), so parsing here costs ~200 lines, adds no dependency or native build,
 * and lets every read be checked against the caps below before it happens. Zip is read from its
 * central directory (the authoritative list; a local header can lie or hide behind a data
 * descriptor). Members are decompressed with a hard output limit, so a bomb costs at most the cap.
 */
import { createRequire } from 'node:module';

type Zlib = typeof import('node:zlib');
let zlibLib: Zlib | undefined;
/** zlib, loaded when an archive is first opened: the pre-commit hook's start-up does not pay for it. */
const zlib = (): Zlib => (zlibLib ??= createRequire(import.meta.url)('node:zlib') as Zlib);

export type ArchiveKind = 'zip' | 'gzip' | 'tar';

export interface ArchiveLimits {
  /** An archive bigger than this is not opened (its bytes are still scanned as binary). */
  maxInput: number;
  /** A member expanding past this is cut off and named. */
  maxMember: number;
  /** All members of one top-level file together. */
  maxTotal: number;
  /** Expanded size over compressed size, for members past 16 MiB. */
  maxRatio: number;
  /** Archives inside archives, counted from the top-level file (1 = its own members). */
  maxDepth: number;
  maxMembers: number;
}

export const DEFAULT_LIMITS: ArchiveLimits = {
  maxInput: 256 * 1024 * 1024,
  maxMember: 64 * 1024 * 1024,
  maxTotal: 512 * 1024 * 1024,
  maxRatio: 200,
  maxDepth: 3,
  maxMembers: 100_000,
};

/** What one top-level file's archives have used so far (shared down the nesting). */
export interface ArchiveBudget {
  expanded: number;
  members: number;
  readonly limits: ArchiveLimits;
}

export interface Member {
  name: string;
  data: Buffer;
}

/** A member that could not be opened: named, so the scan cannot pass as complete. */
export interface Unopened {
  name: string;
  reason: string;
}

/** Members are handed over one at a time as they are read (then dropped): memory holds one. */
export interface Opened {
  unopened: Unopened[];
}

export type OnMember = (m: Member) => void;

/** Which archive the first bytes announce (magic numbers, not file names). */
export function archiveKind(head: Buffer): ArchiveKind | undefined {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))) return 'zip';
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 8) return 'gzip';
  // By its header's checksum and fields (old v7 archives have no "ustar" magic; a text file can
  // hold the word "ustar" at byte 257).
  if (isTarHeader(head)) return 'tar';
  return undefined;
}

/** Compressed formats this build cannot open (named rather than passed as scanned). */
export function unsupportedCompression(head: Buffer): string | undefined {
  if (head.length >= 6 && head.toString('latin1', 0, 6) === '\xfd7zXZ\x00') return 'xz';
  if (head.length >= 4 && head.toString('latin1', 0, 3) === 'BZh' && head[3]! >= 0x31 && head[3]! <= 0x39) return 'bzip2';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head.length >= 6 && head.toString('latin1', 0, 6) === '7z\xbc\xaf\x27\x1c') return '7z';
  if (head.length >= 7 && head.toString('latin1', 0, 7) === 'Rar!\x1a\x07') return 'rar';
  return undefined;
}

export function openArchive(kind: ArchiveKind, data: Buffer, name: string, budget: ArchiveBudget, onMember: OnMember): Opened {
  switch (kind) {
    case 'zip':
      return openZip(data, budget, onMember);
    case 'gzip':
      return openGzip(data, name, budget, onMember);
    case 'tar':
      return openTar(data, budget, onMember);
  }
}

/** The ratio cap applies past this size (test fixtures of a few MB shrink 1000 times; the member cap bounds the rest). */
const RATIO_FROM = 16 * 1024 * 1024;

/** Room left for one member: the member cap, the total cap, and the ratio cap past RATIO_FROM. */
function room(budget: ArchiveBudget, compressed: number): number {
  const l = budget.limits;
  return Math.max(0, Math.min(l.maxMember, l.maxTotal - budget.expanded, Math.max(RATIO_FROM, compressed * l.maxRatio)));
}

function cutOff(name: string, limit: number, budget: ArchiveBudget): Unopened {
  const l = budget.limits;
  const why = budget.expanded + limit >= l.maxTotal ? `the archive’s members together pass ${l.maxTotal} bytes` : limit >= l.maxMember ? `it expands past ${l.maxMember} bytes` : `it expands more than ${l.maxRatio} times (a decompression bomb?)`;
  return { name, reason: `${why}` };
}

/** zlib with an output cap: the expanded bytes, or undefined when the cap was hit. */
function inflateCapped(fn: Zlib['inflateRawSync'], input: Buffer, limit: number): Buffer | undefined {
  try {
    return fn(input, { maxOutputLength: Math.max(1, limit) });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return undefined;
    throw e;
  }
}

function takeMember(budget: ArchiveBudget, onMember: OnMember, name: string, data: Buffer): void {
  budget.expanded += data.length;
  onMember({ name, data });
}

function tooMany(budget: ArchiveBudget, out: Opened): boolean {
  if (++budget.members <= budget.limits.maxMembers) return false;
  if (budget.members === budget.limits.maxMembers + 1) out.unopened.push({ name: '', reason: `more than ${budget.limits.maxMembers} members` });
  return true;
}

function openGzip(data: Buffer, name: string, budget: ArchiveBudget, onMember: OnMember): Opened {
  const out: Opened = { unopened: [] };
  // The member is named as gunzip would name the file: a.json.gz holds a.json, b.tgz holds b.tar.
  const base = name.split('!').pop()!.split('/').pop()!;
  const member = /\.tgz$/i.test(base) ? `${base.slice(0, -4)}.tar` : /\.gz$/i.test(base) && base.length > 3 ? base.slice(0, -3) : '(gunzipped)';
  if (tooMany(budget, out)) return out;
  const limit = room(budget, data.length);
  let expanded: Buffer | undefined;
  try {
    expanded = inflateCapped(zlib().gunzipSync, data, limit + 1);
  } catch (e) {
    out.unopened.push({ name: member, reason: `cannot decompress: ${zlibReason(e)}` });
    return out;
  }
  if (!expanded || expanded.length > limit) out.unopened.push(cutOff(member, limit, budget));
  else takeMember(budget, onMember, member, expanded);
  return out;
}

function zlibReason(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 120 ? `${m.slice(0, 120)}…` : m;
}

const EOCD = 0x06054b50;
const CEN = 0x02014b50;
const LOC = 0x04034b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;


function openZip(data: Buffer, budget: ArchiveBudget, onMember: OnMember): Opened {
  const out: Opened = { unopened: [] };
  // The end record is in the last 64 KiB + 22 bytes (its comment is at most 65,535 bytes).
  const dir = findDirectory(data);
  if (!dir) {
    out.unopened.push({ name: '', reason: 'not a readable zip (no end of central directory)' });
    return out;
  }
  const { count, shift } = dir;
  const cdOffset = dir.start;
  let p = cdOffset;
  const starts = new Set<number>();
  let claimed = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > data.length || data.readUInt32LE(p) !== CEN) {
      out.unopened.push({ name: '', reason: `the central directory is damaged after ${n} of ${count} entries` });
      break;
    }
    const flags = data.readUInt16LE(p + 8);
    const method = data.readUInt16LE(p + 10);
    let csize = data.readUInt32LE(p + 20);
    let usize = data.readUInt32LE(p + 24);
    const nameLen = data.readUInt16LE(p + 28);
    const extraLen = data.readUInt16LE(p + 30);
    const commentLen = data.readUInt16LE(p + 32);
    let local = data.readUInt32LE(p + 42) + shift;
    const name = data.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen);
    // Zip64: the real sizes and offset are in the extra field, in this order, when the 32-bit ones are full.
    const extra = data.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
    for (let e = 0; e + 4 <= extra.length; ) {
      const id = extra.readUInt16LE(e);
      const size = extra.readUInt16LE(e + 2);
      if (id === 1) {
        let q = e + 4;
        const next = (): number => {
          const v = q + 8 <= e + 4 + size ? Number(extra.readBigUInt64LE(q)) : -1;
          q += 8;
          return v;
        };
        if (usize === 0xffffffff) usize = next();
        if (csize === 0xffffffff) csize = next();
        if (local === 0xffffffff + shift) local = next() + shift;
      }
      e += 4 + size;
    }
    p += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/') && csize === 0) continue; // a folder (one holding data is read like a file)
    if (tooMany(budget, out)) break;
    if (flags & 1) {
      out.unopened.push({ name, reason: 'the member is encrypted' });
      continue;
    }
    if (local < 0 || local + 30 > data.length || data.readUInt32LE(local) !== LOC) {
      out.unopened.push({ name, reason: 'its local header is missing or damaged' });
      continue;
    }
    const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
    if (csize < 0 || start + csize > data.length) {
      out.unopened.push({ name, reason: 'the member runs past the end of the archive' });
      continue;
    }
    // Entries sharing their bytes are how a small zip claims terabytes ("a better zip bomb"): the
    // members of an honest zip hold disjoint bytes, so together they fit in the file.
    claimed += csize + (start - local);
    if (starts.has(local) || claimed > data.length) {
      out.unopened.push({ name, reason: 'its data overlaps another member’s (a zip bomb?)' });
      continue;
    }
    starts.add(local);
    const raw = data.subarray(start, start + csize);
    const limit = room(budget, csize);
    if (method === 0) {
      if (raw.length > limit) out.unopened.push(cutOff(name, limit, budget));
      else takeMember(budget, onMember, name, raw);
    } else if (method === 8) {
      let expanded: Buffer | undefined;
      try {
        expanded = inflateCapped(zlib().inflateRawSync, raw, limit + 1);
      } catch (e) {
        out.unopened.push({ name, reason: `cannot decompress: ${zlibReason(e)}` });
        continue;
      }
      if (!expanded || expanded.length > limit) out.unopened.push(cutOff(name, limit, budget));
      else takeMember(budget, onMember, name, expanded);
    } else {
      out.unopened.push({ name, reason: `compression method ${method} is not supported (only stored and deflate)` });
    }
  }
  return out;
}

/** Where a zip's central directory is, read from the end record at `i`; undefined when it does not hold up. */
interface Directory {
  count: number;
  /** Absolute offset of the first central directory entry. */
  start: number;
  /** Bytes in front of the zip (a self-extracting executable): add to every offset it records. */
  shift: number;
}

function directoryAt(data: Buffer, i: number): Directory | undefined {
  if (i + 22 + data.readUInt16LE(i + 20) > data.length) return undefined;
  let count = data.readUInt16LE(i + 10);
  let size = data.readUInt32LE(i + 12);
  let offset = data.readUInt32LE(i + 16);
  let end = i;
  if ((count === 0xffff || size === 0xffffffff || offset === 0xffffffff) && i >= 76 && data.readUInt32LE(i - 20) === ZIP64_LOCATOR) {
    // The zip64 end record sits right before its locator (its recorded offset does not count a prefix).
    const at = i - 20 - 56;
    if (data.readUInt32LE(at) !== ZIP64_EOCD) return undefined;
    count = Number(data.readBigUInt64LE(at + 32));
    size = Number(data.readBigUInt64LE(at + 40));
    offset = Number(data.readBigUInt64LE(at + 48));
    end = at;
  }
  const shift = end - size - offset;
  if (shift < 0) return undefined;
  const start = offset + shift;
  if (count === 0) return size === 0 ? { count, start, shift } : undefined;
  return start + 46 <= data.length && data.readUInt32LE(start) === CEN ? { count, start, shift } : undefined;
}

/**
 * The zip's central directory, from the last end record that points at a real one (bytes may follow
 * it; a record-like string inside a comment points nowhere). An empty directory counts only when no
 * local header is in the file either: a fake empty record must not hide the members.
 */
export function findDirectory(data: Buffer): Directory | undefined {
  let empty: Directory | undefined;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 0xffff - 1024); i--) {
    if (data.readUInt32LE(i) !== EOCD) continue;
    const d = directoryAt(data, i);
    if (!d) continue;
    if (d.count > 0) return d;
    empty ??= d;
  }
  return empty && data.indexOf(LOCAL_SIG) === -1 ? empty : undefined;
}

const LOCAL_SIG = Buffer.from([0x50, 0x4b, 3, 4]);

/** A tar header, by its checksum (old v7 archives have no "ustar" magic). */
function isTarHeader(h: Buffer): boolean {
  if (h.length < 512 || h[0] === 0) return false;
  // Every numeric field octal digits padded with spaces or NULs, and the name NUL-padded: text
  // that merely sums right (a .js file about tar headers) is not a tar.
  const octal = (from: number, len: number): boolean => /^ *[0-7]*[ \0]*$/.test(h.toString('latin1', from, from + len));
  if (![[100, 8], [108, 8], [116, 8], [124, 12], [136, 12], [148, 8]].every(([a, b]) => octal(a!, b!))) return false;
  const nul = h.indexOf(0);
  if (nul === -1 || nul >= 100) return false;
  const stored = parseInt(h.toString('latin1', 148, 156).replace(/[\0 ]+$/, '').trim(), 8);
  if (!Number.isFinite(stored)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum === stored;
}

function tarString(b: Buffer, from: number, len: number): string {
  const end = b.indexOf(0, from);
  return b.toString('utf8', from, end === -1 || end > from + len ? from + len : end);
}

function tarSize(b: Buffer, at: number): number {
  // Base-256 (GNU) for sizes past 8 GiB; else octal.
  if (b[at]! & 0x80) {
    let v = 0;
    for (let i = at + 1; i < at + 12; i++) v = v * 256 + b[i]!;
    return v;
  }
  const s = tarString(b, at, 12).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

function openTar(data: Buffer, budget: ArchiveBudget, onMember: OnMember): Opened {
  const out: Opened = { unopened: [] };
  let p = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  while (p + 512 <= data.length) {
    const h = data.subarray(p, p + 512);
    if (h.every((x) => x === 0)) break; // end of archive
    const size = tarSize(h, 124);
    const type = String.fromCharCode(h[156]!);
    if (!Number.isFinite(size) || size < 0) {
      out.unopened.push({ name: '', reason: `a damaged header at byte ${p}` });
      break;
    }
    let body = p + 512;
    // An old GNU sparse member (type S) may continue its map in extension headers before its data.
    if (type === 'S' && h[482]) {
      while (body + 512 <= data.length) {
        const more = data[body + 504];
        body += 512;
        if (!more) break;
      }
    }
    const next = body + Math.ceil(size / 512) * 512;
    if (body + size > data.length) {
      out.unopened.push({ name: tarString(h, 0, 100), reason: 'the member runs past the end of the archive' });
      break;
    }
    const content = data.subarray(body, body + size);
    if (type === 'L') longName = tarString(content, 0, content.length);
    else if (type === 'x') {
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(content.toString('utf8'));
      if (m) paxPath = m[1];
    } else if (type === '0' || type === '\0' || type === '7' || type === 'S') {
      const prefix = h.toString('latin1', 257, 262) === 'ustar' ? tarString(h, 345, 155) : '';
      const name = paxPath ?? longName ?? (prefix ? `${prefix}/${tarString(h, 0, 100)}` : tarString(h, 0, 100));
      longName = paxPath = undefined;
      if (tooMany(budget, out)) break;
      const limit = room(budget, size);
      if (size > limit) out.unopened.push(cutOff(name, limit, budget));
      else takeMember(budget, onMember, name, content);
    } else {
      longName = paxPath = undefined; // folders, links, devices: no content of their own
    }
    p = next;
  }
  return out;
}
