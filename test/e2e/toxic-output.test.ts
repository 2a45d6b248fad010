/**
 * Secrets are toxic output: nothing the CLI prints (text, JSON, SARIF, stderr) holds a whole token,
 * or a long piece of one, without --show-secrets; nothing it prints carries raw control or bidi
 * characters; and the paths a user names are the paths scanned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, runCliAsync, tempDir } from '../helpers/cli.js';
import { tempRepos } from '../helpers/git-repo.js';
import { NotionEmulator } from '../helpers/notion-server.js';
import { b64, TokenFactory } from '../helpers/tokens.js';

const f = new TokenFactory(1313);

/** No token, and no 16-character stretch of a token's body, in `out`. */
function expectNoSecret(out: string, tokens: readonly string[]): void {
  for (const t of tokens) {
    expect(out, 'whole token printed').not.toContain(t);
    const body = t.slice(t.indexOf('_') + 1);
    for (let i = 0; i + 16 <= body.length; i += 4) expect(out, `piece ${i} of a token printed`).not.toContain(body.slice(i, i + 16));
  }
}

const RAW_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('no whole token leaves without --show-secrets', () => {
  let d: { path: string; cleanup: () => void };
  const t = { main: f.ntn(), split: f.ntn(), encoded: f.ntn(), glued: f.ntn(), inName: f.ntn(), dirName: f.ntn() };
  const all = Object.values(t);
  beforeAll(() => {
    d = tempDir();
    // Line 2 holds a reported token, the second piece of a split one begun on line 1, a base64 token
    // and a token glued to an identifier (x_ntn_…, which the rules do not report).
    const src = [
      `const a = "${t.split.slice(0, 24)}" +`,
      `  "${t.split.slice(24)}"; const b = "${t.main}"; const c = "${b64(`tok=${t.encoded}`)}"; x_${t.glued} // naïve café ✓`,
      '',
    ].join('\n');
    writeFileSync(join(d.path, 'app.js'), src);
    mkdirSync(join(d.path, `keys_${t.dirName}`));
    writeFileSync(join(d.path, `keys_${t.dirName}`, `${t.inName}.txt`), `K=${t.main}\n`);
  });
  afterAll(() => d.cleanup());

  for (const format of ['text', 'json', 'sarif']) {
    it(`dir, ${format}: context lines, split pieces, base64, glued tokens and path names are masked`, () => {
      const r = runCli(['dir', '.', '--no-config', '--format', format], { cwd: d.path });
      expect(r.code).toBe(1);
      expectNoSecret(r.stdout + r.stderr, all);
      expect(r.stdout).not.toMatch(RAW_CONTROLS);
      if (format === 'json') {
        const files = (JSON.parse(r.stdout) as { findings: { file: string }[] }).findings.map((x) => x.file);
        expect(files.some((p) => p.startsWith(`./keys_${t.dirName.slice(0, 8)}…`))).toBe(true);
      }
    });
  }

  it('the context line is decoded as UTF-8, and shows the masked forms', () => {
    const r = runCli(['dir', 'app.js', '--no-config'], { cwd: d.path });
    expect(r.stdout).toContain('naïve café ✓');
    expect(r.stdout).toContain(`${t.split.slice(0, 8)}…`);
    expect(r.stdout).toContain(`x_${t.glued.slice(0, 8)}…`);
  });

  it('--show-secrets is the only way to see them', () => {
    const r = runCli(['dir', '.', '--no-config', '--show-secrets', '--format', 'json'], { cwd: d.path });
    expect(r.stdout).toContain(t.main);
    expect(r.stdout).toContain(t.dirName);
  });

  it('merge masks a report made with --show-secrets again, unless merge is given --show-secrets', () => {
    const shown = runCli(['dir', '.', '--no-config', '--show-secrets', '--format', 'json', '--output', 'full.json'], { cwd: d.path });
    expect(shown.code).toBe(1);
    const merged = runCli(['merge', 'full.json'], { cwd: d.path });
    expect(merged.code).toBe(1);
    expectNoSecret(merged.stdout + merged.stderr, all);
    expect(runCli(['merge', 'full.json', '--show-secrets'], { cwd: d.path }).stdout).toContain(t.main);
  });
});

