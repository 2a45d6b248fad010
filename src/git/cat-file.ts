/**
 * One long-lived `git cat-file --batch --buffer`: object ids written ahead, answers parsed
 * push-style as they stream in (no promise per object: that halved the cost of reading), each
 * object's content handed to its sink piece by piece, so a huge blob never sits in memory whole.
 *
 * Failure is settled in one place: whatever happens to the child (it dies, exits early, answers
 * garbage), `done` rejects and any writer waiting for `writable()` is woken with that rejection,
 * so the pipeline can never be left waiting on a `drain` that will not come.
 */
import { NotionGuardError } from '../errors.js';
import { GIT_MISSING, gitError, gitMissing, spawnGit } from './exec.js';

export interface ObjectSink {
  /** The object's header: its type (blob, commit, tag, tree) and size in bytes. */
  start(type: string, size: number): void;
  /** The next piece of content: a view of a stream chunk that is never reused, so it may be kept. */
  data(piece: Buffer): void;
  end(): void;
  /** git answered "missing": not in the repository (or, in a partial clone, not fetched). */
  missing(): void;
}

export class CatFile {
  readonly done: Promise<void>;
  private readonly child;
  private readonly sinks: (ObjectSink | undefined)[] = [];
  private head = 0;
  private failure: NotionGuardError | undefined;
  private stderr = '';
  private resolveDone!: () => void;
  private rejectDone!: (e: unknown) => void;

  /** `config`: extra `key=value` overrides for this reader (and any fetch git makes for it). */
  constructor(cwd: string, config: readonly string[] = []) {
    this.done = new Promise((res, rej) => {
      this.resolveDone = res;
      this.rejectDone = rej;
    });
    this.done.catch(() => undefined);
    this.child = spawnGit([...config.flatMap((c) => ['-c', c]), 'cat-file', '--batch', '--buffer'], cwd);
    this.child.on('error', (e) => this.fail(new NotionGuardError('git', gitMissing(e) ? GIT_MISSING : `cannot run git: ${e.message}`)));
    this.child.stderr.on('data', (d: Buffer) => {
      if (this.stderr.length < 4096) this.stderr += d.toString('utf8');
    });
    this.child.stdin.on('error', () => undefined); // the close handler reports why git stopped
    this.parse();
  }

  /** Queue one object. Returns false when git's input is full: await `writable()` before more. */
  request(id: string, sink: ObjectSink): boolean {
    return this.requestAll([{ id, sink }]);
  }

  /** Queue several objects in one write (a history lists them a chunk at a time). */
  requestAll(requests: readonly { id: string; sink: ObjectSink }[]): boolean {
    if (this.failure) return false;
    if (requests.length === 0) return true;
    for (const r of requests) this.sinks.push(r.sink);
    return this.child.stdin.write(`${requests.map((r) => r.id).join('\n')}\n`);
  }

  /** Resolves once git takes input again; rejects if the reader failed meanwhile. */
  writable(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.child.stdin.writableNeedDrain) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onDrain = (): void => resolve();
      this.child.stdin.once('drain', onDrain);
      this.done.then(
        () => reject(new NotionGuardError('git', 'git cat-file stopped early')),
        (e: unknown) => {
          this.child.stdin.off('drain', onDrain);
          reject(e instanceof Error ? e : new NotionGuardError('git', `git cat-file failed: ${String(e)}`));
        },
      );
    });
  }

  /** Stop reading git's answers for a while (their consumer is behind); git then waits on the pipe. */
  pause(): void {
    this.child.stdout.pause();
  }

  resume(): void {
    this.child.stdout.resume();
  }

  /** No more requests: resolves once every answer has been delivered. */
  end(): Promise<void> {
    this.child.stdin.end();
    return this.done;
  }

  fail(e: NotionGuardError): void {
    if (this.failure) return;
    this.failure = e;
    this.child.kill();
    this.rejectDone(e);
  }

  private parse(): void {
    let header = '';
    let left = -1; // content bytes still to come; -1 while reading a header
    let needLf = false;
    let sink: ObjectSink | undefined;
    const next = (): ObjectSink | undefined => {
      const s = this.sinks[this.head];
      // Drop the reference at once: a finished sink may hold a scanner and its buffers.
      this.sinks[this.head++] = undefined;
      if (this.head > 4096) {
        this.sinks.splice(0, this.head);
        this.head = 0;
      }
      return s;
    };
    const finish = (): void => {
      sink!.end();
      sink = undefined;
      left = -1;
      needLf = true;
    };
    this.child.stdout.on('data', (chunk: Buffer) => {
      let i = 0;
      try {
        while (i < chunk.length && !this.failure) {
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
            const line = header;
            header = '';
            const m = /^([0-9a-f]{40,64}) (blob|commit|tag|tree) (\d+)$/.exec(line);
            const s = next();
            if (!s) return this.fail(new NotionGuardError('git', 'git cat-file answered more than was asked'));
            if (!m) {
              if (/ (missing|ambiguous)$/.test(line)) {
                s.missing();
                continue;
              }
              return this.fail(new NotionGuardError('git', 'git cat-file gave an unexpected answer'));
            }
            sink = s;
            left = Number(m[3]);
            sink.start(m[2]!, left);
            if (left === 0) finish();
            continue;
          }
          const n = Math.min(left, chunk.length - i);
          sink!.data(chunk.subarray(i, i + n));
          left -= n;
          i += n;
          if (left === 0) finish();
        }
      } catch (e) {
        // A sink threw: that is a bug, and fatal; never a silently shorter scan.
        this.fail(e instanceof NotionGuardError ? e : new NotionGuardError('internal', `scan failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e }));
      }
    });
    this.child.on('close', (code, signal) => {
      if (this.failure) return;
      if (code !== 0) return this.fail(gitError(['cat-file'], this.stderr, signal ? `killed by ${signal}` : `exit ${code}`));
      if (left >= 0 || this.head < this.sinks.length) {
        return this.fail(new NotionGuardError('git', `git cat-file stopped early${this.stderr ? `: ${this.stderr.split('\n')[0]}` : ''}`));
      }
      this.resolveDone();
    });
  }
}
