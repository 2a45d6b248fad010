import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { runCli, tempDir } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/tokens.js';
import { TestRepo } from '../helpers/git-repo.js';

const require = createRequire(import.meta.url);
// ajv-draft-04 is CommonJS; its default export is the class.
const Ajv = (require('ajv-draft-04') as { default: new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown[] } } }).default;
const f = new TokenFactory(61);
let d: { path: string; cleanup: () => void };
const t = { a: f.ntn(), b: f.legacy(), c: f.ntn() };

beforeAll(() => {
  d = tempDir();
  mkdirSync(join(d.path, 'fixtures'), { recursive: true });
  writeFileSync(join(d.path, 'app.env'), `NOTION_TOKEN=${t.a}\nOTHER=${t.b}  # notion-guard:allow\n`);
  writeFileSync(join(d.path, 'fixtures/sample.json'), `{"token": "${t.c}"}\n`);
});
afterAll(() => d.cleanup());

const json = (s: string) => JSON.parse(s) as { findings: { file: string; line: number; fingerprint: string; secret: string }[] };

describe('reports', () => {
  it('SARIF validates against the SARIF 2.1.0 schema and carries fingerprints and help', () => {
    const r = runCli(['dir', '--format', 'sarif', '--no-config'], { cwd: d.path });
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout);
    const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    const validate = ajv.compile(schema);
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(['notion-api-token', 'notion-legacy-token', 'notion-oauth-refresh-token']);
    expect(run.tool.driver.rules[0].help.text).toMatch(/refresh its secret/);
    expect(run.results).toHaveLength(2);
    expect(run.results[0].partialFingerprints['notionGuard/v1']).toMatch(/^[0-9a-f]{32}$/);
    expect(run.results[0].locations[0].physicalLocation.region).toMatchObject({ startLine: 1, startColumn: 14 });
    expect(r.stdout).not.toContain(t.a);
  });

  it('the inline allow comment suppresses its line only', () => {
    const r = json(runCli(['dir', '--format', 'json', '--no-config'], { cwd: d.path }).stdout);
    expect(r.findings.map((x) => [x.file, x.line])).toEqual([['app.env', 1], ['fixtures/sample.json', 1]]);
  });

  it('--quiet prints nothing; colors only when forced or on a TTY', () => {
    const q = runCli(['dir', '--quiet', '--no-config'], { cwd: d.path });
    expect(q.code).toBe(1);
    expect(q.stdout + q.stderr).toBe('');
    expect(runCli(['dir', '--no-config'], { cwd: d.path }).stdout).not.toMatch(/\x1b\[/);
    expect(runCli(['dir', '--no-config'], { cwd: d.path, env: { FORCE_COLOR: '1', NO_COLOR: undefined } }).stdout).toMatch(/\x1b\[1;31m/);
    expect(runCli(['dir', '--no-config', '--no-color'], { cwd: d.path, env: { FORCE_COLOR: '1' } }).stdout).not.toMatch(/\x1b\[/);
  });

  it('sanitises file names with terminal escape sequences', () => {
    const e = tempDir();
    try {
      writeFileSync(join(e.path, 'evil\x1b[2Jname.env'), `T=${f.ntn()}\n`);
      const r = runCli(['dir', '--no-config'], { cwd: e.path });
      expect(r.stdout).not.toMatch(/\x1b/);
      expect(r.stdout).toContain('evil\\x1b[2Jname.env');
    } finally {
      e.cleanup();
    }
  });
});

describe('remediation fitted to the situation', () => {
  it('dir: rotate, remove, how to mark a false positive', () => {
    const r = runCli(['dir', 'app.env', '--no-config'], { cwd: d.path });
    expect(r.stdout).toMatch(/Rotate it, then update every deployment/);
    expect(r.stdout).toMatch(/developers\/connections .*select the connection and refresh its token/s);
    expect(r.stdout).toMatch(/Only its owners or a workspace owner can do this/);
    expect(r.stdout).toMatch(/notion-guard:allow/);
    expect(r.stdout).toMatch(/notion-guard baseline/);
    expect(r.stdout).not.toMatch(/--no-verify/);
  });
});

describe('configuration', () => {
  function withConfig(text: string, args: string[] = ['dir', '--format', 'json']) {
    const file = join(d.path, '.notion-guard.toml');
    writeFileSync(file, text);
    try {
      return runCli(args, { cwd: d.path });
    } finally {
      writeFileSync(file, '');
    }
  }

  it('allowlists paths, regexes and stopwords', () => {
    expect(json(withConfig('[allowlist]\npaths = ["fixtures/**"]\n').stdout).findings.map((x) => x.file)).toEqual(['app.env']);
    expect(json(withConfig('[allowlist]\nregexes = ["^NOTION_TOKEN="]\n').stdout).findings.map((x) => x.file)).toEqual(['fixtures/sample.json']);
    expect(withConfig(`[allowlist]\nstopwords = ["${t.c.slice(10, 20)}"]\n`).stdout).not.toContain('sample.json');
  });

  it('disables rules', () => {
    const r = json(withConfig('disabled_rules = ["notion-api-token"]\n').stdout);
    expect(r.findings).toEqual([]);
  });

  it.each([
    ['unknown key', 'colour = "red"\n', /\.notion-guard\.toml:1: colour: unknown key/],
    ['unknown nested key', '[allowlist]\npaths = []\nglobs = ["x"]\n', /\.notion-guard\.toml:3: allowlist\.globs: unknown key/],
    ['wrong type', '[allowlist]\npaths = "x"\n', /\.notion-guard\.toml:2: allowlist\.paths: expected an array of strings/],
    ['invalid regex', '[allowlist]\nregexes = ["(unclosed"]\n', /\.notion-guard\.toml:2: allowlist\.regexes\[0\]: invalid regex/],
    ['API URL in a repo file', '[verify]\napi_url = "https://evil.example"\n', /verify\.api_url: the API URL cannot be set in a config file/],
    ['bad TOML', 'rules = [\n', /\.notion-guard\.toml:\d+: invalid TOML/],
  ])('%s is an error with file, key and line (exit 2)', (_n, text, re) => {
    const r = withConfig(text);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(re);
  });

  it('stops a catastrophic allowlist regex instead of hanging', () => {
    writeFileSync(join(d.path, 'slow.txt'), `${'a'.repeat(40)}! ${f.ntn()}\n`);
    try {
      const r = withConfig('[allowlist]\nregexes = ["^(a+)+$"]\n', ['dir', 'slow.txt']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/catastrophic backtracking/);
    } finally {
      writeFileSync(join(d.path, 'slow.txt'), '');
    }
  });
});

describe('baseline round trip', () => {
  it('records findings as fingerprints, survives lines moving, reports only new tokens', () => {
    const b = tempDir();
    try {
      const first = f.ntn();
      writeFileSync(join(b.path, 'c.env'), `A=1\nT=${first}\n`);
      const create = runCli(['dir', '--baseline-create', 'base.json'], { cwd: b.path });
      expect(create.code).toBe(0);
      const base = readFileSync(join(b.path, 'base.json'), 'utf8');
      expect(base).not.toContain(first);
      expect(base).not.toContain(first.slice(4, 14));
      expect(JSON.parse(base).entries).toHaveLength(1);
      writeFileSync(join(b.path, 'c.env'), `# moved down\n\nA=1\nT=${first}\n`);
      expect(runCli(['dir', '--exclude', 'base.json', '--baseline', 'base.json'], { cwd: b.path }).code).toBe(0);
      const second = f.ntn();
      writeFileSync(join(b.path, 'c.env'), `A=1\nT=${first}\nU=${second}\n`);
      const r = runCli(['dir', '--exclude', 'base.json', '--baseline', 'base.json', '--format', 'json', '--show-secrets'], { cwd: b.path });
      expect(r.code).toBe(1);
      expect(json(r.stdout).findings.map((x) => x.secret)).toEqual([second]);
      const bad = runCli(['dir', '--baseline', 'c.env'], { cwd: b.path });
      expect(bad.code).toBe(2);
    } finally {
      b.cleanup();
    }
  });
});

describe('suppressions are visible', () => {
  it('counts what notion-guard:allow, the config allowlist and the baseline hide; --ignore-allow-comments reports the first', () => {
    const g = new TokenFactory(62);
    const d = tempDir();
    const tok = { inline: g.ntn(), listed: g.ntn(), known: g.ntn(), open: g.ntn() };
    writeFileSync(join(d.path, 'a.env'), `A=${tok.inline} # notion-guard:allow\n`);
    mkdirSync(join(d.path, 'fixtures'));
    writeFileSync(join(d.path, 'fixtures', 'b.env'), `B=${tok.listed}\n`);
    writeFileSync(join(d.path, 'c.env'), `C=${tok.known}\n`);
    writeFileSync(join(d.path, '.notion-guard.toml'), '[allowlist]\npaths = ["fixtures/**"]\n');
    // A baseline of c.env alone.
    const only = tempDir();
    writeFileSync(join(only.path, 'c.env'), `C=${tok.known}\n`);
    expect(runCli(['dir', '.', '--baseline-create', join(d.path, 'base.json')], { cwd: only.path }).code).toBe(0);
    const clean = runCli(['dir', '.', '--baseline', 'base.json'], { cwd: d.path });
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toContain('no Notion tokens found (5 files scanned; 1 hidden by notion-guard:allow, 1 by the config allowlist, 1 by the baseline).');
    const j = JSON.parse(runCli(['dir', '.', '--baseline', 'base.json', '--format', 'json'], { cwd: d.path }).stdout) as { stats: { hidden: unknown } };
    expect(j.stats.hidden).toEqual({ allowComment: 1, allowlist: 1, baseline: 1 });
    // CI: a comment added in a pull request cannot hide a token.
    const ci = runCli(['dir', '.', '--baseline', 'base.json', '--ignore-allow-comments', '--format', 'json'], { cwd: d.path });
    expect(ci.code).toBe(1);
    expect((JSON.parse(ci.stdout) as { findings: { file: string }[] }).findings.map((x) => x.file)).toEqual(['./a.env']);
    writeFileSync(join(d.path, 'd.env'), `D=${tok.open}\n`);
    const found = runCli(['dir', '.', '--baseline', 'base.json'], { cwd: d.path });
    expect(found.code).toBe(1);
    expect(found.stdout).toMatch(/\(6 files scanned; 1 hidden by notion-guard:allow, 1 by the config allowlist, 1 by the baseline\)/);
  });

  it('staged and history take --ignore-allow-comments too', () => {
    const g = new TokenFactory(63);
    const r = new TestRepo();
    try {
      r.write('x.env', `X=${g.ntn()} # notion-guard:allow\n`).git('add', '-A');
      const quiet = runCli(['staged'], { cwd: r.path });
      expect(quiet.code).toBe(0);
      expect(quiet.stdout).toMatch(/1 hidden by notion-guard:allow/);
      expect(runCli(['staged', '--ignore-allow-comments'], { cwd: r.path }).code).toBe(1);
      r.git('commit', '-qm', 'allowed');
      expect(runCli(['history'], { cwd: r.path }).code).toBe(0);
      expect(runCli(['history', '--ignore-allow-comments'], { cwd: r.path }).code).toBe(1);
    } finally {
      r.cleanup();
    }
  });
});

describe('allowlist paths are relative to the config file', () => {
  it('match the same files wherever the scan starts, and only those', () => {
    const g = new TokenFactory(64);
    const r = new TestRepo();
    try {
      r.write('.notion-guard.toml', '[allowlist]\npaths = ["test/fixtures/**"]\n');
      r.write('test/fixtures/a.env', `A=${g.ntn()}\n`);
      r.write('test/other.env', `B=${g.ntn()}\n`);
      r.write('fixtures/root.env', `C=${g.ntn()}\n`);
      r.git('add', '-A');
      const reported = (args: string[], cwd: string): string[] =>
        (JSON.parse(runCli([...args, '--format', 'json'], { cwd }).stdout) as { findings: { file: string }[] }).findings.map((x) => x.file.replace(/^\.\//, '')).sort();
      const sub = join(r.path, 'test');
      expect(reported(['dir', '.'], r.path)).toEqual(['fixtures/root.env', 'test/other.env']);
      expect(reported(['dir', '.'], sub)).toEqual(['other.env']);
      expect(reported(['dir', 'test'], r.path)).toEqual(['test/other.env']);
      expect(reported(['dir', '../fixtures', '.'], sub)).toEqual(['../fixtures/root.env', 'other.env']);
      expect(reported(['staged'], sub)).toEqual(['fixtures/root.env', 'test/other.env']);
      r.git('commit', '-qm', 'x', '--no-verify');
      expect(reported(['history'], sub)).toEqual(['fixtures/root.env', 'test/other.env']);
      // A glob written relative to the root does not start matching elsewhere from a subfolder.
      r.write('.notion-guard.toml', '[allowlist]\npaths = ["fixtures/**"]\n');
      expect(reported(['dir', '.'], sub)).toEqual(['fixtures/a.env', 'other.env']);
    } finally {
      r.cleanup();
    }
  });
});

describe('--sarif-output', () => {
  it('writes the same findings as SARIF beside the text report, from one scan', () => {
    const g = new TokenFactory(65);
    const d = tempDir();
    writeFileSync(join(d.path, 'a.env'), `A=${g.ntn()}\n`);
    const r = runCli(['dir', '.', '--no-color', '--sarif-output', 'out.sarif'], { cwd: d.path });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/a\.env:1:3/);
    const sarif = JSON.parse(readFileSync(join(d.path, 'out.sarif'), 'utf8')) as { runs: { results: unknown[] }[] };
    expect(sarif.runs[0]!.results).toHaveLength(1);
    expect(runCli(['dir', '.', '--sarif-output', '/nonexistent/x.sarif'], { cwd: d.path }).code).toBe(2);
  });
});