describe('history: commit metadata is masked in every format', () => {
  const repo = tempRepos();
  for (const format of ['text', 'json', 'sarif']) {
    it(`${format}: a base64 token in the subject and a token in the author name`, () => {
      const inSubject = f.ntn();
      const inAuthor = f.ntn();
      const inFile = f.ntn();
      const r = repo();
      r.write('a.env', `N=${inFile}\n`);
      r.git('add', '-A');
      r.git('-c', `user.name=x_${inAuthor}`, 'commit', '-q', '-m', `fix ${b64(inSubject)} and \x1b]0;pwned\x07 oops`);
      const out = runCli(['history', '--no-config', '--format', format], { cwd: r.path });
      expect(out.code).toBe(1);
      expectNoSecret(out.stdout + out.stderr, [inSubject, inAuthor, inFile]);
      expect(out.stdout).not.toMatch(RAW_CONTROLS);
    });
  }
});

describe('verification answers are masked', () => {
  let api: NotionEmulator;
  const tok = f.ntn();
  const other = f.ntn();
  beforeAll(async () => {
    // A hostile integration names its bot and workspace after tokens (its own, and another).
    api = await new NotionEmulator().set(tok, { kind: 'bot', name: `bot ${tok}`, workspace: `ws ${other} \u202e\x1b[2J` }).start();
  });
  afterAll(() => api.stop());

  for (const format of ['text', 'json']) {
    it(`verify, ${format}`, async () => {
      const r = await runCliAsync(['verify', '--format', format], { input: `${tok}\n`, env: { NOTION_GUARD_API_URL: api.url } });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/live/i);
      expectNoSecret(r.stdout + r.stderr, [tok, other]);
      expect(r.stdout).not.toMatch(RAW_CONTROLS);
    });
  }

  it('dir --verify, sarif', async () => {
    const d = tempDir();
    try {
      writeFileSync(join(d.path, 'x.env'), `T=${tok}\n`);
      const r = await runCliAsync(['dir', '.', '--no-config', '--verify', '--format', 'sarif'], { cwd: d.path, env: { NOTION_GUARD_API_URL: api.url } });
      expect(r.code).toBe(1);
      expectNoSecret(r.stdout + r.stderr, [tok, other]);
      expect(r.stdout).not.toMatch(RAW_CONTROLS);
    } finally {
      d.cleanup();
    }
  });
});

