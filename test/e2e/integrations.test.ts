/** Integrations as users adopt them: the npm package, the pre-commit framework, the GitHub Action. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { tempDir } from '../helpers/cli.js';
import { TestRepo } from '../helpers/git-repo.js';
import { TokenFactory, b64 } from '../helpers/tokens.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const f = new TokenFactory(91);
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

describe('the npm package', () => {
  let d: { path: string; cleanup: () => void };
  let tgz: string;
  beforeAll(() => {
    d = tempDir('ng-pack-');
    const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', d.path], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
    tgz = join(d.path, out);
  }, 120_000);
  afterAll(() => d.cleanup());

  it('holds only what users need', () => {
    const files = execFileSync('tar', ['tzf', tgz], { encoding: 'utf8' }).trim().split('\n').map((x) => x.replace(/^package\//, ''));
    expect(files).toContain('dist/bin/cli.js');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('rules/notion.toml');
    expect(files).toContain('README.md');
    expect(files).toContain('LICENSE');
    const allowed = /^(dist\/|rules\/|README\.md$|LICENSE$|package\.json$|action\.yml$|\.pre-commit-hooks\.yaml$|scripts\/action-scan\.sh$|scripts\/postinstall\.mjs$)/;
    expect(files.filter((x) => !allowed.test(x))).toEqual([]);
    expect(files.some((x) => x.startsWith('dist/commands/') || x === 'dist/cli.js')).toBe(false);
  });

  it('installs from the tarball, runs with npx, and imports as a typed library', () => {
    const proj = join(d.path, 'consumer');
    mkdirSync(proj);
    writeFileSync(join(proj, 'package.json'), '{"name":"consumer","version":"1.0.0","private":true,"type":"module"}\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', tgz], { cwd: proj, stdio: 'pipe' });
    const t = f.ntn();
    writeFileSync(join(proj, 'leak.env'), `NOTION_TOKEN=${t}\n`);
    const run = spawnSync('npx', ['--no-install', 'notion-guard', 'dir', 'leak.env', '--format', 'json'], { cwd: proj, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout).findings[0]).toMatchObject({ file: 'leak.env', line: 1, column: 14 });
    writeFileSync(
      join(proj, 'use.mjs'),
      "import { scanText, loadRules } from 'notion-guard';\nconst hits = scanText(process.argv[2]);\nconsole.log(JSON.stringify({ rules: loadRules().map((r) => r.id), hits: hits.map((h) => [h.ruleId, h.line, h.column, h.encoding ?? null]) }));\n",
    );
    const lib = JSON.parse(execFileSync('node', ['use.mjs', `a\nx = "${t}"\ny = ${b64(t)}`], { cwd: proj, encoding: 'utf8' }));
    expect(lib).toEqual({ rules: ['notion-api-token', 'notion-legacy-token', 'notion-oauth-refresh-token'], hits: [['notion-api-token', 2, 6, null], ['notion-api-token', 3, 5, 'base64']] });
    writeFileSync(join(proj, 'use.ts'), "import { scanText, type Finding } from 'notion-guard';\nconst n: number = scanText('x').length;\nconst f: Finding | undefined = undefined;\nexport { n, f };\n");
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules/@types'), 'use.ts'], { cwd: proj, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 180_000);
});

describe('the GitHub Action', () => {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
  const workflows = ['notion-guard.yml', 'org-audit.yml'].map((w) => [w, parse(readFileSync(join(ROOT, 'examples/workflows', w), 'utf8'))] as const);

  it('action.yml is a composite action whose steps can run, and installs nothing', () => {
    expect(action.name).toBe('notion-guard');
    expect(action.runs.using).toBe('composite');
    for (const step of action.runs.steps) {
      if (step.run) expect(step.shell).toBe('bash');
      else expect(step.uses).toMatch(/@v\d+$/);
      // No npm ci, no compile of dev dependencies on every run: the committed bundle runs.
      expect(JSON.stringify(step)).not.toMatch(/\bnpm\b|\bnpx\b|tsc|esbuild/);
    }
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['mode', 'sarif-file', 'args']));
    expect(existsSync(join(ROOT, 'scripts/action-scan.sh'))).toBe(true);
  });

  it('its committed bundle is what src/ builds today (CI fails when it is stale)', () => {
    const fresh = tempDir('ng-action-bundle-');
    try {
      execFileSync(process.execPath, [join(ROOT, 'scripts/bundle-action.mjs'), fresh.path], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      for (const file of ['notion-guard.mjs', 'scan-worker.mjs', 'NOTICES.txt']) {
        const same = readFileSync(join(fresh.path, file)).equals(readFileSync(join(ROOT, 'action', file)));
        expect(same, `action/${file} is stale: run npm run bundle:action and commit it`).toBe(true);
      }
    } finally {
      fresh.cleanup();
    }
  });

  it.each(workflows)('%s is a workflow of the right shape, with full history checked out', (_name, wf) => {
    expect(wf.on).toBeTruthy();
    for (const job of Object.values(wf.jobs) as { 'runs-on': string; steps: { uses?: string; with?: Record<string, unknown> }[] }[]) {
      expect(job['runs-on']).toBeTruthy();
      expect(Array.isArray(job.steps)).toBe(true);
      for (const s of job.steps) if (s.uses?.startsWith('actions/checkout')) expect(s.with?.['fetch-depth']).toBe(0);
    }
  });

  it('the README’s workflow is the example file, with the permissions it needs and no upload a fork cannot do', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const example = readFileSync(join(ROOT, 'examples/workflows/notion-guard.yml'), 'utf8');
    const block = /job on findings\. `examples\/workflows\/notion-guard\.yml`:\n\n```yaml\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(block).toBe(example.split('\n').slice(1).join('\n'));
    const wf = workflows[0]![1];
    expect(wf.permissions).toEqual({ contents: 'read', 'security-events': 'write', actions: 'read' });
    const upload = (wf.jobs.scan.steps as { uses?: string; if?: string }[]).find((x) => x.uses?.startsWith('github/codeql-action/upload-sarif'))!;
    expect(upload.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    expect(JSON.stringify(wf.on)).not.toContain('pull_request_target');
  });

  describe('its scan script against a real repository', () => {
    const r = new TestRepo();
    const old = f.ntn();
    const fresh = f.legacy();
    let before = '';
    let after = '';
    // The action as a workflow gets it: this repository's tracked files at the action's ref, no
    // node_modules, no dist/; the scan command is the one action.yml gives, with the action's path.
    const checkout = tempDir('ng-action-checkout-');
    const scanStep = (action.runs.steps as { env?: Record<string, string> }[]).find((s) => s.env?.NG_CLI)!;
    const cli = scanStep.env!.NG_CLI!.replace('${{ github.action_path }}', checkout.path);
    beforeAll(() => {
      const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
      for (const file of tracked) {
        if (!existsSync(join(ROOT, file))) continue;
        mkdirSync(dirname(join(checkout.path, file)), { recursive: true });
        copyFileSync(join(ROOT, file), join(checkout.path, file));
      }
      for (const file of ['notion-guard.mjs', 'scan-worker.mjs']) {
        mkdirSync(join(checkout.path, 'action'), { recursive: true });
        copyFileSync(join(ROOT, 'action', file), join(checkout.path, 'action', file));
      }
      expect(existsSync(join(checkout.path, 'node_modules')) || existsSync(join(checkout.path, 'dist'))).toBe(false);
      r.commit('old leak', { 'old.env': `T=${old}\n` });
      before = r.commit('clean', { 'a.txt': 'x\n' });
      r.commit('new leak', { 'new.yml': `key: ${fresh}\n` });
      after = r.commit('more', { 'b.txt': 'y\n' });
    });
    afterAll(() => {
      r.cleanup();
      checkout.cleanup();
    });

    function scan(event: string, payload: object, extraEnv: Record<string, string> = {}) {
      const ev = join(r.path, '..', `event-${process.pid}-${event}.json`);
      writeFileSync(ev, JSON.stringify(payload));
      const sarif = join(r.path, '..', `out-${process.pid}-${event}.sarif`);
      const res = spawnSync('bash', [join(checkout.path, 'scripts/action-scan.sh')], {
        cwd: r.path,
        encoding: 'utf8',
        env: { ...process.env, GITHUB_EVENT_NAME: event, GITHUB_EVENT_PATH: ev, GITHUB_SHA: after, NG_CLI: cli, NG_SARIF: sarif, ...extraEnv },
      });
      const results = existsSync(sarif) ? JSON.parse(readFileSync(sarif, 'utf8')).runs[0].results.map((x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => x.locations[0]!.physicalLocation.artifactLocation.uri) : [];
      return { code: res.status, out: res.stdout, results };
    }

    it('push: scans the pushed range only, writes SARIF, fails the job', () => {
      const s = scan('push', { before, after });
      expect(s.code).toBe(1);
      expect(s.results).toEqual(['new.yml']);
      expect(s.out).toContain('new.yml');
      expect(s.out).not.toContain(old.slice(0, 12));
    });

    it('pull_request: scans the pull request commits', () => {
      const s = scan('pull_request', { pull_request: { base: { sha: before }, head: { sha: after } } });
      expect(s.code).toBe(1);
      expect(s.results).toEqual(['new.yml']);
    });

    it('schedule: scans all of history', () => {
      const s = scan('schedule', {});
      expect(s.code).toBe(1);
      expect(s.results.sort()).toEqual(['new.yml', 'old.env']);
    });

    it('a push that creates a branch scans that branch’s own commits, not main’s old leak', () => {
      r.git('update-ref', 'refs/remotes/origin/main', before);
      r.git('update-ref', 'refs/remotes/origin/feature', after);
      try {
        const zero = '0'.repeat(40);
        const s = scan('push', { before: zero, after, ref: 'refs/heads/feature' });
        expect(s.code).toBe(1);
        expect(s.results).toEqual(['new.yml']);
        // A new branch with nothing new on it passes, though main's history holds a leak.
        r.git('update-ref', 'refs/remotes/origin/main', after);
        expect(scan('push', { before: zero, after, ref: 'refs/heads/feature', repository: { default_branch: 'main' } }).code).toBe(0);
      } finally {
        r.git('update-ref', '-d', 'refs/remotes/origin/main');
        r.git('update-ref', '-d', 'refs/remotes/origin/feature');
      }
    });

    it('annotates each finding and writes a job summary, redacted', () => {
      const summary = join(r.path, '..', `summary-${process.pid}.md`);
      const s = scan('push', { before, after }, { GITHUB_STEP_SUMMARY: summary });
      expect(s.out).toMatch(/^::error file=new\.yml,line=1,title=notion-guard%3A notion-legacy-token::/m);
      const md = readFileSync(summary, 'utf8');
      expect(md).toMatch(/^## notion-guard/);
      expect(md).toContain('new.yml');
      expect(md + s.out).not.toContain(fresh);
    });

    it('scans once: --verify sends each token once for both reports', () => {
      const seen: string[] = [];
      const stub = join(r.path, '..', `ng-count-${process.pid}.sh`);
      const log = join(r.path, '..', `ng-count-${process.pid}.log`);
      writeFileSync(stub, `#!/bin/sh\necho run >> ${log}\nexec ${cli} "$@"\n`, { mode: 0o755 });
      const s = scan('push', { before, after }, { NG_CLI: stub });
      expect(s.code).toBe(1);
      seen.push(...readFileSync(log, 'utf8').trim().split('\n'));
      expect(seen).toHaveLength(1);
      expect(s.results).toEqual(['new.yml']);
    });

    it('a new branch pushed together with another holding the same commits is still scanned; origin/HEAD excludes nothing', () => {
      const zero = '0'.repeat(40);
      r.git('update-ref', 'refs/remotes/origin/main', before);
      r.git('update-ref', 'refs/remotes/origin/feat', after);
      r.git('update-ref', 'refs/remotes/origin/feat2', after);
      r.git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/feat2');
      try {
        const s = scan('push', { before: zero, after, ref: 'refs/heads/feat' });
        expect(s.code).toBe(1);
        expect(s.results).toEqual(['new.yml']);
      } finally {
        for (const b of ['HEAD', 'main', 'feat', 'feat2']) r.git('update-ref', '-d', `refs/remotes/origin/${b}`);
      }
    });

    it('a pull request cannot allowlist its own token: config and baseline come from the base, allow comments are ignored', () => {
      const b = new TestRepo();
      try {
        const base = b.commit('base', { 'README.md': 'x\n' });
        const t = f.ntn();
        const head = b.commit('pr', {
          'app.env': `T=${t}\n`,
          'ok.env': `T=${f.ntn()} # notion-guard:allow\n`,
          '.notion-guard.toml': '[allowlist]\npaths = ["**"]\n',
        });
        const ev = join(b.path, '..', `event-${process.pid}-pr.json`);
        writeFileSync(ev, JSON.stringify({ pull_request: { base: { sha: base }, head: { sha: head } } }));
        const res = spawnSync('bash', [join(checkout.path, 'scripts/action-scan.sh')], { cwd: b.path, encoding: 'utf8', env: { ...process.env, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: ev, NG_CLI: cli, NG_SARIF: '' } });
        expect(res.status, res.stdout + res.stderr).toBe(1);
        expect(res.stdout).toContain('app.env');
        expect(res.stdout).toContain('ok.env');
        expect(res.stdout + res.stderr).not.toContain(t);
      } finally {
        b.cleanup();
      }
    });

    it('a payload field that is not a commit id is refused, never read as an option', () => {
      const s = scan('pull_request', { pull_request: { base: { sha: '--show-secrets' }, head: { sha: after } } });
      expect(s.code).toBe(2);
      expect(s.out).toContain("::error::notion-guard: the pull request's base or head is not a commit id");
      expect(s.out).not.toContain(fresh);
      expect(scan('push', { before: '0'.repeat(40), after: '--show-secrets' }).code).toBe(2);
    });

    it('annotations name the real path (SARIF percent-encoding undone) and none for a commit message', () => {
      const b = new TestRepo();
      try {
        const base = b.commit('base', { 'README.md': 'x\n' });
        const m = f.ntn();
        b.write('we ird%2C,x:y.env', `T=${f.ntn()}\n`).git('add', '-A');
        b.git('commit', '-qm', `leak ${m}`);
        const head = b.git('rev-parse', 'HEAD').trim();
        const ev = join(b.path, '..', `event-${process.pid}-ann.json`);
        const sarif = join(b.path, '..', `ann-${process.pid}.sarif`);
        writeFileSync(ev, JSON.stringify({ before: base, after: head }));
        const res = spawnSync('bash', [join(checkout.path, 'scripts/action-scan.sh')], { cwd: b.path, encoding: 'utf8', env: { ...process.env, GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: ev, NG_CLI: cli, NG_SARIF: sarif } });
        expect(res.status).toBe(1);
        expect(res.stdout).toContain('::error file=we ird%252C%2Cx%3Ay.env,line=1,title=');
        expect(res.stdout).toMatch(/^::error title=notion-guard%3A notion-api-token::/m);
        expect(res.stdout).not.toContain(m);
      } finally {
        b.cleanup();
      }
    });

    it('a clean pushed range passes', () => {
      const s = scan('push', { before: after, after });
      expect(s.code).toBe(0);
    });
  });
});

describe('the pre-commit framework', () => {
  const available = has('pre-commit');
  it.skipIf(!available && !process.env.CI)('refuses a staged token and passes a clean commit through the real pre-commit tool', () => {
    expect(available, 'pre-commit must be installed (apt-get install pre-commit; .ci/run does it)').toBe(true);
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const r = new TestRepo();
    const home = tempDir('ng-pc-home-');
    try {
      r.write('.pre-commit-config.yaml', `repos:\n  - repo: ${ROOT}\n    rev: ${sha}\n    hooks:\n      - id: notion-guard\n`);
      r.commit('config');
      const env = { ...process.env, PRE_COMMIT_HOME: home.path, HOME: home.path, npm_config_cache: join(process.env.HOME ?? '/root', '.npm') };
      const inst = spawnSync('pre-commit', ['install'], { cwd: r.path, encoding: 'utf8', env });
      expect(inst.status, inst.stderr).toBe(0);
      r.write('.env', `NOTION_TOKEN=${f.ntn()}\n`).git('add', '.env');
      const refused = spawnSync('git', ['commit', '-m', 'leak'], { cwd: r.path, encoding: 'utf8', env });
      expect(refused.status, refused.stdout + refused.stderr).not.toBe(0);
      expect(refused.stdout + refused.stderr).toContain('.env:1:14');
      r.git('rm', '-q', '--cached', '.env');
      r.write('ok.txt', 'fine\n').git('add', 'ok.txt');
      const ok = spawnSync('git', ['commit', '-m', 'clean'], { cwd: r.path, encoding: 'utf8', env });
      expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    } finally {
      r.cleanup();
      home.cleanup();
    }
  }, 600_000);
});

// In a shallow clone older commits are absent, so the check needs full history.
const shallow = spawnSync('git', ['rev-parse', '--is-shallow-repository'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() === 'true';

describe('README pre-commit recipe', () => {
  it.skipIf(shallow)('its rev: names a commit of this repository that carries the hook definition', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const rev = /^\s+rev: (\S+)/m.exec(readme)![1]!;
    const r = spawnSync('git', ['cat-file', '-e', `${rev}:.pre-commit-hooks.yaml`], { cwd: ROOT });
    expect(r.status, `rev ${rev} is not a commit of this repository with .pre-commit-hooks.yaml`).toBe(0);
  });
});
