/**
 * Hostile inputs: files the scanned repository controls (config, rule files, baselines), reports and
 * outputs a clumsy user points at the wrong thing, file names that are not UTF-8, folders that cannot
 * be listed, and signals while the tool is blocked. Each must end in a named refusal, never a hang,
 * a crash or a pass.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/tokens.js';

let dir: { path: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir('ng-hostile-');
});
afterEach(() => dir.cleanup());

const mkfifo = (path: string): void => {
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo failed: ${String(r.stderr)}`);
};

/** Run with a short timeout: a hang shows up as a kill (status null), never as a pass. */
const quick = (args: string[], cwd = dir.path) => runCli(args, { cwd, timeout: 20_000 });

describe('config, rule, baseline and report files must be regular files under a cap', () => {
  it('a committed .notion-guard.toml that is a symlink to /dev/zero is refused at once', () => {
    symlinkSync('/dev/zero', join(dir.path, '.notion-guard.toml'));
    const r = quick(['dir']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.notion-guard\.toml is a character device, not a regular file/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a fifo as config does not hang', () => {
    mkfifo(join(dir.path, '.notion-guard.toml'));
    const r = quick(['dir']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.notion-guard\.toml is a fifo \(named pipe\), not a regular file/);
  });

  it('an oversized config is refused as too big, before it is parsed', () => {
    writeFileSync(join(dir.path, 'big.toml'), '#'.repeat(1024 * 1024 + 1));
    const r = quick(['dir', '--config', 'big.toml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/big\.toml is too big \(1048577 bytes; at most 1048576\)/);
  });

  it('rules and baseline pointing at /dev/zero are refused', () => {
    writeFileSync(join(dir.path, '.notion-guard.toml'), 'rules = ["/dev/zero"]\n');
    const rules = quick(['dir']);
    expect(rules.code).toBe(2);
    expect(rules.stderr).toMatch(/rule file \/dev\/zero is a character device/);
    writeFileSync(join(dir.path, '.notion-guard.toml'), 'baseline = "/dev/zero"\n');
    const baseline = quick(['dir']);
    expect(baseline.code).toBe(2);
    expect(baseline.stderr).toMatch(/baseline \/dev\/zero is a character device/);
  });

  it('merge refuses a fifo and a directory as reports', () => {
    mkfifo(join(dir.path, 'r.json'));
    mkdirSync(join(dir.path, 'reports'));
    const fifo = quick(['merge', 'r.json']);
    expect(fifo.code).toBe(2);
    expect(fifo.stderr).toMatch(/report r\.json is a fifo/);
    const folder = quick(['merge', 'reports']);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/report reports is a directory/);
  });
});

describe('--output writes only regular files', () => {
  it('refuses a directory, and a symlink to a device, leaving both as they were', () => {
    writeFileSync(join(dir.path, 'a.txt'), 'nothing here\n');
    mkdirSync(join(dir.path, 'out'));
    const d = quick(['dir', 'a.txt', '--output', 'out']);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/--output takes a regular file/);
    symlinkSync('/dev/null', join(dir.path, 'null-link'));
    const l = quick(['dir', 'a.txt', '--output', 'null-link']);
    expect(l.code).toBe(2);
    expect(lstatSync(join(dir.path, 'null-link')).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(dir.path, 'out')).isDirectory()).toBe(true);
  });

  it('refuses a fifo without blocking on it', () => {
    writeFileSync(join(dir.path, 'a.txt'), 'nothing here\n');
    mkfifo(join(dir.path, 'pipe'));
    const r = quick(['dir', 'a.txt', '--output', 'pipe']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--output takes a regular file/);
  });
});

describe('stdin and signals', () => {
  it('stdin that is a directory is a usage error, not a clean scan', () => {
    const fd = openSync(dir.path, 'r');
    try {
      const r = spawnSync(process.execPath, [CLI, 'stdin'], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/directory/);
    } finally {
      closeSync(fd);
    }
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} ends a scan blocked on input with exit 2`, async () => {
      const child = spawn(process.execPath, [CLI, 'stdin'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Some input, then nothing: the scan waits on a pipe that never closes.
      child.stdin.write('just some text\n');
      await new Promise((r) => setTimeout(r, 700));
      child.kill(signal);
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      child.stdin.destroy();
      expect(code).toBe(2);
      expect(stderr).toMatch(new RegExp(`interrupted \\(${signal}\\)`));
    });
  }
});

describe('file names and folders the walk must not lose', () => {
  it('a file whose name is not UTF-8 is read, and reported with the bad bytes escaped', () => {
    const tok = new TokenFactory(1313).ntn();
    const folder = Buffer.concat([Buffer.from(join(dir.path, 'bad')), Buffer.from([0xff]), Buffer.from('dir')]);
    mkdirSync(folder);
    const file = Buffer.concat([folder, Buffer.from('/k'), Buffer.from([0xfe]), Buffer.from('.env')]);
    writeFileSync(file, `NOTION_TOKEN=${tok}\n`);
    const r = quick(['dir', '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: { file: string }[]; stats: { unreadable?: number } };
    expect(report.findings.map((f) => f.file)).toEqual(['bad\\xffdir/k\\xfe.env']);
    expect(report.stats.unreadable ?? 0).toBe(0);
    expect(r.stdout).not.toContain(tok);
  });

  it('many non-UTF-8 names (the worker pool path) are all read', () => {
    const tf = new TokenFactory(1314);
    const folder = Buffer.concat([Buffer.from(join(dir.path, 'x')), Buffer.from([0xc3, 0x28])]);
    mkdirSync(folder);
    for (let i = 0; i < 600; i++) writeFileSync(Buffer.concat([folder, Buffer.from(`/f${i}`), Buffer.from([0x80])]), i % 100 === 0 ? `t=${tf.ntn()}\n` : 'plain\n');
    const r = quick(['dir', '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: { file: string }[]; stats: { files: number } };
    expect(report.stats.files).toBe(600);
    expect(report.findings).toHaveLength(6);
    expect(report.findings.every((f) => f.file.startsWith('x\\xc3(/f') && f.file.endsWith('\\x80'))).toBe(true);
  });

  it('a folder too deep to open is named and fails the scan (exit 2), never skipped silently', () => {
    mkdirSync(join(dir.path, 'deep'));
    // Build it step by step with short relative mkdirs: the full path passes PATH_MAX (4096).
    const r0 = spawnSync('bash', ['-c', 'cd deep && for i in $(seq 45); do mkdir d$(printf "%0100d" 0) && cd d*; done && echo hi > leaf.txt'], { cwd: dir.path });
    expect(r0.status).toBe(0);
    writeFileSync(join(dir.path, 'ok.txt'), 'fine\n');
    const r = quick(['dir']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read directory .*too long to open/);
    expect(r.stderr).toMatch(/could not be read/);
    expect(existsSync(join(dir.path, 'ok.txt'))).toBe(true);
    // rm(1) removes it with relative opens; Node's rmSync cannot (the same ENAMETOOLONG).
    expect(spawnSync('rm', ['-rf', 'deep'], { cwd: dir.path }).status).toBe(0);
  });
});