describe('control and bidi characters', () => {
  let d: { path: string; cleanup: () => void };
  beforeAll(() => {
    d = tempDir();
    writeFileSync(join(d.path, 'e\u202evil\u009b31m.env'), `T=${f.ntn()}\n`);
  });
  afterAll(() => d.cleanup());

  it('JSON and SARIF write C1 controls and bidi overrides as \\u escapes (same value when parsed)', () => {
    for (const format of ['json', 'sarif']) {
      const r = runCli(['dir', '.', '--no-config', '--format', format], { cwd: d.path });
      expect(r.code).toBe(1);
      expect(r.stdout).not.toMatch(RAW_CONTROLS);
      expect(r.stdout).toContain('\\u202e');
      if (format === 'json') expect((JSON.parse(r.stdout) as { findings: { file: string }[] }).findings[0]!.file).toBe('./e\u202evil\u009b31m.env');
    }
  });

  it('errors quoting config keys, regexes and verify input are inert on a terminal', () => {
    writeFileSync(join(d.path, 'bad.toml'), '"\\u001b]0;owned\\u0007" = 1\n');
    const key = runCli(['dir', '.', '--config', 'bad.toml'], { cwd: d.path });
    expect(key.code).toBe(2);
    expect(key.stderr).toMatch(/^notion-guard: error: .*unknown key/);
    expect(key.stderr).not.toMatch(RAW_CONTROLS);
    writeFileSync(join(d.path, 'regex.toml'), '[allowlist]\nregexes = ["(\\u001b]0;x\\u0007"]\n');
    const re = runCli(['dir', '.', '--config', 'regex.toml'], { cwd: d.path });
    expect(re.code).toBe(2);
    expect(re.stderr).not.toMatch(RAW_CONTROLS);
    const junk = runCli(['verify', '\x1b]0;title\x07aaaaaaaa'], { env: { NOTION_GUARD_API_URL: 'http://127.0.0.1:9' } });
    expect(junk.code).toBe(2);
    expect(junk.stderr).toMatch(/not a Notion token/);
    expect(junk.stderr).not.toMatch(RAW_CONTROLS);
    expect(junk.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});

describe('a range that looks like an option is never read as one', () => {
  const repo = tempRepos();
  it('history "--show-secrets..HEAD" is refused, not a full-history scan printing tokens', () => {
    const r = repo();
    const t = f.ntn();
    r.commit('leak', { 'a.env': `T=${t}\n` });
    const out = runCli(['history', '--show-secrets..HEAD'], { cwd: r.path });
    expect(out.code).toBe(2);
    expect(out.stdout + out.stderr).not.toContain(t);
  });
});

describe('the paths a user names are the paths scanned', () => {
  let d: { path: string; cleanup: () => void };
  const tok = f.ntn();
  beforeAll(() => {
    d = tempDir();
    writeFileSync(join(d.path, 'prod.env'), `T=${tok}\n`);
    writeFileSync(join(d.path, '-x.env'), `T=${tok}\n`);
    mkdirSync(join(d.path, 'node_modules'));
    writeFileSync(join(d.path, 'node_modules', 'dep.env'), `T=${tok}\n`);
    writeFileSync(join(d.path, 'clean.txt'), 'nothing\n');
  });
  afterAll(() => d.cleanup());
  const files = (out: string) => (JSON.parse(out) as { findings: { file: string }[] }).findings.map((x) => x.file);

  it('`dir -- FILE` scans FILE, even one that looks like an option', () => {
    const r = runCli(['dir', '--format', 'json', '--no-config', '--', '-x.env'], { cwd: d.path });
    expect(r.code).toBe(1);
    expect(files(r.stdout)).toEqual(['-x.env']);
    const clean = runCli(['dir', '--no-config', '--', 'clean.txt'], { cwd: d.path });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/1 file scanned\)/);
  });

  it('an array option takes one value per flag: `--exclude node_modules prod.env` scans prod.env', () => {
    const r = runCli(['dir', '--format', 'json', '--no-config', '--exclude', 'node_modules', 'prod.env'], { cwd: d.path });
    expect(r.code).toBe(1);
    expect(files(r.stdout)).toEqual(['prod.env']);
    const two = runCli(['dir', '.', '--format', 'json', '--no-config', '--exclude', 'node_modules', '--exclude=-x.env'], { cwd: d.path });
    expect(files(two.stdout)).toEqual(['./prod.env']);
  });

  it('a flag without its value is a usage error, not "everything"', () => {
    for (const args of [['dir', '--include'], ['dir', '.', '--exclude'], ['dir', '--output'], ['staged', '--repo', ''], ['history', '--config']]) {
      const r = runCli(args, { cwd: d.path });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^notion-guard: error: .*(needs a value|needs a file name|Not enough arguments)/);
    }
  });

  it('an unknown option gets a "did you mean"', () => {
    const r = runCli(['dir', '--fromat', 'json'], { cwd: d.path });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/did you mean --format\?/);
    const hook = runCli(['staged', '--qiuet'], { cwd: d.path });
    expect(hook.code).toBe(2);
    expect(hook.stderr).toMatch(/did you mean --quiet\?/);
  });
});

describe('allowlist patterns run under one watchdog', () => {
  let d: { path: string; cleanup: () => void };
  beforeAll(() => {
    d = tempDir();
  });
  afterAll(() => d.cleanup());

  it('a backtracking glob against a hostile file name fails fast (exit 2), naming the pattern', () => {
    const w = join(d.path, 'glob');
    mkdirSync(w);
    writeFileSync(join(w, `${'a'.repeat(60)}b`), `T=${f.ntn()}\n`);
    writeFileSync(join(w, '.notion-guard.toml'), '[allowlist]\npaths = ["+(a|aa)"]\n');
    const started = Date.now();
    const r = runCli(['dir', '.'], { cwd: w, timeout: 30_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/allowlist\.paths\[0\].*took over/);
  });

  it('the budget is for the run: a regex slow on every finding cannot add up to minutes', () => {
    const w = join(d.path, 'total');
    mkdirSync(w);
    const lines = Array.from({ length: 400 }, () => `T=${f.ntn()} ${'a'.repeat(20)}!`);
    writeFileSync(join(w, 'many.env'), `${lines.join('\n')}\n`);
    writeFileSync(join(w, '.notion-guard.toml'), '[allowlist]\nregexes = ["(a|a)*$x"]\n');
    const started = Date.now();
    const r = runCli(['dir', '.'], { cwd: w, timeout: 60_000 });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/allowlist\.regexes\[0\].*took over/);
  });

  it('an over-long pattern is refused as too long, not run', () => {
    const w = join(d.path, 'long');
    mkdirSync(w);
    writeFileSync(join(w, '.notion-guard.toml'), `[allowlist]\nregexes = ["${'a'.repeat(600_000)}"]\n`);
    const r = runCli(['dir', '.'], { cwd: w });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/allowlist\.regexes\[0\].*too long/);
    expect(r.stderr).not.toMatch(/catastrophic/);
  });
});
