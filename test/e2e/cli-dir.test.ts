import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/tokens.js';

const f = new TokenFactory(11);
const tok = { env: f.ntn(), nested: f.legacy(), outside: f.ntn(), git: f.ntn(), bin: f.ntn() };
let dir: { path: string; cleanup: () => void };
let outside: { path: string; cleanup: () => void };

beforeAll(() => {
  dir = tempDir();
  outside = tempDir();
  const d = dir.path;
  mkdirSync(join(d, 'sub/deep'), { recursive: true });
  mkdirSync(join(d, '.git'), { recursive: true });
  mkdirSync(join(d, 'node_modules/pkg'), { recursive: true });
  writeFileSync(join(d, '.env'), `NOTION_TOKEN=${tok.env}\n`);
  writeFileSync(join(d, 'sub/deep/settings.yml'), `notion:\n  key: "${tok.nested}"\n`);
  writeFileSync(join(d, 'sub/clean.txt'), 'nothing to see\n');
  writeFileSync(join(d, '.git/config'), `token=${tok.git}\n`);
  writeFileSync(join(d, 'node_modules/pkg/index.js'), `module.exports = "${tok.env}";\n`);
  writeFileSync(join(d, 'image.png'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]), Buffer.from(tok.bin)]));
  writeFileSync(join(outside.path, 'secret.env'), `T=${tok.outside}\n`);
  symlinkSync(outside.path, join(d, 'link-out'));
  symlinkSync(join(outside.path, 'secret.env'), join(d, 'file-link-out.env'));
  symlinkSync('.', join(d, 'sub/loop'));
});
afterAll(() => {
  dir.cleanup();
  outside.cleanup();
});

const json = (s: string) => JSON.parse(s) as { findings: { file: string; line: number; column: number; secret: string; ruleId: string }[]; stats: Record<string, number> };

describe('notion-guard dir', () => {
  it('prints paths as grep does with no operand, skipping .git and symlinks, scanning binaries', () => {
    const r = runCli(['dir', '--format', 'json'], { cwd: dir.path });
    expect(r.code).toBe(1);
    const files = json(r.stdout).findings.map((x) => x.file);
    expect(files).toEqual(['.env', 'image.png', 'node_modules/pkg/index.js', 'sub/deep/settings.yml']);
    expect(r.stdout).not.toContain(tok.outside.slice(4, 20));
  });

  it('prefixes the operand as given ("." and "sub/")', () => {
    expect(json(runCli(['dir', '.', '--format', 'json'], { cwd: dir.path }).stdout).findings.map((x) => x.file)).toContain('./sub/deep/settings.yml');
    const sub = json(runCli(['dir', 'sub/', '--format', 'json'], { cwd: dir.path }).stdout);
    expect(sub.findings.map((x) => [x.file, x.line, x.column])).toEqual([['sub/deep/settings.yml', 2, 9]]);
    const file = json(runCli(['dir', 'sub/deep/settings.yml', '--format', 'json'], { cwd: dir.path }).stdout);
    expect(file.findings.map((x) => x.file)).toEqual(['sub/deep/settings.yml']);
  });

  it('writes the JSON report of DESIGN.md, redacted', () => {
    const r = runCli(['dir', '.env', '--format', 'json'], { cwd: dir.path });
    const rep = JSON.parse(r.stdout);
    expect(Object.keys(rep)).toEqual(['version', 'tool', 'findings', 'stats']);
    expect(rep.tool).toEqual({ name: 'notion-guard', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(Object.keys(rep.findings[0])).toEqual(['ruleId', 'file', 'line', 'column', 'secret', 'fingerprint']);
    expect(rep.findings[0]).toMatchObject({ ruleId: 'notion-api-token', file: '.env', line: 1, column: 14 });
    expect(rep.findings[0].secret).not.toContain(tok.env);
    expect(rep.findings[0].fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(Object.keys(rep.stats)).toEqual(['files', 'bytes', 'commits', 'durationMs']);
  });

  it('prints full tokens only with --show-secrets', () => {
    const plain = runCli(['dir', '.'], { cwd: dir.path });
    expect(plain.stdout + plain.stderr).not.toContain(tok.env);
    expect(plain.stdout).toContain('.env:1:14');
    const shown = runCli(['dir', '.', '--show-secrets', '--format', 'json'], { cwd: dir.path });
    expect(json(shown.stdout).findings.map((x) => x.secret)).toContain(tok.env);
  });

  it('honours --include and --exclude globs', () => {
    const inc = json(runCli(['dir', '--include', '*.yml', '--format', 'json'], { cwd: dir.path }).stdout);
    expect(inc.findings.map((x) => x.file)).toEqual(['sub/deep/settings.yml']);
    const exc = json(runCli(['dir', '--exclude', 'node_modules', '--exclude', 'sub/deep/**', '--format', 'json'], { cwd: dir.path }).stdout);
    expect(exc.findings.map((x) => x.file)).toEqual(['.env', 'image.png']);
  });

  it('exits 0 on a clean tree', () => {
    const r = runCli(['dir', 'sub/clean.txt'], { cwd: dir.path });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no Notion tokens found/);
  });

  it('writes --output atomically and keeps a one-line summary for the terminal', () => {
    const out = join(dir.path, '..', `report-${process.pid}.json`);
    const r = runCli(['dir', '.env', '--format', 'json', '--output', out], { cwd: dir.path });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(json(readFileSync(out, 'utf8')).findings).toHaveLength(1);
  });

  it('fails with one line and exit 2 on a missing path, an unknown option or a bad rule file', () => {
    for (const args of [['dir', 'no/such/path'], ['dir', '--frobnicate'], ['dir', '--format', 'xml'], ['dir', '--rules', 'missing.toml'], ['nonsense']]) {
      const r = runCli(args, { cwd: dir.path });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^notion-guard: error: /);
      expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
    }
  });

  it('does not leave the tree changed', () => {
    const before = readFileSync(join(dir.path, '.env'));
    runCli(['dir', '.'], { cwd: dir.path });
    expect(readFileSync(join(dir.path, '.env'))).toEqual(before);
    expect(existsSync(join(dir.path, '.notion-guard'))).toBe(false);
  });
});

describe('notion-guard stdin', () => {
  it('scans standard input and names it as grep does', () => {
    const t = f.ntn();
    const r = runCli(['stdin', '--format', 'json'], { input: `first line\nexport NOTION_TOKEN="${t}"\n` });
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings.map((x) => [x.file, x.line, x.column])).toEqual([['(standard input)', 2, 22]]);
  });
  it('exits 0 on clean input', () => {
    expect(runCli(['stdin'], { input: 'hello\n' }).code).toBe(0);
  });
});

