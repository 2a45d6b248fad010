/** Bad input and faults: a one-line error and exit 2, or a correct scan; never a hang, a stack trace or a leak. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, truncateSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, runCli, tempDir } from '../helpers/cli.js';
import { TestRepo } from '../helpers/git-repo.js';
import { TokenFactory } from '../helpers/tokens.js';
import { scanItems } from '../../src/scan.js';
import { exitCodeFor } from '../../src/run.js';
import { loadRules } from '../../src/rules/load.js';
import { buildDetector } from '../../src/rules/compile.js';
import { StreamScanner } from '../../src/engine/stream.js';

const f = new TokenFactory(81);
const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
const oneLineError = (r: { code: number; stderr: string }) => {
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^notion-guard: error: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
};

let repo: TestRepo;
let leaked: string;
beforeAll(() => {
  repo = new TestRepo();
  leaked = f.ntn();
  repo.commit('one', { 'a.env': `T=${leaked}\n`, 'b.txt': 'hello\n'.repeat(100) });
  repo.commit('two', { 'c.txt': 'more\n' });
});
afterAll(() => repo.cleanup());

/** A PATH whose `git` misbehaves for one subcommand. */
function fakeGit(script: string): { env: Record<string, string>; cleanup: () => void } {
  const d = tempDir('ng-fakegit-');
  const bin = join(d.path, 'git');
  writeFileSync(bin, `#!/bin/sh\nREAL=${realGit}\n${script}\nexec "$REAL" "$@"\n`);
  chmodSync(bin, 0o755);
  return { env: { PATH: `${d.path}:${process.env.PATH}` }, cleanup: d.cleanup };
}

describe('git faults', () => {
  it('git missing from PATH is a one-line error', () => {
    oneLineError(runCli(['history'], { cwd: repo.path, env: { PATH: '/nonexistent' } }));
    oneLineError(runCli(['staged'], { cwd: repo.path, env: { PATH: '/nonexistent' } }));
  });

  it('git failing or dying mid-stream is exit 2, not a silent pass', () => {
    const dying = fakeGit('case "$*" in *cat-file*) "$REAL" "$@" | head -c 200; exit 1;; esac');
    try {
      oneLineError(runCli(['history'], { cwd: repo.path, env: dying.env }));
    } finally {
      dying.cleanup();
    }
    const failing = fakeGit('case "$*" in *rev-list*--objects*) echo "fatal: simulated failure" >&2; exit 128;; esac');
    try {
      const r = runCli(['history'], { cwd: repo.path, env: failing.env });
      oneLineError(r);
      expect(r.stderr).toMatch(/simulated failure/);
    } finally {
      failing.cleanup();
    }
    const diffFails = fakeGit('case "$*" in *diff*) echo "fatal: index broken" >&2; exit 128;; esac');
    try {
      oneLineError(runCli(['staged'], { cwd: repo.path, env: diffFails.env }));
    } finally {
      diffFails.cleanup();
    }
  });

  it('a corrupt or truncated object is exit 2', () => {
    const r = new TestRepo();
    try {
      r.commit('c', { 'x.txt': `payload ${'z'.repeat(500)}\n` });
      const blob = r.git('rev-parse', 'HEAD:x.txt').trim();
      const file = join(r.path, '.git/objects', blob.slice(0, 2), blob.slice(2));
      chmodSync(file, 0o644);
      truncateSync(file, Math.floor(statSync(file).size / 2));
      oneLineError(runCli(['history'], { cwd: r.path }));
      writeFileSync(file, 'garbage that is not zlib');
      // An object git cannot read is named, with its path; the scan cannot pass.
      const g = runCli(['history'], { cwd: r.path });
      expect(g.code).toBe(2);
      expect(g.stderr).toMatch(new RegExp(`^notion-guard: error: cannot read x\\.txt \\(blob ${blob}\\)`, 'm'));
      expect(g.stderr).toMatch(/the scan is incomplete: 1 item/);
      expect(g.stderr).not.toMatch(/\n\s+at /);
    } finally {
      r.cleanup();
    }
  });
});

