/**
 * Scanning blobs through one `git cat-file --batch --buffer`: requests are written ahead, answers
 * parsed push-style as they stream in (no promise per blob: that halved the cost of reading), each
 * blob fed piece by piece to an ItemScanner, so a huge blob never sits in memory whole.
 */
import type { Detector } from '../engine/detect.js';
import { NotionGuardError } from '../errors.js';
import { ItemScanner } from '../scan.js';
import type { Finding, ScanStats, SourceItem } from '../types.js';
import { GIT_MISSING, gitError, gitMissing, spawnGit } from './exec.js';
import type { Repo } from './repo.js';

/** What a requested blob is, for reporting: path and, for staged scans, which lines count. */
export type BlobMeta = Pick<SourceItem, 'path' | 'lineFilter'>;

export class BlobScanner {
  readonly done: Promise<Finding[]>;
  private readonly cat;
  private readonly metas: BlobMeta[] = [];
  private head = 0;
  private failed = false;
  private catErr = '';
  private resolveDone!: (f: Finding[]) => void;
  private rejectDone!: (e: unknown) => void;

  constructor(
    repo: Repo,
    private readonly detector: Detector,
    private readonly stats: ScanStats,
    private readonly onBlob?: () => void,
  ) {
    this.done = new Promise((res, rej) => {
      this.resolveDone = res;
      this.rejectDone = rej;
    });
    this.done.catch(() => undefined);
    this.cat = spawnGit(['cat-file', '--batch', '--buffer'], repo.cwd);
    this.cat.on('error', (e) => this.fail(new NotionGuardError('git', gitMissing(e) ? GIT_MISSING : `cannot run git: ${e.message}`)));
    this.cat.stderr.on('data', (d: Buffer) => {
      if (this.catErr.length < 4096) this.catErr += d.toString('utf8');
    });
    this.cat.stdin.on('error', () => undefined);
    this.parse();
  }

  /** Queue blobs; false when git's input is full (wait for `drain()` before writing more). */
  request(blobs: [sha: string, meta: BlobMeta][]): boolean {
    if (blobs.length === 0) return true;
    let out = '';
    for (const [sha, meta] of blobs) {
      this.metas.push(meta);
      out += `${sha}\n`;
    }
    return this.cat.stdin.write(out);
  }

  drain(cb: () => void): void {
    this.cat.stdin.once('drain', cb);
  }

  /** No more requests: `done` resolves once every answer is scanned. */
  end(): void {
    this.cat.stdin.end();
  }

  fail(e: NotionGuardError): void {
    if (this.failed) return;
    this.failed = true;
    this.cat.kill();
    this.rejectDone(e);
  }

  private parse(): void {
    const findings: Finding[] = [];
    let header = '';
    let left = -1; // content bytes still to come; -1 while reading a header
    let needLf = false;
    let current: ItemScanner | undefined;
    const finish = (): void => {
      const r = current!.end();
      this.stats.bytes += r.bytes;
      if (r.binary) this.stats.skippedBinary = (this.stats.skippedBinary ?? 0) + 1;
      else this.stats.files++;
      findings.push(...r.findings);
      current = undefined;
      left = -1;
      needLf = true;
      this.onBlob?.();
    };
    this.cat.stdout.on('data', (chunk: Buffer) => {
      let i = 0;
      while (i < chunk.length && !this.failed) {
        if (needLf) {
          needLf = false;
          i++;
          continue;
        }
        if (left < 0) {
          const nl = chunk.indexOf(10, i);
          header += chunk.toString('latin1', i, nl === -1 ? chunk.length : nl);
          if (nl === -1) return;
          i = nl + 1;
          const m = /^([0-9a-f]{40,64}) (\S+) (\d+)$/.exec(header);
          if (!m) {
            this.fail(new NotionGuardError('git', / missing$/.test(header) ? `cannot read object ${header.split(' ')[0]} (missing or corrupt)` : 'git cat-file gave an unexpected answer'));
            return;
          }
          header = '';
          const meta = this.metas[this.head++] ?? { path: m[1]! };
          if (this.head > 4096) {
            this.metas.splice(0, this.head);
            this.head = 0;
          }
          current = new ItemScanner({ ...meta, blob: m[1]! }, this.detector);
          left = Number(m[3]);
          if (left === 0) finish();
          continue;
        }
        const n = Math.min(left, chunk.length - i);
        current!.push(chunk.subarray(i, i + n));
        left -= n;
        i += n;
        if (left === 0) finish();
      }
    });
    this.cat.on('close', (code) => {
      if (this.failed) return;
      if (code !== 0) return this.fail(gitError(['cat-file'], this.catErr, `exit ${code}`));
      if (left >= 0 || this.head < this.metas.length) {
        return this.fail(new NotionGuardError('git', `git cat-file stopped early${this.catErr ? `: ${this.catErr.split('\n')[0]}` : ''}`));
      }
      this.resolveDone(findings);
    });
  }
}
