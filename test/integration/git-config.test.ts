/**
 * The scanned repository's own config must not run a command or change what notion-guard parses
 * (issue: fail closed in git, item 11). Each key overridden in src/git/exec.ts has a case here; each
 * case first checks that plain git really is affected, so the test can fail.
 */
import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempRepos, type TestRepo } from '../helpers/git-repo.js';
import { TokenFactory } from '../helpers/tokens.js';

const f = new TokenFactory(1214);
const repo = tempRepos();

/** A script that leaves a marker file when run: the repository's "command". */
function trap(r: TestRepo, name: string): { script: string; ran: () => boolean; reset: () => void } {
  const marker = join(r.path, `.git/${name}.ran`);
  const script = join(r.path, `.git/${name}.sh`);
  writeFileSync(script, `#!/bin/sh\ntouch "${marker}"\ncat >/dev/null 2>&1 || true\nexit 1\n`);
  chmodSync(script, 0o755);
  return { script, ran: () => existsSync(marker), reset: () => rmSync(marker, { force: true }) };
}

type F = { file: string; line: number; secret: string; commit?: { sha: string; message: string } };
const json = (res: { stdout: string }) => (res.stdout ? (JSON.parse(res.stdout) as { findings: F[] }).findings : []);

describe('repository config cannot run commands during a scan', () => {
  it('core.fsmonitor (staged)', () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'a\n' });
    const t = trap(r, 'fsmonitor');
    r.git('config', 'core.fsmonitor', t.script);
    r.git('status', '--porcelain');
    expect(t.ran()).toBe(true); // git itself runs it
    t.reset();
    const tok = f.ntn();
    r.write('a.txt', `a\nT=${tok}\n`);
    execFileSync('git', ['-c', 'core.fsmonitor=false', 'add', 'a.txt'], { cwd: r.path });
    t.reset();
    const s = runCli(['staged', '--format', 'json', '--show-secrets'], { cwd: r.path });
    expect(s.code).toBe(1);
    expect(json(s).map((x) => x.secret)).toEqual([tok]);
    expect(t.ran()).toBe(false);
  });

  it('gpg.program with log.showSignature (history)', () => {
    const r = repo();
    const tok = f.ntn();
    r.commit('init', { 'cfg.env': `T=${tok}\n` });
    // A commit carrying a signature header, so that showing it asks gpg.program to verify it.
    const raw = r.git('cat-file', 'commit', 'HEAD');
    const signed = raw.replace(/\ncommitter ([^\n]*)\n/, '\ncommitter $1\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n AAAA\n -----END PGP SIGNATURE-----\n');
    const sha = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], { cwd: r.path, input: signed, encoding: 'utf8' }).trim();
    r.git('update-ref', 'refs/heads/main', sha);
    const t = trap(r, 'gpg');
    r.git('config', 'gpg.program', t.script);
    r.git('config', 'log.showSignature', 'true');
    r.git('log', '-1');
    expect(t.ran()).toBe(true);
    t.reset();
    const h = runCli(['history', '--format', 'json', '--show-secrets'], { cwd: r.path });
    expect(h.code).toBe(1);
    expect(json(h)).toEqual([expect.objectContaining({ secret: tok, commit: expect.objectContaining({ sha }) })]);
    expect(t.ran()).toBe(false);
  });

  it('diff.external, a textconv driver and core.pager (staged and history)', () => {
    const r = repo();
    r.commit('init', { '.gitattributes': '*.env diff=conv\n', 'a.env': 'A=1\n' });
    const t = trap(r, 'ext');
    r.git('config', 'diff.external', t.script);
    r.git('config', 'diff.conv.textconv', t.script);
    r.git('config', 'core.pager', t.script);
    execFileSync('git', ['diff', 'HEAD~0', '--', 'a.env'], { cwd: r.path, stdio: 'ignore' });
    const tok = f.ntn();
    r.write('a.env', `A=1\nT=${tok}\n`).git('add', '-A');
    try {
      execFileSync('git', ['diff', '--cached'], { cwd: r.path, stdio: 'ignore' });
    } catch {
      /* the trap exits 1 */
    }
    expect(t.ran()).toBe(true);
    t.reset();
    expect(json(runCli(['staged', '--format', 'json', '--show-secrets'], { cwd: r.path })).map((x) => x.secret)).toEqual([tok]);
    r.git('commit', '-q', '-m', 'leak');
    expect(json(runCli(['history', '--format', 'json', '--show-secrets'], { cwd: r.path })).map((x) => x.secret)).toEqual([tok]);
    expect(t.ran()).toBe(false);
  });
});

describe('repository config cannot change what is parsed', () => {
  it('colour, decorations, prefixes, quoted paths and a foreign log encoding', () => {
    const r = repo();
    for (const [k, v] of [
      ['color.ui', 'always'],
      ['color.diff', 'always'],
      ['log.decorate', 'full'],
      ['log.abbrevCommit', 'true'],
      ['diff.noprefix', 'true'],
      ['diff.mnemonicPrefix', 'true'],
      ['core.quotePath', 'true'],
      ['diff.renames', 'copies'],
      ['log.follow', 'true'],
      ['i18n.logOutputEncoding', 'ISO-8859-1'],
    ]) r.git('config', k!, v!);
    const tok = f.ntn();
    const name = 'dossier été/clé "prod".env';
    r.commit('init', { 'a.txt': 'a\n' });
    const sha = r.commit('Ajouté la clé', { [name]: `T=${tok}\n` });
    const h = runCli(['history', '--format', 'json', '--show-secrets'], { cwd: r.path });
    expect(h.code).toBe(1);
    expect(json(h)).toEqual([expect.objectContaining({ file: name, line: 1, secret: tok, commit: expect.objectContaining({ sha, message: 'Ajouté la clé' }) })]);
    const tok2 = f.ntn();
    r.write(name, `T=${tok}\nU=${tok2}\n`).git('add', '-A');
    const s = runCli(['staged', '--format', 'json', '--show-secrets'], { cwd: r.path });
    expect(json(s).map((x) => [x.file, x.line, x.secret])).toEqual([[name, 2, tok2]]);
  });
});
