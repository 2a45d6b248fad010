/**
 * Differential properties over random real repositories (issue: fail closed in git, "an oracle").
 * Random adds, edits, renames, deletions, typechanges, attribute and config changes, with tokens
 * planted at random; the expected tokens are computed without the product's git plumbing:
 *  - staged: the tokens on added lines of `git show :path` against `git show HEAD:path` (git's own
 *    `diff --no-index --text` on the two versions as plain files, outside any repository);
 *  - history: the planted tokens present in any object of `git cat-file --batch-all-objects`.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';
import { TestRepo } from '../helpers/git-repo.js';
import { TokenFactory } from '../helpers/tokens.js';

type Op =
  | { kind: 'add'; file: number; lines: number; token: boolean }
  | { kind: 'edit'; file: number; at: number; del: number; ins: number; token: boolean }
  | { kind: 'rename'; file: number; to: number }
  | { kind: 'delete'; file: number }
  | { kind: 'symlink'; file: number; token: boolean }
  | { kind: 'attrs'; which: number }
  | { kind: 'config'; which: number };

const NAMES = ['a.txt', 'b.env', 'c.cfg', 'd/e.json', 'f g.md', 'h.txt', 'i.cfg', 'deep/er/j.env'];
const ATTRS = ['', '* -diff\n', '*.env binary\n', '*.cfg diff=opaque\n', '* text=auto\n'];
const CONFIGS: [string, string][] = [['diff.relative', 'true'], ['core.bigFileThreshold', '64'], ['diff.opaque.binary', 'true'], ['diff.noprefix', 'true'], ['log.showRoot', 'false']];

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), file: fc.nat(NAMES.length - 1), lines: fc.integer({ min: 1, max: 6 }), token: fc.boolean() }),
  fc.record({ kind: fc.constant('edit' as const), file: fc.nat(NAMES.length - 1), at: fc.nat(8), del: fc.nat(2), ins: fc.nat(3), token: fc.boolean() }),
  fc.record({ kind: fc.constant('rename' as const), file: fc.nat(NAMES.length - 1), to: fc.nat(NAMES.length - 1) }),
  fc.record({ kind: fc.constant('delete' as const), file: fc.nat(NAMES.length - 1) }),
  fc.record({ kind: fc.constant('symlink' as const), file: fc.nat(NAMES.length - 1), token: fc.boolean() }),
  fc.record({ kind: fc.constant('attrs' as const), which: fc.nat(ATTRS.length - 1) }),
  fc.record({ kind: fc.constant('config' as const), which: fc.nat(CONFIGS.length - 1) }),
);

/** A working tree model: files are arrays of unique lines (so the added lines are unambiguous). */
class World {
  files = new Map<string, string[] | { link: string }>();
  planted: string[] = [];
  private n = 0;
  constructor(readonly r: TestRepo, readonly tokens: TokenFactory) {}
  line(token: boolean): string {
    this.n++;
    if (!token) return `line ${this.n} of ${Math.floor(this.tokens.random() * 1e9)}`;
    const t = this.tokens.random() < 0.5 ? this.tokens.ntn() : this.tokens.legacy();
    this.planted.push(t);
    return `KEY_${this.n}=${t}`;
  }
  apply(o: Op): void {
    const name = 'file' in o ? NAMES[o.file % NAMES.length]! : '';
    const cur = this.files.get(name);
    switch (o.kind) {
      case 'add':
        if (cur) return;
        this.files.set(name, Array.from({ length: o.lines }, (_, i) => this.line(o.token && i === o.lines - 1)));
        break;
      case 'edit': {
        if (!cur || !Array.isArray(cur)) return;
        const at = Math.min(o.at, cur.length);
        cur.splice(at, o.del, ...Array.from({ length: o.ins }, (_, i) => this.line(o.token && i === 0)));
        if (cur.length === 0) cur.push(this.line(false));
        break;
      }
      case 'rename': {
        const to = NAMES[o.to % NAMES.length]!;
        if (!cur || this.files.has(to)) return;
        this.files.delete(name);
        this.files.set(to, cur);
        break;
      }
      case 'delete':
        this.files.delete(name);
        break;
      case 'symlink':
        if (cur && !Array.isArray(cur)) this.files.set(name, [this.line(o.token)]); // link → file
        else this.files.set(name, { link: o.token ? this.line(true).split('=')[1]! : `target-${this.n++}` });
        break;
      case 'attrs':
        writeFileSync(join(this.r.path, '.gitattributes'), ATTRS[o.which]!);
        break;
      case 'config':
        this.r.git('config', ...CONFIGS[o.which]!);
        break;
    }
  }
  /** Write the model to disk, replacing what is there. */
  flush(): void {
    for (const name of NAMES) rmSync(join(this.r.path, name), { force: true });
    for (const [name, c] of this.files) {
      const p = join(this.r.path, name);
      mkdirSync(dirname(p), { recursive: true });
      if (Array.isArray(c)) writeFileSync(p, `${c.join('\n')}\n`);
      else symlinkSync(c.link, p);
    }
    execFileSync('git', ['-c', 'core.fsmonitor=false', 'add', '-A'], { cwd: this.r.path });
  }
}

const TOKEN = new RegExp(`(?:${['nt', 'n_'].join('')}|${['sec', 'ret_'].join('')})[A-Za-z0-9]{43,46}`, 'g');

