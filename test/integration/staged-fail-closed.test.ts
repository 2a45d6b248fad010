/**
 * `staged` means what the commit records, whatever the repository's attributes and config say
 * (issue: fail closed in git, items 1-5). Real repositories, real index states.
 */
import { describe, expect, it } from 'vitest';
import { chmodSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';
import { tempRepos, type TestRepo } from '../helpers/git-repo.js';
import { TokenFactory } from '../helpers/tokens.js';

const f = new TokenFactory(1212);
const repo = tempRepos();

type J = { findings: { file: string; line: number; secret: string }[] };
function staged(r: TestRepo, opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const res = runCli(['staged', '--format', 'json', '--show-secrets'], { cwd: opts.cwd ?? r.path, ...(opts.env ? { env: opts.env } : {}) });
  return { ...res, secrets: res.stdout ? (JSON.parse(res.stdout) as J).findings.map((x) => x.secret) : [] };
}

describe('staged: git calling a file binary hides nothing', () => {
  it('an old version holding a NUL byte', () => {
    const r = repo();
    r.commit('init', { 'data.txt': 'header\0binary-ish\nA=1\n' });
    const t = f.ntn();
    r.write('data.txt', `header\nA=1\nNOTION_TOKEN=${t}\n`).git('add', '-A');
    expect(staged(r)).toMatchObject({ code: 1, secrets: [t] });
  });

  for (const [name, attrs, config] of [
    ['-diff attribute', '*.env -diff\n', []],
    ['binary attribute', '*.env binary\n', []],
    ['diff driver with binary = true', '*.env diff=opaque\n', ['diff.opaque.binary', 'true']],
    ['core.bigFileThreshold', '', ['core.bigFileThreshold', '1']],
  ] as const) {
    it(`a ${name}`, () => {
      const r = repo();
      if (config.length) r.git('config', config[0]!, config[1]!);
      r.commit('init', { '.gitattributes': attrs, 'app.env': 'A=1\n' });
      const t = f.ntn();
      r.write('app.env', `A=1\nNOTION_TOKEN=${t}\n`).git('add', '-A');
      expect(staged(r)).toMatchObject({ code: 1, secrets: [t] });
    });
  }

  it('a UTF-16 file being modified: the added line counts, the old one does not', () => {
    const r = repo();
    const old = f.ntn();
    const utf16 = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
    r.commit('init', { 'conf.ini': utf16(`[a]\r\nold=${old}\r\n`) });
    const t = f.ntn();
    r.write('conf.ini', utf16(`[a]\r\nold=${old}\r\nnew=${t}\r\n`)).git('add', '-A');
    expect(staged(r)).toMatchObject({ code: 1, secrets: [t] });
  });
});

describe('staged: type changes and odd names stay paired with their own content', () => {
  it('a symlink replaced by a file holding a token', () => {
    const r = repo();
    r.write('target.txt', 'x\n');
    symlinkSync('target.txt', join(r.path, 'link'));
    r.commit('init');
    r.git('rm', '-q', '--cached', 'link');
    execFileSync('rm', [join(r.path, 'link')]);
    const t = f.ntn();
    r.write('link', `T=${t}\n`).git('add', '-A');
    expect(r.git('diff', '--cached', '--name-status')).toMatch(/^T\tlink/m);
    expect(staged(r)).toMatchObject({ code: 1, secrets: [t] });
  });

  it('a submodule replaced by a file, next to a modified file with a non-UTF-8 name', () => {
    const r = repo();
    const sha = r.commit('init', { 'a.txt': 'a\n' });
    r.git('update-index', '--add', '--cacheinfo', `160000,${sha},vendor`);
    const latin1 = Buffer.concat([Buffer.from(`${r.path}/caf`), Buffer.from([0xe9]), Buffer.from('.env')]);
    writeFileSync(latin1, 'A=1\n');
    r.git('add', '--ignore-removal', '.'); // keep the gitlink (there is no vendor/ folder)
    r.git('commit', '-q', '-m', 'sub');
    r.git('rm', '-q', '--cached', 'vendor');
    const inFile = f.ntn();
    const inLatin1 = f.ntn();
    r.write('vendor', `T=${inFile}\n`);
    writeFileSync(latin1, `A=1\nB=${inLatin1}\n`);
    r.git('add', '-A');
    const s = staged(r);
    expect(s.code).toBe(1);
    expect(s.secrets.sort()).toEqual([inFile, inLatin1].sort());
  });

  it('a typechange and an odd name together do not shift line ranges onto other files', () => {
    const r = repo();
    r.write('target.txt', 'x\n');
    symlinkSync('target.txt', join(r.path, 'link'));
    const name = Buffer.concat([Buffer.from(`${r.path}/n`), Buffer.from([0xff]), Buffer.from('.txt')]);
    writeFileSync(name, 'one\n');
    const t = f.ntn();
    r.commit('init', { 'z.env': `OLD=${t}\n` });
    r.git('rm', '-q', '--cached', 'link');
    execFileSync('rm', [join(r.path, 'link')]);
    const inLink = f.ntn();
    r.write('link', `T=${inLink}\n`);
    writeFileSync(name, 'one\ntwo\n');
    const added = f.ntn();
    r.write('z.env', `OLD=${t}\nX=1\nNEW=${added}\n`).git('add', '-A');
    // The old token sits on an unchanged line of z.env; the new one on its added line 3.
    const s = staged(r);
    expect(s.code).toBe(1);
    expect((JSON.parse(s.stdout) as J).findings.map((x) => [x.file, x.line, x.secret])).toEqual([['link', 1, inLink], ['z.env', 3, added]]);
  });
});

describe('staged: config cannot narrow what is staged', () => {
  it('diff.relative = true, run from a subfolder, still sees files outside it', () => {
    const r = repo();
    r.commit('init', { 'sub/keep.txt': 'x\n', 'top.env': 'A=1\n' });
    r.git('config', 'diff.relative', 'true');
    const t = f.ntn();
    r.write('top.env', `A=1\nT=${t}\n`).git('add', '-A');
    expect(staged(r, { cwd: join(r.path, 'sub') })).toMatchObject({ code: 1, secrets: [t] });
  });
});

describe('staged: a token counts when any part of it is on an added line', () => {
  it('a split literal whose added line holds the second piece', () => {
    const r = repo();
    const t = f.ntn();
    const cut = 20;
    r.commit('init', { 'app.py': `TOKEN = ("${t.slice(0, cut)}"\n    "placeholder")\n` });
    r.write('app.py', `TOKEN = ("${t.slice(0, cut)}"\n    "${t.slice(cut)}")\n`).git('add', '-A');
    expect(staged(r)).toMatchObject({ code: 1, secrets: [t] });
  });
});

describe('staged: a dying git never ends in a silent pass', () => {
  it('cat-file dies while 8,000 staged files are being written to it', () => {
    const r = repo();
    r.commit('init', { 'README.md': 'x\n' });
    for (let i = 0; i < 8000; i++) r.write(`files/f${String(i).padStart(5, '0')}-with-a-longer-name-to-fill-the-pipe.txt`, `line ${i}\n`);
    r.git('add', '-A');
    const d = tempDir('ng-fakegit-');
    try {
      const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
      writeFileSync(join(d.path, 'git'), `#!/bin/sh\ncase "$*" in *cat-file*) "${real}" "$@" | head -c 300; exit 0;; esac\nexec "${real}" "$@"\n`);
      chmodSync(join(d.path, 'git'), 0o755);
      const s = runCli(['staged'], { cwd: r.path, env: { PATH: `${d.path}:${process.env.PATH}` } });
      expect(s.code).toBe(2);
      expect(s.stderr).toMatch(/^notion-guard: error: git cat-file/m);
    } finally {
      d.cleanup();
    }
  });
});