describe('process faults', () => {
  it('stdout closed early (| head) keeps the exit code and prints no stack trace', () => {
    const d = tempDir();
    try {
      for (let i = 0; i < 200; i++) writeFileSync(join(d.path, `f${i}.env`), `T=${f.ntn()}\n`);
      const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" dir . | head -1`], { cwd: d.path, encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe('');
    } finally {
      d.cleanup();
    }
  });

  it('SIGINT ends the scan with exit 2; the report file is neither written nor truncated', async () => {
    const d = tempDir();
    try {
      // A report from an earlier run: an interrupted run must not replace it with a partial one (or
      // an empty one that reads as "no findings"), nor leave a temporary file beside it.
      const out = join(d.path, 'report.json');
      writeFileSync(out, '{"earlier":"run"}\n');
      const child = spawn(process.execPath, [CLI, 'stdin', '--format', 'json', '--output', out], { stdio: ['pipe', 'pipe', 'pipe'] });
      child.stdin.write(`T=${f.ntn()}\n`); // never ended: the scan is still running
      let stderr = '';
      child.stderr.on('data', (x: Buffer) => (stderr += x.toString()));
      await new Promise((r) => setTimeout(r, 700));
      child.kill('SIGINT');
      const code = await new Promise((r) => child.on('close', r));
      expect(code).toBe(2);
      expect(stderr).toMatch(/interrupted/);
      expect(readdirSync(d.path)).toEqual(['report.json']);
      expect(readFileSync(out, 'utf8')).toBe('{"earlier":"run"}\n');
    } finally {
      d.cleanup();
    }
  });
});

describe('scan workers that stop', () => {
  /** A preload that makes every worker thread do `body` when its first batch arrives. */
  function preload(body: string): { env: Record<string, string>; log: string; cleanup: () => void } {
    const d = tempDir('ng-preload-');
    const file = join(d.path, 'worker.cjs');
    const log = join(d.path, 'batches.log');
    writeFileSync(file, `const wt = require('worker_threads');\nif (!wt.isMainThread) wt.parentPort.on('message', (m) => { require('fs').appendFileSync(${JSON.stringify(log)}, (m.blobs ? 'blobs' : 'files') + '\\n'); ${body} });\n`);
    return { env: { NODE_OPTIONS: `--require ${file}` }, log, cleanup: d.cleanup };
  }

  function tree(files: number): { path: string; tokens: string[]; cleanup: () => void } {
    const d = tempDir('ng-tree-');
    const tokens: string[] = [];
    for (let i = 0; i < files; i++) {
      const leak = i % 500 === 499;
      const t = leak ? f.ntn() : '';
      if (leak) tokens.push(t);
      mkdirSync(join(d.path, `d${i % 40}`), { recursive: true });
      writeFileSync(join(d.path, `d${i % 40}`, `f${i}.js`), `// ${i}\n${'const x = 1;\n'.repeat(40)}${leak ? `const k = "${t}";\n` : ''}`);
    }
    return { ...d, tokens };
  }

  it('a dir worker exiting with 0 in the middle of the scan is exit 2, not a pass', () => {
    const t = tree(12000); // enough that the workers take over even on a loaded machine
    const p = preload('process.exit(0);');
    try {
      const r = runCli(['dir', '.'], { cwd: t.path, env: p.env });
      expect(readFileSync(p.log, 'utf8')).toContain('files');
      oneLineError(r);
      expect(r.stderr).toMatch(/scan worker stopped \(exit 0\)/);
    } finally {
      t.cleanup();
      p.cleanup();
    }
  });

  it('workers take over a tree whose walk runs ahead of the scan (one big folder)', () => {
    const d = tempDir('ng-flat-');
    const p = preload('');
    try {
      const tokens: string[] = [];
      for (let i = 0; i < 12000; i++) {
        const t = i % 3000 === 2999 ? f.ntn() : '';
        if (t) tokens.push(t);
        writeFileSync(join(d.path, `f${i}.txt`), `line ${i}\n${t}\n`);
      }
      const r = runCli(['dir', '.', '--format', 'json', '--show-secrets'], { cwd: d.path, env: p.env });
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).findings.map((x: { secret: string }) => x.secret).sort()).toEqual(tokens.sort());
      expect(readFileSync(p.log, 'utf8')).toContain('files');
    } finally {
      d.cleanup();
      p.cleanup();
    }
  });

  it('a history worker exiting with 0 is exit 2, not a hang or a pass', () => {
    const r = new TestRepo();
    const p = preload('process.exit(0);');
    try {
      r.git('config', 'gc.auto', '0'); // so many objects would start a detached gc, still writing at cleanup
      const files: Record<string, string> = { 'old.env': `T=${f.ntn()}\n` };
      r.commit('old', files);
      const many: Record<string, string> = {};
      // Enough blobs that the worker is ready long before the main thread could scan them all alone,
      // even on a loaded machine (otherwise no batch reaches it, and nothing is tested).
      for (let i = 0; i < 6000; i++) many[`m${i}.js`] = `// ${i}\n${'const y = 2;\n'.repeat(120)}`;
      r.commit('many', many);
      const res = runCli(['history'], { cwd: r.path, env: { ...p.env, NOTION_GUARD_WORKERS: '1' }, timeout: 60_000 });
      expect(readFileSync(p.log, 'utf8')).toContain('blobs');
      oneLineError(res);
      expect(res.stderr).toMatch(/scan worker stopped \(exit 0\)/);
    } finally {
      r.cleanup();
      p.cleanup();
    }
  });
});