/** Tokens on added lines of `next` against `prev`, by git's own diff of two plain files. */
function addedTokens(tmp: string, prev: Buffer | undefined, next: Buffer): string[] {
  const a = join(tmp, 'old');
  const b = join(tmp, 'new');
  writeFileSync(a, prev ?? '');
  writeFileSync(b, next);
  const d = spawnSync('git', ['-c', 'core.attributesFile=/dev/null', 'diff', '--no-index', '--text', '--no-ext-diff', '--no-textconv', '-U0', '--', a, b], { cwd: tmp, encoding: 'latin1' });
  return d.stdout
    .split('\n')
    .filter((l) => l.startsWith('+') && !l.startsWith('+++'))
    .flatMap((l) => l.match(TOKEN) ?? []);
}

function show(r: TestRepo, spec: string): Buffer | undefined {
  const res = spawnSync('git', ['cat-file', 'blob', spec], { cwd: r.path });
  return res.status === 0 ? res.stdout : undefined;
}

function setup(seed: number, ops: Op[]): { r: TestRepo; w: World } {
  const r = new TestRepo();
  const w = new World(r, new TokenFactory(seed));
  // A first commit holding an old version with a NUL byte, so git would call it binary.
  r.write('nul.cfg', 'head\0er\nline\n');
  w.apply({ kind: 'add', file: 0, lines: 3, token: true });
  w.flush();
  r.git('add', '-A');
  r.git('commit', '-q', '-m', 'init');
  r.write('nul.cfg', 'line\nheader\n');
  for (const o of ops) w.apply(o);
  w.flush();
  return { r, w };
}

describe('oracle: staged reports exactly the tokens on added lines', () => {
  it('over random repositories', () => {
    const tmp = tempDir('ng-oracle-');
    try {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 1e6 }), fc.array(op, { minLength: 1, maxLength: 12 }), (seed, ops) => {
          const { r } = setup(seed, ops);
          try {
            const res = runCli(['staged', '--format', 'json', '--show-secrets', '--no-config'], { cwd: r.path });
            const got = res.stdout ? (JSON.parse(res.stdout) as { findings: { file: string; secret: string }[] }).findings.map((x) => `${x.file}\t${x.secret}`).sort() : [];
            const headTokens = new Set((spawnSync('git', ['grep', '-h', '-a', '-o', '-E', '(nt[n]_|sec[r]et_)[A-Za-z0-9]{43,46}', 'HEAD'], { cwd: r.path, encoding: 'latin1' }).stdout.match(TOKEN) ?? []));
            const staged = execFileSync('git', ['ls-files', '-s', '-z'], { cwd: r.path, encoding: 'latin1' }).split('\0').filter(Boolean);
            const exact: string[] = [];
            const mayBeMoved: string[] = [];
            for (const e of staged) {
              const [, mode, path] = /^(\d+) [0-9a-f]+ \d\t(.*)$/s.exec(e)!;
              if (mode === '160000') continue;
              const next = show(r, `:${path}`)!;
              const prev = show(r, `HEAD:${path}`);
              for (const t of addedTokens(tmp.path, prev, next)) {
                // A path new to HEAD may be a rename: a token it carries from HEAD may go unreported.
                if (prev === undefined && headTokens.has(t)) mayBeMoved.push(`${path}\t${t}`);
                else exact.push(`${path}\t${t}`);
              }
            }
            expect(res.code).toBe(got.length > 0 ? 1 : 0);
            for (const x of exact) expect(got).toContain(x);
            for (const x of got) expect([...exact, ...mayBeMoved]).toContain(x);
          } finally {
            r.cleanup();
          }
        }),
        { numRuns: 25, seed: 1212 },
      );
    } finally {
      tmp.cleanup();
    }
  }, 240_000);
});

describe('oracle: history reports exactly the tokens in reachable objects', () => {
  it('over random repositories with branches, messages and tags', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.array(fc.array(op, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }), fc.boolean(), (seed, commits, branch) => {
        const { r, w } = setup(seed, []);
        try {
          r.git('commit', '-q', '--allow-empty', '-m', 'second');
          commits.forEach((ops, i) => {
            if (branch && i === 1) r.git('checkout', '-q', '-b', 'side');
            for (const o of ops) w.apply(o);
            w.flush();
            const msg = w.tokens.random() < 0.3 ? `change ${i}\n\n${w.line(true)}` : `change ${i}`;
            r.git('commit', '-q', '--allow-empty', '-m', msg);
            if (w.tokens.random() < 0.2) r.git('tag', '-a', `v${i}`, '-m', `release ${i}\n\n${w.line(true)}`);
          });
          if (branch) r.git('checkout', '-q', 'main');
          const res = runCli(['history', '--format', 'json', '--show-secrets', '--no-config'], { cwd: r.path });
          const got = [...new Set(res.stdout ? (JSON.parse(res.stdout) as { findings: { secret: string }[] }).findings.map((x) => x.secret) : [])].sort();
          const all = execFileSync('git', ['cat-file', '--batch-all-objects', '--batch'], { cwd: r.path, encoding: 'latin1', maxBuffer: 1 << 28 });
          const expected = w.planted.filter((t) => all.includes(t)).sort();
          expect(got).toEqual([...new Set(expected)].sort());
          expect(res.code).toBe(expected.length > 0 ? 1 : 0);
        } finally {
          r.cleanup();
        }
      }),
      { numRuns: 20, seed: 1213 },
    );
  }, 240_000);
});
