/** Binary files and archives in every mode, with the built CLI, real git and real archive tools. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';
import { TestRepo } from '../helpers/git-repo.js';
import { TokenFactory } from '../helpers/tokens.js';
import { gz, makeTar, makeZeroBomb, makeZip, xz } from '../helpers/archives.js';

const f = new TokenFactory(2027);
type J = { findings: { file: string; line: number; column: number; binary?: boolean; offset?: number; commit?: { sha: string } }[]; stats: Record<string, number> };
const json = (s: string) => JSON.parse(s) as J;

describe('dir', () => {
  const d = tempDir('ng-bin-dir-');
  const t = { sqlite: f.ntn(), zip: f.ntn(), tar: f.legacy(), deep: f.ntn() };
  beforeAll(() => {
    writeFileSync(join(d.path, 'db.sqlite3'), Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(200, 7), Buffer.from(`notion_token${t.sqlite}x`)]));
    writeFileSync(join(d.path, 'app.whl'), makeZip({ 'pkg/config.py': `TOKEN = "${t.zip}"\n` }));
    const src = join(d.path, '..', `tar-src-${process.pid}`);
    mkdirSync(join(src, 'inner'), { recursive: true });
    writeFileSync(join(src, 'inner', 'bundle.zip'), makeZip({ 'app/settings.json': `{"k":"${t.deep}"}\n` }));
    writeFileSync(join(src, 'inner', 'notes.txt'), `x\nkey=${t.tar}\n`);
    makeTar(src, join(d.path, 'backup.tar.gz'), true);
    writeFileSync(join(d.path, 'clean.png'), Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n\0', 'latin1'), Buffer.alloc(5000, 3)]));
  });
  afterAll(() => d.cleanup());

  it('finds tokens in binaries and in archive members, nested, reported where they are', () => {
    const r = runCli(['dir', '--format', 'json'], { cwd: d.path });
    expect(r.code).toBe(1);
    const rep = json(r.stdout);
    expect(rep.findings.map((x) => [x.file, x.binary ?? false])).toEqual([
      ['app.whl!pkg/config.py', false],
      ['backup.tar.gz!backup.tar!./inner/bundle.zip!app/settings.json', false],
      ['backup.tar.gz!backup.tar!./inner/notes.txt', false],
      ['db.sqlite3', true],
    ]);
    expect(rep.findings[3]!.offset).toBe(16 + 200 + 'notion_token'.length);
    expect((rep.findings[1] as { member?: string }).member).toBe('backup.tar!./inner/bundle.zip!app/settings.json');
    expect(rep.stats).toMatchObject({ files: 4, binaryFiles: 4, archiveMembers: 5 });
    expect(r.stderr).toBe('');
    const text = runCli(['dir', '--no-color'], { cwd: d.path });
    expect(text.stdout).toMatch(/\(4 files scanned, 4 of them binary, 5 archive members opened\)/);
    expect(text.stdout).toContain('db.sqlite3:1:229  notion-api-token (binary, byte 228)');
    expect(text.stdout + text.stderr).not.toContain(t.sqlite);
    const sarif = JSON.parse(runCli(['dir', 'db.sqlite3', '--format', 'sarif'], { cwd: d.path }).stdout);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.region).toMatchObject({ byteOffset: 228, byteLength: t.sqlite.length });
  });

  it('a decompression bomb alone: named, and the scan cannot pass (exit 2)', () => {
    const b = tempDir('ng-bomb-');
    try {
      writeFileSync(join(b.path, 'bomb.zip'), makeZeroBomb(300 * 1024 * 1024));
      const r = runCli(['dir', '.'], { cwd: b.path });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('notion-guard: error: cannot scan ./bomb.zip!zeros.bin: it expands more than 200 times (a decompression bomb?)');
    } finally {
      b.cleanup();
    }
  }, 60_000);
});

describe('hostile archives', () => {
  it('an old v7 tar (no ustar magic) is opened; a token as a member name is masked in every field', () => {
    const d = tempDir('ng-v7-');
    try {
      const t = f.ntn();
      mkdirSync(join(d.path, 'src'));
      writeFileSync(join(d.path, 'src', 'app.env.gz'), gz(`NOTION_TOKEN=${t}\n`));
      execFileSync('tar', ['--format=v7', '-C', join(d.path, 'src'), '-cf', join(d.path, 'old.tar'), 'app.env.gz']);
      const v7 = runCli(['dir', 'old.tar', '--format', 'json'], { cwd: d.path });
      expect(json(v7.stdout).findings.map((x) => x.file)).toEqual(['old.tar!app.env.gz!app.env']);
      const named = f.ntn();
      writeFileSync(join(d.path, 'names.zip'), makeZip({ [`${named}.env`]: `T=${f.ntn()}\n` }));
      const r = runCli(['dir', 'names.zip', '--format', 'json'], { cwd: d.path });
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).not.toContain(named);
      expect(runCli(['dir', 'names.zip', '--format', 'sarif'], { cwd: d.path }).stdout).not.toContain(named);
      expect(runCli(['dir', 'names.zip'], { cwd: d.path }).stdout).not.toContain(named);
    } finally {
      d.cleanup();
    }
  });
});

describe('fixtures that cannot be opened can be accepted by path, visibly', () => {
  it('an xz file and a bzip2 zip member under an allowlisted folder: exit 0, counted; elsewhere still named', () => {
    const r = new TestRepo();
    try {
      r.commit('fixtures', {
        'fixtures/data.tar.xz': xz('payload'),
        'fixtures/odd.zip': makeZip({ 'a.txt': 'x\n' }, 'bzip2'),
        'README.md': 'x\n',
      });
      expect(runCli(['history'], { cwd: r.path }).code).toBe(2);
      expect(runCli(['dir', '.'], { cwd: r.path }).code).toBe(2);
      r.commit('accept', { '.notion-guard.toml': '[allowlist]\npaths = ["fixtures/**"]\n' });
      const h = runCli(['history', '--no-color'], { cwd: r.path });
      expect(h.code, h.stdout + h.stderr).toBe(0);
      expect(h.stdout).toContain('2 items not scanned in allowlisted paths');
      expect(h.stderr).toBe('');
      const d = runCli(['dir', '.', '--format', 'json'], { cwd: r.path });
      expect(d.code).toBe(0);
      expect(JSON.parse(d.stdout).stats.hidden).toMatchObject({ unreadable: 2 });
      r.write('other/x.tar.xz', xz('y'));
      expect(runCli(['dir', '.'], { cwd: r.path }).code).toBe(2);
    } finally {
      r.cleanup();
    }
  });
});

describe('stdin never skips', () => {
  it('scans a binary stream and opens a gzip stream', () => {
    const t = f.ntn();
    const bin = runCli(['stdin', '--format', 'json'], { input: Buffer.concat([Buffer.from([0, 0, 1]), Buffer.from(`k${t}\0`)]) });
    expect(bin.code).toBe(1);
    expect(json(bin.stdout).findings.map((x) => [x.file, x.binary, x.offset])).toEqual([['(standard input)', true, 4]]);
    const g = runCli(['stdin', '--format', 'json'], { input: gz(`NOTION_TOKEN=${t}\n`) });
    expect(json(g.stdout).findings.map((x) => [x.file, x.line, x.column])).toEqual([['(standard input)!(gunzipped)', 1, 14]]);
  });
});

describe('staged', () => {
  it('a staged binary and a staged archive block the commit; the advice names the archive', () => {
    const r = new TestRepo();
    try {
      r.commit('init', { 'README.md': 'x\n' });
      const t = f.ntn();
      r.write('export.zip', makeZip({ 'workspace/.env': `NOTION_TOKEN=${t}\n` })).git('add', '-A');
      const s = runCli(['staged', '--no-color'], { cwd: r.path });
      expect(s.code).toBe(1);
      expect(s.stdout).toContain('export.zip!workspace/.env:1:14');
      expect(s.stdout).toContain('git restore --staged export.zip');
      expect(s.stdout).toContain('notion-guard baseline export.zip ');
      expect(s.stdout + s.stderr).not.toContain(t);
    } finally {
      r.cleanup();
    }
  });

  it('a changed archive: its members count as added (the archive is one new blob)', () => {
    const r = new TestRepo();
    try {
      const t = f.ntn();
      r.commit('leak', { 'bundle.zip': makeZip({ 'a.env': `T=${t}\n` }) });
      r.write('bundle.zip', makeZip({ 'a.env': `T=${t}\n`, 'b.txt': 'new\n' })).git('add', '-A');
      const s = runCli(['staged', '--format', 'json'], { cwd: r.path });
      expect(s.code).toBe(1);
      expect(json(s.stdout).findings.map((x) => x.file)).toEqual(['bundle.zip!a.env']);
      // An unchanged archive is not in the commit at all.
      r.git('commit', '-qm', 'more', '--no-verify');
      r.write('other.txt', 'x\n').git('add', 'other.txt');
      expect(runCli(['staged'], { cwd: r.path }).code).toBe(0);
    } finally {
      r.cleanup();
    }
  });
});

describe('history', () => {
  it('a committed archive and a binary: the member path and the commit that added it', () => {
    const r = new TestRepo();
    try {
      r.commit('init', { 'README.md': 'x\n' });
      const t = f.ntn();
      const sha = r.commit('add backup', { 'backups/site.tgz': gz(Buffer.concat([tarHeader('cfg/app.env', `T=${t}\n`), Buffer.alloc(1024)])) });
      const b = f.legacy();
      r.commit('add db', { 'data.db': Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.from(`tok${b}`)]) });
      const h = runCli(['history', '--format', 'json'], { cwd: r.path });
      expect(h.code).toBe(1);
      const rep = json(h.stdout);
      expect(rep.findings.map((x) => [x.file, x.binary ?? false])).toEqual([
        ['backups/site.tgz!site.tar!cfg/app.env', false],
        ['data.db', true],
      ]);
      expect(rep.findings[0]!.commit!.sha).toBe(sha);
    } finally {
      r.cleanup();
    }
  });
});

/** One ustar member (header + padded content), for archives built without a tool. */
function tarHeader(name: string, content: string): Buffer {
  const body = Buffer.from(content);
  const h = Buffer.alloc(512);
  h.write(name, 0, 'latin1');
  h.write('0000644\0', 100, 'latin1');
  h.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write('0', 156, 'latin1');
  h.write('ustar\x0000', 257, 'latin1');
  h.fill(32, 148, 156); // the checksum counts its own field as spaces
  h.write(`${h.reduce((a, b) => a + b, 0).toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return Buffer.concat([h, body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
}