describe('bad input', () => {
  it('an unreadable file inside a tree is named, the rest scanned, and recorded so the exit cannot be 0', async () => {
    const detector = buildDetector(loadRules());
    const t = f.ntn();
    const stats = { files: 0, bytes: 0, commits: 0, durationMs: 0 } as { files: number; bytes: number; commits: number; durationMs: number; unreadable?: string[] };
    const warnings: string[] = [];
    async function* items() {
      yield { path: 'locked.env', read: async function* () { throw Object.assign(new Error('EACCES'), { code: 'EACCES' }); } };
      yield { path: 'ok.env', read: async function* () { yield Buffer.from(`T=${t}\n`); } };
    }
    const found = await scanItems(items(), detector, stats, { warn: (m) => warnings.push(m) });
    expect(found.map((x) => x.secret)).toEqual([t]);
    expect(warnings).toEqual(['cannot read locked.env: permission denied']);
    expect(stats.unreadable).toEqual(['cannot read locked.env: permission denied']);
    expect(exitCodeFor([], stats)).toBe(2);
    expect(exitCodeFor(found, stats)).toBe(1);
  });

  it('an unexpected exception inside a file\'s scan is fatal, never a warning', async () => {
    const detector = buildDetector(loadRules());
    const stats = { files: 0, bytes: 0, commits: 0, durationMs: 0 };
    const warnings: string[] = [];
    async function* items() {
      yield { path: 'a.env', read: async function* () { yield Buffer.from('x'); throw new TypeError('a bug'); } };
      yield { path: 'ok.env', read: async function* () { yield Buffer.from('fine\n'); } };
    }
    await expect(scanItems(items(), detector, stats, { warn: (m) => warnings.push(m), unreadable: (m) => warnings.push(m) })).rejects.toThrow('a bug');
    expect(warnings).toEqual([]);
  });

  it('invalid UTF-8 around a token is scanned; binary files are scanned as binary', () => {
    const d = tempDir();
    try {
      const t = f.ntn();
      writeFileSync(join(d.path, 'latin1.txt'), Buffer.concat([Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x20]), Buffer.from(`key=${t}\n`), Buffer.from([0xe2, 0x82])]));
      writeFileSync(join(d.path, 'bin.dat'), Buffer.concat([Buffer.from([0x00, 0x01]), Buffer.from(`key=${f.ntn()}`)]));
      const r = runCli(['dir', '--format', 'json', '--show-secrets'], { cwd: d.path });
      expect(JSON.parse(r.stdout).findings.map((x: { file: string; binary?: boolean }) => [x.file, x.binary ?? false])).toEqual([['bin.dat', true], ['latin1.txt', false]]);
    } finally {
      d.cleanup();
    }
  });

  it('odd file names in dir scans: spaces, quotes, newlines, a leading dash, unicode', () => {
    const d = tempDir();
    try {
      const names = ['with space.env', 'quo"te\'s.env', 'new\nline.env', '-dash.env', 'ünï.env'];
      for (const n of names) writeFileSync(join(d.path, n), `T=${f.ntn()}\n`);
      const r = runCli(['dir', '--format', 'json'], { cwd: d.path });
      expect(JSON.parse(r.stdout).findings.map((x: { file: string }) => x.file).sort()).toEqual([...names].sort());
      const dash = runCli(['dir', '--', '-dash.env'], { cwd: d.path });
      expect(dash.code).toBe(1);
    } finally {
      d.cleanup();
    }
  });

  it('a token-shaped path in an error message is redacted', () => {
    const t = f.ntn();
    const r = runCli(['dir', `missing/${t}`, '--debug']);
    oneLineError(r);
    expect(r.stderr).not.toContain(t);
  });

  it('a 1 GB stream keeps memory flat and finds the token at its end', () => {
    const detector = buildDetector(loadRules());
    const s = new StreamScanner(detector);
    const piece = Buffer.from('2026-01-01T00:00:00Z INFO request handled in 12ms path=/api/items?id=42\n'.repeat(14_000));
    const t = f.ntn();
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    let found = 0;
    for (let n = 0; n < 1e9; n += piece.length) {
      found += s.push(piece).length;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    const last = s.push(Buffer.from(`NOTION_TOKEN=${t}\n`));
    const end = s.end();
    expect(found + last.length).toBe(0);
    expect(end.map((c) => c.secret)).toEqual([t]);
    expect(peak - before).toBeLessThan(150 * 1024 * 1024);
  });

  it('a 100 MB single line is scanned through the CLI without holding the line', () => {
    const d = tempDir();
    try {
      const t = f.ntn();
      const file = join(d.path, 'bundle.min.js');
      const chunk = 'function(e){return e&&e.__esModule?e:{default:e}};'.repeat(20_000);
      const fd = execFileSync('sh', ['-c', `: > "${file}"`]);
      void fd;
      for (let w = 0; w < 1e8; w += chunk.length) writeFileSync(file, chunk, { flag: 'a' });
      writeFileSync(file, `var k="${t}";`, { flag: 'a' });
      const r = runCli(['dir', 'bundle.min.js', '--format', 'json', '--show-secrets'], { cwd: d.path });
      const hits = JSON.parse(r.stdout).findings;
      expect(hits.map((x: { secret: string; line: number }) => [x.secret, x.line])).toEqual([[t, 1]]);
    } finally {
      d.cleanup();
    }
  });

  it('a symlink loop and a dangling symlink do not hang or fail the walk', () => {
    const d = tempDir();
    try {
      mkdirSync(join(d.path, 'a'));
      execFileSync('ln', ['-s', '../a', join(d.path, 'a', 'loop')]);
      execFileSync('ln', ['-s', '/nonexistent/target', join(d.path, 'dangling')]);
      writeFileSync(join(d.path, 'a', 'x.env'), `T=${f.ntn()}\n`);
      const r = runCli(['dir', '--format', 'json'], { cwd: d.path });
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).findings.map((x: { file: string }) => x.file)).toEqual(['a/x.env']);
      expect(existsSync(join(d.path, 'a'))).toBe(true);
    } finally {
      d.cleanup();
    }
  });
});
