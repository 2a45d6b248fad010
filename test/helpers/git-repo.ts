/** Real git repositories in temp folders, each with its own identity (CI has no global one). */
import { afterEach } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from './cli.js';

export class TestRepo {
  readonly path: string;
  readonly cleanup: () => void;

  constructor(opts: { bare?: boolean } = {}) {
    const d = tempDir('ng-repo-');
    this.path = d.path;
    this.cleanup = d.cleanup;
    this.git('init', '-q', ...(opts.bare ? ['--bare'] : []), '-b', 'main');
    this.git('config', 'user.name', 'Test Person');
    this.git('config', 'user.email', 'test@example.com');
    this.git('config', 'commit.gpgsign', 'false');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.path, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
  }

  write(file: string, content: string | Buffer): this {
    const full = join(this.path, file);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    return this;
  }

  commit(message: string, files: Record<string, string | Buffer> = {}): string {
    for (const [f, c] of Object.entries(files)) this.write(f, c);
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }

  /** A snapshot of everything a scan must leave untouched. */
  state(): string {
    return [
      this.git('ls-files', '-s'),
      this.git('status', '--porcelain=v1', '-z'),
      this.git('for-each-ref'),
      this.git('config', '--local', '--list'),
    ].join('\n--\n');
  }
}

/** A factory of test repositories, each removed after its test. */
export function tempRepos(): (opts?: { bare?: boolean }) => TestRepo {
  const repos: TestRepo[] = [];
  afterEach(() => {
    while (repos.length) repos.pop()!.cleanup();
  });
  return (opts) => {
    const r = new TestRepo(opts);
    repos.push(r);
    return r;
  };
}