describe('dir on a big tree (worker threads)', () => {
  it('finds the same tokens, with the same paths, with and without workers', () => {
    const d = tempDir();
    try {
      const tokens: string[] = [];
      for (let i = 0; i < 900; i++) {
        mkdirSync(join(d.path, `pkg${i % 30}`), { recursive: true });
        const leak = i % 97 === 5;
        const t = leak ? f.ntn() : '';
        if (leak) tokens.push(t);
        writeFileSync(join(d.path, `pkg${i % 30}`, `file${i}.js`), `// file ${i}\nmodule.exports = ${leak ? `"${t}"` : '42'};\n`);
      }
      // Files read in 1 MiB pieces (workers reuse their read buffer): tokens across piece boundaries.
      const MiB = 1024 * 1024;
      for (let k = 0; k < 6; k++) {
        const body = Buffer.alloc(3 * MiB + 5000, 'a = b + c;\n');
        for (const at of [MiB - 10 - k, 2 * MiB - 30 + k]) {
          const t = f.ntn();
          tokens.push(t);
          body.write(` ${t} `, at - 1, 'latin1');
        }
        const t = f.legacy();
        tokens.push(t);
        body.write(` ${Buffer.from(t).toString('base64')} `, 3 * MiB - 40, 'latin1');
        writeFileSync(join(d.path, `pkg${k * 5}`, `zz-big${k}.js`), body);
      }
      const withWorkers = runCli(['dir', '.', '--format', 'json', '--show-secrets'], { cwd: d.path });
      const without = runCli(['dir', '.', '--format', 'json', '--show-secrets'], { cwd: d.path, env: { NOTION_GUARD_WORKERS: '0' } });
      expect(withWorkers.code).toBe(1);
      const a = JSON.parse(withWorkers.stdout);
      const b = JSON.parse(without.stdout);
      expect(a.findings.map((x: { secret: string }) => x.secret).sort()).toEqual([...tokens].sort());
      expect(a.findings).toEqual(b.findings);
      expect(a.stats.files).toBe(906);
      expect(a.findings[0].file).toMatch(/^\.\/pkg\d+\/(file\d+|zz-big\d)\.js$/);
    } finally {
      d.cleanup();
    }
  });
});
