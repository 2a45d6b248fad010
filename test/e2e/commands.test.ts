import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';
import { TestRepo } from '../helpers/git-repo.js';
import { TokenFactory } from '../helpers/tokens.js';

const f = new TokenFactory(71);

describe('rules command', () => {
  it('lists the active rules and runs their examples', () => {
    const list = runCli(['rules']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^notion-api-token\n/);
    expect(list.stdout).toContain('notion-legacy-token');
    const test = runCli(['rules', 'test']);
    expect(test.code).toBe(0);
    expect(test.stdout.trim()).toMatch(/^\d+ passed, 0 failed$/);
    const json = JSON.parse(runCli(['rules', '--format', 'json']).stdout);
    expect(json.map((r: { id: string }) => r.id)).toEqual(['notion-api-token', 'notion-legacy-token', 'notion-oauth-refresh-token']);
  });
});

describe('baseline command', () => {
  it('records the history of a repository with a past, so only new leaks are reported', () => {
    const r = new TestRepo();
    try {
      const old = f.ntn();
      r.commit('old leak', { 'legacy.env': `T=${old}\n` });
      const b = runCli(['baseline'], { cwd: r.path });
      expect(b.code).toBe(0);
      const file = join(r.path, '.notion-guard-baseline.json');
      expect(readFileSync(file, 'utf8')).not.toContain(old);
      expect(runCli(['history', '--baseline', file], { cwd: r.path }).code).toBe(0);
      r.commit('new leak', { 'new.env': `T=${f.ntn()}\n` });
      const h = runCli(['history', '--baseline', file, '--format', 'json'], { cwd: r.path });
      expect(h.code).toBe(1);
      expect(JSON.parse(h.stdout).findings.map((x: { file: string }) => x.file)).toEqual(['new.env']);
    } finally {
      r.cleanup();
    }
  });
});

describe('help', () => {
  it('lists every command, and each command has its own help with examples', () => {
    const h = runCli(['--help']);
    expect(h.code).toBe(0);
    for (const c of ['staged', 'history', 'dir', 'stdin', 'verify', 'install', 'baseline', 'rules']) expect(h.stdout).toContain(`notion-guard ${c}`);
    for (const c of ['staged', 'history', 'dir', 'stdin', 'verify']) {
      const ch = runCli([c, '--help']);
      expect(ch.code, c).toBe(0);
      expect(ch.stdout, c).toMatch(/Examples:/);
      expect(ch.stdout, c).toContain('--format');
    }
  });
  it('prints the version', () => {
    expect(runCli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('merge command and --repository', () => {
  it('merges reports of many runs, keeping fingerprints and naming each repository', () => {
    const a = new TestRepo();
    const b = new TestRepo();
    try {
      const shared = f.ntn();
      a.commit('a', { 'x.env': `T=${shared}\n` });
      b.commit('b', { 'x.env': `T=${shared}\n`, 'y.env': `U=${f.legacy()}\n` });
      const ra = join(a.path, 'r.json');
      const rb = join(b.path, 'r.json');
      expect(runCli(['history', '--repository', 'org/a', '--format', 'json', '--output', ra], { cwd: a.path }).code).toBe(1);
      expect(runCli(['history', '--format', 'json', '--output', rb], { cwd: b.path, env: { GITHUB_REPOSITORY: 'org/b' } }).code).toBe(1);
      expect(JSON.parse(readFileSync(ra, 'utf8')).repository).toBe('org/a');
      const m = runCli(['merge', ra, rb, ra]);
      expect(m.code).toBe(1);
      const merged = JSON.parse(m.stdout);
      expect(merged.repositories).toEqual(['org/a', 'org/b']);
      expect(merged.findings.map((x: { repository: string; file: string }) => `${x.repository}:${x.file}`).sort()).toEqual(['org/a:x.env', 'org/b:x.env', 'org/b:y.env']);
      const fps = merged.findings.filter((x: { file: string }) => x.file === 'x.env').map((x: { fingerprint: string }) => x.fingerprint);
      expect(fps[0]).toBe(fps[1]);
      expect(runCli(['merge', join(a.path, 'x.env')]).code).toBe(2);
    } finally {
      a.cleanup();
      b.cleanup();
    }
  });
});

describe('--repo names the real cause', () => {
  it('a missing folder, a file, and a folder that is not a repository each say so (exit 2)', () => {
    for (const cmd of ['staged', 'history']) {
      const missing = runCli([cmd, '--repo', '/nonexistent/notion-guard-repo']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toBe('notion-guard: error: no such folder: /nonexistent/notion-guard-repo\n');
      const file = runCli([cmd, '--repo', '/etc/hostname']);
      expect(file.code).toBe(2);
      expect(file.stderr).toBe('notion-guard: error: not a folder: /etc/hostname\n');
    }
    const plain = tempDir();
    const notRepo = runCli(['staged', '--repo', plain.path]);
    expect(notRepo.code).toBe(2);
    expect(notRepo.stderr).toMatch(/^notion-guard: error: not a git repository/);
  });
});

describe('a one-value flag given twice', () => {
  it('is a usage error on every path (the fast parser and yargs), never a silent choice', () => {
    const d = tempDir();
    try {
      for (const args of [
        ['dir', '--config', '/nonexistent-a', '--config', '/nonexistent-b', '.'],
        ['dir', '--format', 'json', '--format', 'sarif', '.'],
        ['dir', '--output', 'a.json', '--output', 'b.json', '.'],
        ['dir', '--repository', 'a/b', '--repository', 'c/d', '--decode-depth', '1', '.'],
        ['staged', '--format', 'json', '--format', 'json'],
        ['history', '--baseline', 'x.json', '--baseline', 'y.json'],
        ['merge', '--output', 'a.json', '--output', 'b.json', 'r.json'],
      ]) {
        const r = runCli(args, { cwd: d.path });
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr, args.join(' ')).toMatch(/^notion-guard: error: --[a-z-]+ was given more than once\n$/);
      }
      // Flags that take many values, and repeated switches, stay fine.
      expect(runCli(['dir', '--include', '*.js', '--include', '*.env', '--quiet', '--quiet', '.'], { cwd: d.path }).code).toBe(0);
    } finally {
      d.cleanup();
    }
  });
});

describe('stdin on the fast parser', () => {
  it('scans, redacts and reports as before; operands, --repo and bad values still get yargs’ one-line error', () => {
    const token = f.ntn();
    const found = runCli(['stdin', '--format', 'json'], { input: `NOTION_TOKEN=${token}\n` });
    expect(found.code).toBe(1);
    expect(found.stdout).not.toContain(token);
    expect(JSON.parse(found.stdout).findings).toHaveLength(1);
    expect(runCli(['stdin'], { input: 'nothing here\n' }).code).toBe(0);
    for (const args of [['stdin', 'extra'], ['stdin', '--repo', '.'], ['stdin', '--format', 'xml'], ['stdin', '--quiet', '--no-such-flag']]) {
      const r = runCli(args, { input: 'x\n' });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^notion-guard: error: [^\n]+\n$/);
    }
  });
});
