/** The block message names the real files in commands that work when pasted, and counts tokens, not places. */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';
import { TestRepo } from '../helpers/git-repo.js';
import { TokenFactory } from '../helpers/tokens.js';
import { shellWord } from '../../src/remediation.js';

const f = new TokenFactory(91);

describe('block message', () => {
  it('one token in two paths is one token; commands carry the real paths', () => {
    const r = new TestRepo();
    try {
      const t = f.ntn();
      r.write('README.md', 'hi\n').git('add', '-A');
      r.git('commit', '-qm', 'init');
      r.write('.env', `NOTION_TOKEN=${t}\n`).write('src/app.ts', `const k = "${t}";\n`).write('my notes.md', `token ${f.ntn()}\n`);
      r.git('add', '-A');
      const out = runCli(['staged', '--no-color'], { cwd: r.path });
      expect(out.code).toBe(1);
      expect(out.stdout).toMatch(/^notion-guard: found 2 Notion tokens in 3 places in 3 files \(3 files scanned\)/);
      expect(out.stdout).toContain("git add 'my notes.md' src/app.ts .gitignore");
      expect(out.stdout).toContain("git restore --staged .env 'my notes.md' src/app.ts");
      expect(out.stdout).toContain(".env: keep your local copy, but take it out of git: git rm --cached .env && printf '%s\\n' /.env >> .gitignore");
      expect(out.stdout).not.toContain('<file>');
      // The printed commands work as written: the env file leaves git but stays on disk, the
      // edited files are staged, and the commit then passes.
      const untrack = /^ {7}\.env: keep your local copy, but take it out of git: (.*)$/m.exec(out.stdout)![1]!;
      execFileSync('sh', ['-c', untrack], { cwd: r.path });
      r.write('src/app.ts', 'const k = process.env.NOTION_TOKEN;\n').write('my notes.md', 'token ntn_your_token_here\n');
      execFileSync('sh', ['-c', /Then stage the fix: (git add .*)$/m.exec(out.stdout)![1]!], { cwd: r.path });
      expect(runCli(['staged'], { cwd: r.path }).code).toBe(0);
      expect(r.git('diff', '--cached', '--name-only').trim().split('\n').sort()).toEqual(['.gitignore', 'my notes.md', 'src/app.ts']);
      expect(readFileSync(join(r.path, '.env'), 'utf8')).toBe(`NOTION_TOKEN=${t}\n`);
      // The other way out, unstaging, also works as printed.
      r.git('add', '-f', '.env');
      execFileSync('sh', ['-c', /or unstage everything named above: (git .*)$/m.exec(out.stdout)![1]!], { cwd: r.path });
      expect(r.git('diff', '--cached', '--name-only').trim()).toBe('.gitignore');
    } finally {
      r.cleanup();
    }
  });

  it('before the first commit, the unstage command is one that works without HEAD', () => {
    const r = new TestRepo();
    try {
      r.write('.env', `NOTION_TOKEN=${f.ntn()}\n`).git('add', '-A');
      const out = runCli(['staged', '--no-color'], { cwd: r.path });
      expect(out.code).toBe(1);
      const cmd = /or unstage everything named above: (git .*)$/m.exec(out.stdout)![1]!;
      expect(cmd).toBe('git rm --cached .env');
      execFileSync('sh', ['-c', cmd], { cwd: r.path, stdio: 'ignore' });
      expect(r.git('diff', '--cached', '--name-only').trim()).toBe('');
      expect(runCli(['staged'], { cwd: r.path }).code).toBe(0);
    } finally {
      r.cleanup();
    }
  });

  it('names that are odd, option-like or hold control characters are quoted and inert', () => {
    expect(shellWord('-rf')).toBe('./-rf');
    expect(shellWord("it's.env")).toBe("'it'\\''s.env'");
    const r = new TestRepo();
    try {
      r.write('x\u001b]0;t\u0007.js', `k = "${f.ntn()}"\n`).git('add', '-A');
      const out = runCli(['staged', '--no-color'], { cwd: r.path });
      expect(out.code).toBe(1);
      expect(out.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
      expect(out.stdout).not.toContain('Keep .env files');
    } finally {
      r.cleanup();
    }
  });
});

describe('rotation advice per kind of token, from the rule data', () => {
  it('a refresh token is revoked through the OAuth revoke endpoint, not refreshed', () => {
    const d = tempDir();
    writeFileSync(join(d.path, 'oauth.json'), `{"refresh_token": "${['nr', 't_'].join('')}${f.ntn().slice(4)}"}\n`);
    const out = runCli(['dir', '.', '--no-color'], { cwd: d.path });
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('POST https://api.notion.com/v1/oauth/revoke');
    expect(out.stdout).not.toContain('refresh its token');
  });

  it('each kind found gets its own steps, once', () => {
    const d = tempDir();
    writeFileSync(join(d.path, 'a.py'), `A = "${f.ntn()}"\nB = "${f.ntn()}"\nC = "${f.legacy()}"\n`);
    const out = runCli(['dir', '.', '--no-color'], { cwd: d.path }).stdout;
    expect(out.match(/An internal connection's token/g)).toHaveLength(1);
    expect(out.match(/A legacy integration secret/g)).toHaveLength(1);
    expect(out).toContain('https://www.notion.so/developers/tokens');
  });

  it('a rule file whose rotate text holds control characters is refused', () => {
    const d = tempDir();
    writeFileSync(join(d.path, 'r.toml'), 'version = 1\n[[rules]]\nid = "x"\nprefix = "xyz_"\nbody_length = 20\ncharset = "A-Za-z0-9"\nrotate = ["\\u001b]0;t\\u0007"]\n');
    const out = runCli(['dir', '.', '--rules', 'r.toml'], { cwd: d.path });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/rules\[0\]\.rotate/);
  });
});

describe('a staged token that is already in history', () => {
  it('says which commit holds it, whether it is pushed, and the steps that fit', () => {
    const r = new TestRepo();
    const remote = new TestRepo({ bare: true });
    try {
      const t = f.ntn();
      r.write('app.env', `NOTION_TOKEN=${t}\n`).git('add', '-A');
      r.git('commit', '-qm', 'leak', '--no-verify');
      const sha = r.git('rev-parse', '--short', 'HEAD').trim();
      // The line is edited (an `export` added), so the token is on an added line again.
      r.write('app.env', `export NOTION_TOKEN=${t}\n`).write('new.env', `OTHER=${f.ntn()}\n`).git('add', '-A');
      const local = runCli(['staged', '--no-color'], { cwd: r.path });
      expect(local.code).toBe(1);
      expect(local.stdout).toContain(`ALREADY COMMITTED: this token is in commit ${sha} (not pushed yet)`);
      expect(local.stdout).toContain(`git commit --amend (${sha} is your last commit)`);
      expect(local.stdout).toContain('The other token is not committed yet.');
      expect(local.stdout).toContain("new.env: keep your local copy, but take it out of git: git rm --cached new.env && printf '%s\\n' /new.env >> .gitignore");
      expect(local.stdout).not.toMatch(/This token is not committed yet/);

      r.write('README.md', 'x\n').git('add', 'README.md');
      r.git('commit', '-qm', 'docs', '--no-verify', '--', 'README.md');
      const deeper = runCli(['staged', '--no-color'], { cwd: r.path });
      expect(deeper.stdout).toContain(`git commit --fixup=${sha}`);

      r.git('remote', 'add', 'origin', remote.path);
      r.git('push', '-q', 'origin', 'HEAD:main');
      r.git('fetch', '-q', 'origin');
      const pushed = runCli(['staged', '--no-color'], { cwd: r.path });
      expect(pushed.code).toBe(1);
      expect(pushed.stdout).toContain(`ALREADY PUSHED: this token is in commit ${sha}, which is on origin/main.`);
      expect(pushed.stdout).toMatch(/1\. Rotate it now/);
      expect(pushed.stdout).toMatch(/purge it from history: git filter-repo/);
      expect(pushed.stdout + pushed.stderr).not.toContain(t);
    } finally {
      r.cleanup();
      remote.cleanup();
    }
  });
});

describe('a renamed file whose token is already in history', () => {
  it('is looked up under the name it had in HEAD, and said to be committed', () => {
    const r = new TestRepo();
    try {
      const t = f.ntn();
      const rest = Array.from({ length: 30 }, (_, i) => `SETTING_${i}=value-${i}\n`).join('');
      r.write('a.env', `NOTION_TOKEN=${t}\n${rest}`).git('add', '-A');
      r.git('commit', '-qm', 'leak', '--no-verify');
      const sha = r.git('rev-parse', '--short', 'HEAD').trim();
      r.git('mv', 'a.env', 'b.env');
      r.write('b.env', `export NOTION_TOKEN=${t}\n${rest}`).git('add', '-A');
      expect(r.git('diff', '--cached', '--name-status', '-M').trim()).toMatch(/^R\d*\s+a\.env\s+b\.env$/);
      const out = runCli(['staged', '--no-color'], { cwd: r.path });
      expect(out.code).toBe(1);
      expect(out.stdout).toContain(`ALREADY COMMITTED: this token is in commit ${sha} (not pushed yet)`);
      expect(out.stdout).not.toMatch(/not committed yet/);
    } finally {
      r.cleanup();
    }
  });
});

describe('the history rewrite printed for an older unpushed commit works as printed', () => {
  /** Follow the printed steps in sh, in their order, with the printed step 2 where it says. */
  function follow(r: TestRepo, out: string): void {
    const section = out.slice(out.indexOf('  3. Fold the fix into'));
    const untrack = /^ {7}app\.env: keep your local copy, but take it out of git: (.*)$/m.exec(out)![1]!;
    for (const m of section.matchAll(/^ {7}(.*?)(?:\s+#.*)?$/gm)) {
      const line = m[1]!.trim();
      const cmd = line.startsWith('(step 2, then stage only the fix: ') ? `${untrack} && ${line.slice('(step 2, then stage only the fix: '.length, -1)}` : line;
      execFileSync('sh', ['-c', cmd], { cwd: r.path, stdio: 'pipe' });
      if (line.startsWith('mv ../')) break;
    }
  }

  it.each([false, true])('an env file in an older commit (root commit: %s): values kept aside, a fixup folded in, no token left in history', (root) => {
    const r = new TestRepo();
    try {
      const t = f.ntn();
      if (!root) r.commit('base', { 'README.md': 'x\n' });
      r.write('app.env', `NOTION_TOKEN=${t}\n`).git('add', '-A');
      r.git('commit', '-qm', 'leak', '--no-verify');
      const sha = r.git('rev-parse', '--short', 'HEAD').trim();
      r.commit('later', { 'b.txt': 'y\n' });
      r.write('app.env', `export NOTION_TOKEN=${t}\n`).git('add', 'app.env');
      const out = runCli(['staged', '--no-color'], { cwd: r.path }).stdout;
      expect(out).toContain(root ? 'GIT_SEQUENCE_EDITOR=: git rebase -i --autosquash --root' : `GIT_SEQUENCE_EDITOR=: git rebase -i --autosquash ${sha}~1`);
      follow(r, out);
      expect(r.git('log', '--all', '-p').includes(t)).toBe(false);
      expect(r.git('ls-files').split('\n')).not.toContain('app.env');
      expect(readFileSync(join(r.path, 'app.env'), 'utf8')).toBe(`export NOTION_TOKEN=${t}\n`);
      expect(r.git('status', '--porcelain').trim()).toBe('');
    } finally {
      r.cleanup();
    }
  });
});

describe('the false-positive path printed in the block message works as printed', () => {
  it('notion-guard baseline FILE adds to the root baseline, which staged, dir and history read by default', () => {
    const r = new TestRepo();
    try {
      const fp = f.ntn();
      r.write('docs/sample.md', `token: ${fp}\n`).git('add', '-A');
      const blocked = runCli(['staged', '--no-color'], { cwd: r.path });
      expect(blocked.code).toBe(1);
      const printed = /^ {2}(notion-guard baseline .*) \(adds to/m.exec(blocked.stdout)![1]!;
      expect(printed).toBe('notion-guard baseline docs/sample.md');
      const rec = runCli(printed.split(' ').slice(1), { cwd: r.path });
      expect(rec.code, rec.stderr).toBe(0);
      expect(rec.stderr).toMatch(/1 new entry, 1 in all/);
      const again = runCli(['staged', '--no-color'], { cwd: r.path });
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/1 hidden by the baseline/);
      // From a subfolder, and over history, the same entry holds.
      expect(runCli(['dir', '.'], { cwd: join(r.path, 'docs') }).code).toBe(0);
      r.git('commit', '-qm', 'docs', '--no-verify');
      expect(runCli(['history'], { cwd: r.path }).code).toBe(0);
      // A second acceptance adds; it does not replace the first.
      r.write('b.md', `other ${f.ntn()}\n`);
      expect(runCli(['baseline', 'b.md'], { cwd: r.path }).stderr).toMatch(/1 new entry, 2 in all/);
      expect(runCli(['dir', '.'], { cwd: r.path }).code).toBe(0);
      // --no-config (untrusted pull requests) ignores the repository's baseline too.
      expect(runCli(['dir', '.', '--no-config'], { cwd: r.path }).code).toBe(1);
      expect(runCli(['baseline', 'b.md', '--replace'], { cwd: r.path }).stderr).toMatch(/1 in all/);
      expect(runCli(['dir', '.'], { cwd: r.path }).code).toBe(1);
    } finally {
      r.cleanup();
    }
  });
});

describe('already-committed check from a subfolder and with odd names', () => {
  it.each(['app.env', ':(exclude)odd.env'])('finds the commit of %s when the hook runs in a subfolder', (name) => {
    const r = new TestRepo();
    try {
      const t = f.ntn();
      r.write('sub/keep.txt', 'x\n').git('add', '-A');
      r.git('commit', '-qm', 'first', '--no-verify');
      r.write(name, `T=${t}\n`).git('add', '-A');
      r.git('commit', '-qm', 'leak', '--no-verify');
      const sha = r.git('rev-parse', '--short', 'HEAD').trim();
      r.write(name, `export T=${t}\n`).git('add', '-A');
      const out = runCli(['staged', '--no-color'], { cwd: join(r.path, 'sub') });
      expect(out.code).toBe(1);
      expect(out.stdout).toContain(`ALREADY COMMITTED: this token is in commit ${sha}`);
    } finally {
      r.cleanup();
    }
  });
});
