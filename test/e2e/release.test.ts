/**
 * The release path, run here as far as it can go without a registry account: the workflow's shape,
 * the published manifest (scripts/release-manifest.mjs) checked with `npm publish --dry-run`, and a
 * consumer's install of that package, which must run no install script.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { tempDir } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; files: string[]; scripts: Record<string, string> };

type Step = { name?: string; run?: string; uses?: string; with?: Record<string, unknown>; env?: Record<string, string> };

describe('the release workflow', () => {
  const wf = parse(readFileSync(join(ROOT, '.github/workflows/release.yml'), 'utf8'));
  const steps = (Object.values(wf.jobs)[0] as { steps: Step[] }).steps;
  const at = (re: RegExp) => steps.findIndex((s) => re.test(s.run ?? ''));

  it('runs on v* tags with the permissions provenance and the tag move need', () => {
    expect(wf.on.push.tags).toEqual(['v*']);
    expect(wf.permissions).toEqual({ contents: 'write', 'id-token': 'write' });
  });

  it('tests, writes the published manifest, publishes with provenance, then moves the major tag, in that order', () => {
    const test = at(/^\.ci\/run$/);
    const manifest = at(/^node scripts\/release-manifest\.mjs$/);
    const publish = at(/^npm publish --provenance --access public$/);
    const move = at(/git push -f origin "refs\/tags\/\$major"/);
    expect([test, manifest, publish, move].every((i) => i >= 0)).toBe(true);
    expect(test < manifest && manifest < publish && publish < move).toBe(true);
    expect(steps[publish]!.env?.NODE_AUTH_TOKEN).toBe('${{ secrets.NPM_TOKEN }}');
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-node'))?.with?.['registry-url']).toBe('https://registry.npmjs.org');
  });

  it('the major tag is the release tag’s first part (v0.1.0 moves v0)', () => {
    const script = steps[at(/refs\/tags\/\$major/)]!.run!;
    const out = execFileSync('bash', ['-c', `${script.split('\n')[0]}; echo "$major"`], { env: { ...process.env, GITHUB_REF_NAME: 'v0.1.0' }, encoding: 'utf8' });
    expect(out.trim()).toBe('v0');
  });
});

describe('the published package', () => {
  let d: { path: string; cleanup: () => void };
  let stage = '';
  const env = (over: Record<string, string | undefined> = {}) => {
    const e: Record<string, string | undefined> = { ...process.env, GITHUB_REF: `refs/tags/v${pkg.version}`, GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: `v${pkg.version}`, GITHUB_REPOSITORY: 'acme-forks/notion-guard', GITHUB_SERVER_URL: 'https://github.com', ...over };
    for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
    return e as NodeJS.ProcessEnv;
  };
  const manifest = (dir: string, over: Record<string, string | undefined> = {}) =>
    spawnSync(process.execPath, [join(ROOT, 'scripts/release-manifest.mjs'), dir], { env: env(over), encoding: 'utf8' });

  beforeAll(() => {
    d = tempDir('ng-release-');
    // What the workflow has after .ci/run: the checkout's published files, built.
    stage = join(d.path, 'checkout');
    mkdirSync(stage);
    for (const f of [...pkg.files, 'package.json']) cpSync(join(ROOT, f), join(stage, f), { recursive: true });
  });
  afterAll(() => d.cleanup());

  it('refuses a tag that is not v + the version', () => {
    const copy = join(d.path, 'mismatch');
    cpSync(stage, copy, { recursive: true });
    const r = manifest(copy, { GITHUB_REF: 'refs/tags/v9.9.9', GITHUB_REF_NAME: 'v9.9.9' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`release-manifest: tag v9.9.9 does not match package.json version ${pkg.version} (expected v${pkg.version})\n`);
    expect(readFileSync(join(copy, 'package.json'), 'utf8')).toBe(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  });

  it('refuses a forged or inconsistent environment with one line, and a missing package.json without a stack trace', () => {
    const copy = join(d.path, 'hostile');
    cpSync(stage, copy, { recursive: true });
    const cases: [Record<string, string | undefined>, RegExp][] = [
      [{ GITHUB_REF: undefined, GITHUB_REF_NAME: undefined }, /^release-manifest: a tag run needs GITHUB_REF=refs\/tags\/…, got ""\n$/],
      [{ GITHUB_REF: 'refs/tags/v9.9.9', GITHUB_REF_NAME: `v${pkg.version}` }, /does not match GITHUB_REF/],
      [{ GITHUB_REPOSITORY: '../..' }, /GITHUB_REPOSITORY is not owner\/name: "\.\.\/\.\."/],
      [{ GITHUB_SERVER_URL: 'javascript:alert(1)//' }, /GITHUB_SERVER_URL is not an https:\/\/ host/],
      [{ GITHUB_REPOSITORY: 'a/b\nforged line' }, /^release-manifest: GITHUB_REPOSITORY is not owner\/name: "a\/b\\nforged line"\n$/],
    ];
    for (const [over, want] of cases) {
      const r = manifest(copy, over);
      expect(r.status, JSON.stringify(over)).toBe(1);
      expect(r.stderr).toMatch(want);
    }
    const missing = manifest(join(d.path, 'nowhere'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^release-manifest: cannot read .*package\.json: ENOENT\n$/);
  });

  it('has no install scripts and names the repository that builds it; npm publish --dry-run accepts it', () => {
    expect(pkg.scripts.postinstall).toBeDefined(); // the checkout builds itself on npm ci
    const r = manifest(stage);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const published = JSON.parse(readFileSync(join(stage, 'package.json'), 'utf8'));
    expect(Object.keys(published.scripts).filter((s) => /^(pre|post)?install$|^prepare$/.test(s))).toEqual([]);
    expect(published.files).not.toContain('scripts/postinstall.mjs');
    expect(published.repository).toEqual({ type: 'git', url: 'git+https://github.com/acme-forks/notion-guard.git' });
    expect(published.bugs).toEqual({ url: 'https://github.com/acme-forks/notion-guard/issues' });
    expect(published.homepage).toBe('https://github.com/acme-forks/notion-guard#readme');

    const dry = spawnSync('npm', ['publish', '--dry-run', '--json', '--access', 'public'], { cwd: stage, encoding: 'utf8', env: env() });
    expect(dry.status, dry.stderr).toBe(0);
    const report = JSON.parse(dry.stdout) as Record<string, { name: string; version: string; files: { path: string }[] }>;
    const entry = report['notion-guard'] ?? (report as unknown as { name: string; version: string; files: { path: string }[] });
    expect(entry).toMatchObject({ name: 'notion-guard', version: pkg.version });
    const paths = entry.files.map((x) => x.path);
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'dist/bin/cli.js', 'dist/index.js', 'rules/notion.toml', 'README.md', 'LICENSE']));
    expect(paths.filter((p) => p.startsWith('src/') || p.startsWith('test/') || p === 'scripts/postinstall.mjs')).toEqual([]);
  });

  it('a consumer installs it with no install script to run, and it works', () => {
    const tgz = execFileSync('npm', ['pack', '--silent', '--pack-destination', d.path], { cwd: stage, encoding: 'utf8', env: env() }).trim().split('\n').pop()!;
    const proj = join(d.path, 'consumer');
    mkdirSync(proj);
    writeFileSync(join(proj, 'package.json'), '{"name":"consumer","version":"1.0.0","private":true}\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(d.path, tgz)], { cwd: proj, stdio: 'pipe' });
    const lock = JSON.parse(readFileSync(join(proj, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/notion-guard'].hasInstallScript).toBeUndefined();
    const run = spawnSync(join(proj, 'node_modules/.bin/notion-guard'), ['--version'], { encoding: 'utf8' });
    expect(run.stdout.trim()).toBe(pkg.version);
  }, 120_000);
});
