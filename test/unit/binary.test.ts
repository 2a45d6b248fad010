/**
 * Tokens in binary content and inside archives, at the scanner level: where they are found, how
 * they are reported, the caps on archives, and silence on real binaries and random bytes.
 */
import { describe, expect, it } from 'vitest';
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { loadRules } from '../../src/rules/load.js';
import { buildDetector } from '../../src/rules/compile.js';
import { ItemScanner } from '../../src/scan.js';
import { archiveKind, openArchive, DEFAULT_LIMITS, type ArchiveLimits } from '../../src/archive/open.js';
import { TokenFactory } from '../helpers/tokens.js';
import { gz, makeZeroBomb, makeZip, xz } from '../helpers/archives.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const detector = buildDetector(loadRules());
const f = new TokenFactory(777);

function scan(path: string, data: Buffer, pieceSize = data.length || 1, limits?: Partial<ArchiveLimits>) {
  const s = new ItemScanner({ path }, detector, limits ? { budget: { expanded: 0, members: 0, limits: { ...DEFAULT_LIMITS, ...limits } } } : {});
  for (let i = 0; i < data.length; i += pieceSize) s.push(data.subarray(i, i + pieceSize));
  return s.end();
}

/** Deterministic noise (SHA-256 in counter mode). */
function noise(n: number, seed = 'noise'): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0, c = 0; i < n; c++) i += createHash('sha256').update(`${seed}:${c}`).digest().copy(out, i);
  return out;
}

describe('binary content is scanned', () => {
  it('an SQLite row glues the token to its neighbours on both sides; it is found, with line, column and byte offset', () => {
    const t = f.ntn();
    const row = Buffer.concat([Buffer.from('SQLite format 3\0'), noise(100), Buffer.from(`notion_token${t}2024-06-01T10:00:00Z`), noise(60)]);
    const r = scan('db.sqlite3', row);
    expect(r.binary).toBe(true);
    expect(r.findings.map((x) => x.secret)).toEqual([t]);
    const at = row.indexOf(t);
    expect(r.findings[0]).toMatchObject({ binary: true, offset: at, file: 'db.sqlite3' });
    const before = row.subarray(0, at);
    expect(r.findings[0]!.line).toBe(before.filter((b) => b === 10).length + 1);
  });

  it('a PNG text chunk (keyword, NUL, token) and strings in an executable', () => {
    const t = f.ntn();
    const l = f.legacy();
    const png = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n\0\0\0\x40tEXtComment\0', 'latin1'), Buffer.from(t), noise(64)]);
    expect(scan('shot.png', png).findings.map((x) => x.secret)).toEqual([t]);
    const elf = Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\0', 'latin1'), noise(5000), Buffer.from(`\0${l}\0`), noise(5000)]);
    expect(scan('app', elf).findings.map((x) => x.secret)).toEqual([l]);
  });

  it('is found across piece boundaries, once', () => {
    const t = f.ntn();
    const data = Buffer.concat([Buffer.from([0]), noise(300_000), Buffer.from(`key${t}`), noise(300_000)]);
    for (const piece of [4096, 65_536, 1_000_003]) expect(scan('blob.bin', data, piece).findings.map((x) => x.secret)).toEqual([t]);
  });

  it('the context shown is a few printable bytes each side, the token masked', () => {
    const t = f.ntn();
    const other = f.ntn();
    const data = Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`xx${other}\x07${t}\x00yy`, 'latin1')]);
    const r = scan('x.bin', data);
    for (const x of r.findings) {
      expect(x.lineText!.length).toBeLessThanOrEqual(24 * 2 + 50);
      expect(x.lineText).toMatch(/^[\x20-\x7e]*$/);
      for (const m of x.lineMasks!) expect(m.secret).toContain(x.lineText!.slice(m.from, m.to));
    }
  });

  it('a variable-length token glued to more body characters is not guessed at', () => {
    const nrt = ['nr', 't_'].join('') + noise(40).toString('base64').replace(/[^A-Za-z0-9]/g, 'a').slice(0, 40);
    expect(scan('x.bin', Buffer.concat([Buffer.from([0]), Buffer.from(`${nrt}${'Q'.repeat(30)}`)])).findings).toEqual([]);
  });

  it('random bytes raise nothing (16 MiB of noise)', () => {
    const data = noise(16 * 1024 * 1024, 'quiet');
    data[0] = 0;
    expect(scan('noise.bin', data, 1 << 20).findings).toEqual([]);
  });

  it('real binaries from node_modules and the system (fonts, images, wasm, executables) raise nothing', () => {
    const picked: string[] = [];
    let bytes = 0;
    const walk = (dir: string, depth: number): void => {
      if (depth > 12 || bytes > 400 * 1024 * 1024) return;
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        return;
      }
      for (const n of names) {
        const p = join(dir, n);
        let st;
        try {
          st = statSync(p);
        } catch {
          continue;
        }
        if (st.isDirectory()) walk(p, depth + 1);
        else if (st.isFile() && st.size > 0 && /\.(woff2?|ttf|otf|eot|png|jpe?g|gif|ico|webp|wasm|node|exe|dll|so|gz|tgz|zip)$|\/bin\/[^/.]+$/.test(p)) {
          picked.push(p);
          bytes += st.size;
        }
      }
    };
    walk(join(ROOT, 'node_modules'), 0);
    for (const d of ['/usr/bin', '/usr/share/fonts']) walk(d, 0);
    const kinds = new Set(picked.map((p) => /\.(\w+)$/.exec(p)?.[1] ?? 'exe'));
    expect(bytes).toBeGreaterThan(30 * 1024 * 1024);
    expect(kinds.size).toBeGreaterThanOrEqual(3);
    const hits: string[] = [];
    const buf = Buffer.allocUnsafe(1 << 20);
    for (const p of picked) {
      const s = new ItemScanner({ path: p }, detector);
      const fd = openSync(p, 'r');
      try {
        for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) s.push(Buffer.from(buf.subarray(0, n)));
      } finally {
        closeSync(fd);
      }
      hits.push(...s.end().findings.map((x) => `${x.file}: ${x.ruleId}`));
    }
    expect(hits).toEqual([]);
  }, 300_000);
});

