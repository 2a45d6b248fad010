/**
 * The build scripts resolve their own folder with fileURLToPath: `new URL(…).pathname` leaves a space
 * as %20, so in a checkout under "My Projects/" the postinstall found no src/ and silently skipped the
 * build. Each script is run from a copy in a folder whose name has a space and non-ASCII letters.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/tokens.js';

const REPO = resolve(__dirname, '../..');

function checkout(): string {
  const root = join(tempDir().path, 'My Projects', 'notion guard é');
  mkdirSync(join(root, 'scripts'), { recursive: true });
  mkdirSync(join(root, 'src', 'parallel'), { recursive: true });
  return root;
}

/** What V8 said of the code cache the bundled CLI's entry passed it: 'false' taken, 'undefined' none passed. */
function cacheTaken(root: string): string {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(require(process.argv[1]).compile(true).script.cachedDataRejected))', join(root, 'dist/bin/cli.js')], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('build scripts in a checkout whose path has a space', () => {
  it('postinstall finds src/ and runs the build', () => {
    const root = checkout();
    copyFileSync(join(REPO, 'scripts/postinstall.mjs'), join(root, 'scripts/postinstall.mjs'));
    writeFileSync(join(root, 'src/cli.ts'), '');
    writeFileSync(
      join(root, 'package.json'),
      JSON.stringify({ name: 'x', version: '0.0.0', scripts: { build: 'node -e "require(\'fs\').writeFileSync(\'built\', \'yes\')"' } }),
    );
    const r = spawnSync(process.execPath, [join(root, 'scripts/postinstall.mjs')], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(root, 'built'), 'utf8')).toBe('yes');
  });

  it('bundle-cli writes a working dist/bin/ inside the checkout, not under a %20 path', () => {
    const root = checkout();
    for (const part of ['scripts', 'src', 'rules', 'dist', 'package.json']) cpSync(join(REPO, part), join(root, part), { recursive: true });
    rmSync(join(root, 'dist/bin'), { recursive: true, force: true });
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
    // Built from inside a git hook (GIT_DIR and GIT_INDEX_FILE set): the code cache's scratch run must
    // not stage anything in that repository.
    const outer = join(tempDir().path, 'outer');
    mkdirSync(outer);
    expect(spawnSync('git', ['init', '-q'], { cwd: outer }).status).toBe(0);
    writeFileSync(join(outer, 'notes.txt'), 'not to be staged\n');
    const env = { ...process.env, GIT_DIR: join(outer, '.git'), GIT_INDEX_FILE: join(outer, '.git', 'index'), GIT_WORK_TREE: outer };
    const r = spawnSync(process.execPath, [join(root, 'scripts/bundle-cli.mjs')], { cwd: root, encoding: 'utf8', env });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('no code cache');
    expect(existsSync(join(outer, '.git', 'index'))).toBe(false);
    expect(spawnSync('git', ['ls-files'], { cwd: outer, encoding: 'utf8' }).stdout).toBe('');
    const v = spawnSync(process.execPath, [join(root, 'dist/bin/cli.js'), 'stdin'], { cwd: root, input: 'nothing here\n', encoding: 'utf8' });
    expect(v.status, v.stderr).toBe(0);
    expect(existsSync(join(root, 'dist/bin/parallel/scan-worker.js'))).toBe(true);
    // The code cache the build saved is one V8 takes: the hook's start-up depends on it.
    expect(cacheTaken(root), 'the cache is used').toBe('false');
    // yargs is imported by the entry for the bundle: a command that needs it works.
    const help = spawnSync(process.execPath, [join(root, 'dist/bin/cli.js'), 'rules', '--help'], { cwd: root, encoding: 'utf8' });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('notion-guard rules');
  });

  it('a code cache that does not fit its bundle (a flipped bit, a patched bundle, garbage, none) is not used', () => {
    const root = checkout();
    for (const part of ['dist', 'rules', 'package.json']) cpSync(join(REPO, part), join(root, part), { recursive: true });
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
    const cache = join(root, 'dist/bin/notion-guard.cache');
    const bundle = join(root, 'dist/bin/notion-guard.js');
    const good = readFileSync(cache);
    const clean = (): void => {
      const v = spawnSync(process.execPath, [join(root, 'dist/bin/cli.js'), 'stdin'], { cwd: root, input: 'nothing here\n', encoding: 'utf8', timeout: 15_000 });
      expect(v.status, v.stderr).toBe(0);
      expect(v.stderr).toBe('');
      expect(v.stdout).toContain('no Notion tokens found');
    };
    expect(cacheTaken(root)).toBe('false');
    // One flipped bit in V8's data: V8 itself does not notice (it crashed or hung on such caches).
    for (const at of [100, good.length >> 1, good.length - 1]) {
      const bad = Buffer.from(good);
      bad[at]! ^= 0x10;
      writeFileSync(cache, bad);
      expect(cacheTaken(root), `bit flipped at ${at}`).toBe('undefined');
      clean();
    }
    writeFileSync(cache, Buffer.alloc(4096, 7));
    expect(cacheTaken(root)).toBe('undefined');
    clean();
    // A bundle patched in place, same length: its own code runs, not the cached one.
    writeFileSync(cache, good);
    const text = readFileSync(bundle, 'utf8');
    expect(text).toContain('no Notion tokens found');
    writeFileSync(bundle, text.replace('no Notion tokens found', 'no Notion tokens FOUND'));
    expect(cacheTaken(root)).toBe('undefined');
    const patched = spawnSync(process.execPath, [join(root, 'dist/bin/cli.js'), 'stdin'], { cwd: root, input: 'nothing here\n', encoding: 'utf8' });
    expect(patched.stdout).toContain('no Notion tokens FOUND');
    writeFileSync(bundle, text);
    rmSync(cache);
    expect(cacheTaken(root)).toBe('undefined');
    clean();
    // Not a file: a fifo must not hang the hook (nor a link to stdin eat the input being scanned).
    expect(spawnSync('mkfifo', [cache]).status).toBe(0);
    clean();
    rmSync(cache);
    symlinkSync('/dev/stdin', cache);
    clean();
    const leak = spawnSync(process.execPath, [join(root, 'dist/bin/cli.js'), 'stdin'], { cwd: root, input: `NOTION_TOKEN=${new TokenFactory(5).ntn()}\n`, encoding: 'utf8', timeout: 15_000 });
    expect(leak.status, leak.stdout).toBe(1);
    rmSync(cache);
    mkdirSync(cache);
    clean();
  });

  it('an entry that cannot start says so in one line and exits 2, not 1 (which means tokens found)', () => {
    const root = checkout();
    for (const part of ['dist', 'rules', 'package.json']) cpSync(join(REPO, part), join(root, part), { recursive: true });
    rmSync(join(root, 'dist/bin/notion-guard.js'));
    const v = spawnSync(process.execPath, [join(root, 'dist/bin/cli.js'), 'stdin'], { cwd: root, input: 'x\n', encoding: 'utf8' });
    expect(v.status).toBe(2);
    expect(v.stderr).toMatch(/^notion-guard: error: cannot start: ENOENT[^\n]*\n$/);
  });

  it('no script or benchmark takes a file path from URL.pathname', () => {
    for (const dir of ['scripts', 'bench']) {
      for (const f of readdirSync(join(REPO, dir)).filter((n) => /\.m?[jt]s$/.test(n))) {
        expect(readFileSync(join(REPO, dir, f), 'utf8'), `${dir}/${f}`).not.toMatch(/import\.meta\.url\)\.pathname/);
      }
    }
  });
});