describe('archives are opened', () => {
  it('zip (stored and deflated) and the zip family, named archive!member', () => {
    const t = f.ntn();
    for (const method of ['stored', 'deflated'] as const) {
      const zip = makeZip({ 'app/settings.json': `{"token":"${t}"}\n`, 'README.md': 'hi\n' }, method);
      const r = scan('build.jar', zip);
      expect(r.findings.map((x) => [x.file, x.member, x.line, x.column])).toEqual([['build.jar!app/settings.json', 'app/settings.json', 1, 11]]);
      expect(r.members).toBe(2);
      expect(r.unreadable).toBeUndefined();
    }
  });

  it('nests: a zip inside a tar inside gzip, each level named', () => {
    const t = f.ntn();
    const inner = makeZip({ 'app/settings.json': `T=${t}\n` });
    // A ustar archive built by hand here (the e2e tests use GNU tar): one member, padded.
    const header = Buffer.alloc(512);
    header.write('inner/bundle.zip', 0, 'latin1');
    header.write('0000644\0', 100, 'latin1');
    header.write(`${inner.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    header.write('0', 156, 'latin1');
    header.write('ustar\x0000', 257, 'latin1');
    header.fill(32, 148, 156);
    header.write(`${header.reduce((a, b) => a + b, 0).toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const tar = Buffer.concat([header, inner, Buffer.alloc((512 - (inner.length % 512)) % 512), Buffer.alloc(1024)]);
    const r = scan('backup.tgz', gz(tar));
    expect(r.findings.map((x) => x.file)).toEqual(['backup.tgz!backup.tar!inner/bundle.zip!app/settings.json']);
    expect(r.findings[0]!.member).toBe('backup.tar!inner/bundle.zip!app/settings.json');
  });

  it('a gzip stream holds one member, named as gunzip names it', () => {
    const t = f.legacy();
    expect(scan('dump.json.gz', gz(`{"k":"${t}"}`)).findings.map((x) => x.file)).toEqual(['dump.json.gz!dump.json']);
    expect(scan('(standard input)', gz(`k=${t}`)).findings.map((x) => x.file)).toEqual(['(standard input)!(gunzipped)']);
  });

  it('a decompression bomb is cut off and named, within the caps', () => {
    const bomb = makeZeroBomb(300 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const r = scan('bomb.zip', bomb);
    expect(r.unreadable).toEqual([expect.stringMatching(/^cannot scan bomb\.zip!zeros\.bin: it expands more than 200 times \(a decompression bomb\?\)$/)]);
    const small = scan('bomb.zip', makeZeroBomb(8 * 1024 * 1024), undefined, { maxRatio: 100_000, maxMember: 4 * 1024 * 1024 });
    expect(small.unreadable).toEqual([expect.stringMatching(/it expands past 4194304 bytes/)]);
  }, 60_000);

  it('nesting past the depth limit, too many members, and a total past the cap are named', () => {
    const t = f.ntn();
    let z = makeZip({ 'deep.txt': `T=${t}\n` });
    for (let i = 0; i < 3; i++) z = makeZip({ [`level${i}.zip`]: z }, 'stored');
    const deep = scan('nest.zip', z);
    expect(deep.unreadable).toEqual([expect.stringMatching(/^cannot open nest\.zip!level2\.zip!level1\.zip!level0\.zip: archives nested deeper than 3 are not opened$/)]);
    const many = scan('many.zip', makeZip(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}.txt`, 'x']))), undefined, { maxMembers: 10 });
    expect(many.unreadable).toEqual(['cannot scan many.zip: more than 10 members']);
    const total = scan('big.zip', makeZip({ 'a.bin': noise(600_000), 'b.bin': noise(600_000) }, 'stored'), undefined, { maxTotal: 1_000_000 });
    expect(total.unreadable).toEqual(['cannot scan big.zip!b.bin: the archive’s members together pass 1000000 bytes']);
  }, 60_000);

  it('what cannot be opened is named: other zip methods, encrypted members, xz, a damaged zip', () => {
    const t = f.ntn();
    const bz = scan('a.zip', makeZip({ 'x.env': `T=${t}\n` }, 'bzip2'));
    expect(bz.unreadable).toEqual(['cannot scan a.zip!x.env: compression method 12 is not supported (only stored and deflate)']);
    const zip = makeZip({ 'x.env': `T=${t}\n` }, 'stored');
    // Set the "encrypted" flag in both headers, as an encrypting tool would.
    zip.writeUInt16LE(zip.readUInt16LE(6) | 1, 6);
    const cen = zip.indexOf(Buffer.from([0x50, 0x4b, 1, 2]));
    zip.writeUInt16LE(zip.readUInt16LE(cen + 8) | 1, cen + 8);
    const enc = scan('e.zip', zip);
    expect(enc.unreadable).toEqual(['cannot scan e.zip!x.env: the member is encrypted']);
    expect(scan('d.tar.xz', xz(`T=${t}`)).unreadable).toEqual(['cannot open d.tar.xz: xz compression is not supported, so what it holds was not scanned']);
    const cut = makeZip({ 'x.env': `T=${t}\n` }).subarray(0, 40);
    expect(scan('cut.zip', cut).unreadable).toEqual(['cannot scan cut.zip: not a readable zip (no end of central directory)']);
  });

  it('a token in a stored member is reported once, in its member', () => {
    const t = f.ntn();
    const r = scan('s.zip', makeZip({ 'cfg.env': `T=${t}\n` }, 'stored'));
    expect(r.findings.map((x) => x.file)).toEqual(['s.zip!cfg.env']);
  });

  it('a zip whose comment holds a fake end record is still read from its real one', () => {
    const t = f.ntn();
    const zip = makeZip({ 'hidden.env': `T=${t}\n` }, 'deflated', Buffer.concat([Buffer.from('build info: PK\x05\x06', 'latin1'), Buffer.alloc(18), Buffer.from(' end')]));
    expect(scan('fake.jar', zip).findings.map((x) => x.file)).toEqual(['fake.jar!hidden.env']);
  });

  it('zip64 (more than 65,535 entries) after other data, and bytes after the end record, are read right', () => {
    const t = f.ntn();
    const members: Record<string, string> = Object.fromEntries(Array.from({ length: 66_000 }, (_, i) => [`m/${i}.txt`, `${i}`]));
    members['m/last.env'] = `T=${t}\n`;
    const big = Buffer.concat([Buffer.from('#!/usr/bin/env python3\n'), makeZip(members, 'stored')]);
    const r = scan('app.pyz', big);
    expect(r.unreadable).toBeUndefined();
    expect(r.members).toBe(66_001);
    expect(r.findings.map((x) => x.file)).toEqual(['app.pyz!m/last.env']);
    const trailer = Buffer.concat([makeZip({ 'x.env': `T=${t}\n` }), Buffer.from('Hello, world!\n')]);
    expect(scan('t.zip', trailer).findings.map((x) => x.file)).toEqual(['t.zip!x.env']);
  }, 60_000);

  it('a fake empty end record at the very end cannot hide the members', () => {
    const t = f.ntn();
    const fake = Buffer.alloc(22);
    fake.writeUInt32LE(0x06054b50, 0);
    const zip = makeZip({ 'hidden.env': `T=${t}\n` }, 'deflated', Buffer.concat([Buffer.from('x'), fake]));
    expect(scan('z.zip', zip).findings.map((x) => x.file)).toEqual(['z.zip!hidden.env']);
  });

  it('a zip after other data (self-extracting, a zipapp) is opened from its end record', () => {
    const t = f.ntn();
    const sfx = Buffer.concat([Buffer.from('MZ\x90\0', 'latin1'), noise(4000, 'sfx'), makeZip({ 'sfx.env': `T=${t}\n` })]);
    expect(scan('setup.exe', sfx).findings.map((x) => x.file)).toEqual(['setup.exe!sfx.env']);
  });

  it('entries sharing their bytes (an overlapping zip bomb) are refused, not expanded', () => {
    const size = 8 * 1024 * 1024;
    const kernel = deflateRawSync(Buffer.alloc(size));
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(kernel.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(1, 26);
    const head = Buffer.concat([local, Buffer.from('k'), kernel]);
    const cen: Buffer[] = [];
    for (let i = 0; i < 500; i++) {
      const name = Buffer.from(`m${i}`);
      const c = Buffer.alloc(46);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE(8, 10);
      c.writeUInt32LE(kernel.length, 20);
      c.writeUInt32LE(size, 24);
      c.writeUInt16LE(name.length, 28);
      cen.push(c, name);
    }
    const cd = Buffer.concat(cen);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(500, 8);
    end.writeUInt16LE(500, 10);
    end.writeUInt32LE(cd.length, 12);
    end.writeUInt32LE(head.length, 16);
    const started = Date.now();
    const r = scan('overlap.zip', Buffer.concat([head, cd, end]), undefined, { maxRatio: 100_000 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.members).toBe(1);
    expect(r.unreadable).toHaveLength(499);
    expect(r.unreadable![0]).toMatch(/^cannot scan overlap\.zip!m1: its data overlaps another member’s \(a zip bomb\?\)$/);
  });

  it('a folder entry that holds data is read like a file', () => {
    const t = f.ntn();
    expect(scan('f.zip', makeZip({ 'hidden/': `T=${t}\n` })).findings.map((x) => x.file)).toEqual(['f.zip!hidden/']);
  });

  it('base64 in binary content: a prefix deep inside a blob is not a token', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const n = noise(4 * 1024 * 1024, 'b64');
    const chars = Array.from(n, (b) => alphabet[b & 63]!);
    const prefix = ['nt', 'n_'].join('');
    for (let i = 1000; i < chars.length - 100; i += 997) chars.splice(i, 4, ...prefix);
    const data = Buffer.concat([Buffer.from([0]), Buffer.from(chars.join(''))]);
    expect(scan('cache.db', data).findings).toEqual([]);
  });

  it('archive kinds are read from magic numbers, not names', () => {
    expect(archiveKind(makeZip({ a: 'b' }))).toBe('zip');
    expect(archiveKind(gz('x'))).toBe('gzip');
    expect(archiveKind(Buffer.from('PK not a zip'))).toBeUndefined();
    // A source file about tar headers can hold "ustar" at byte 257: text is not a tar.
    const text = Buffer.from(`var USTAR_MAGIC = Buffer.from('ustar\\x00', 'binary')\n`.repeat(20));
    text.write('ustar', 257, 'latin1');
    expect(archiveKind(text)).toBeUndefined();
    expect(openArchive('zip', Buffer.from('PK\x03\x04'), 'x.zip', { expanded: 0, members: 0, limits: DEFAULT_LIMITS }, () => undefined).unopened).toHaveLength(1);
  });
});
