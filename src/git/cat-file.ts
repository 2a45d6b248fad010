/**
 * One long-lived `git cat-file --batch`: requests are written ahead (pipelined) and answers read in
 * the same order, each blob streamed in pieces so a huge blob never sits in memory whole.
 */
import { once } from 'node:events';
import { NotionGuardError } from '../errors.js';
import { ByteReader } from './byte-reader.js';
import { GIT_MISSING, gitMissing, spawnGit } from './exec.js';
import type { Repo } from './repo.js';

export interface ObjectHeader {
  sha: string;
  type: string;
  size: number;
}

const PIECE = 1024 * 1024;

export class CatFile {
  private readonly child;
  private readonly reader: ByteReader;
  private stderr = '';
  private failure: NotionGuardError | undefined;
  private exited = false;

  constructor(repo: Repo) {
    this.child = spawnGit(['cat-file', '--batch'], repo.cwd);
    this.reader = new ByteReader(this.child.stdout);
    this.child.stderr.on('data', (d: Buffer) => {
      if (this.stderr.length < 4096) this.stderr += d.toString('utf8');
    });
    this.child.on('error', (e) => {
      this.failure = new NotionGuardError('git', gitMissing(e) ? GIT_MISSING : `cannot run git cat-file: ${e.message}`);
    });
    this.child.on('close', () => {
      this.exited = true;
    });
    this.child.stdin.on('error', () => {
      /* reported through the reader when git is gone */
    });
  }

  /** Queue a request; resolves once git can take more input (backpressure). */
  async request(sha: string): Promise<void> {
    if (!this.child.stdin.write(`${sha}\n`)) await once(this.child.stdin, 'drain');
  }

  endRequests(): void {
    this.child.stdin.end();
  }

  private broken(what: string): NotionGuardError {
    if (this.failure) return this.failure;
    const detail = this.stderr.split('\n').find((l) => l.trim())?.replace(/^(fatal|error): /, '');
    return new NotionGuardError('git', `git cat-file ${what}${detail ? `: ${detail}` : this.exited ? ' (git exited early)' : ''}`);
  }

  /** The header of the next answer; throws if git died or the object is missing. */
  async next(): Promise<ObjectHeader> {
    const line = await this.reader.readLine(4096);
    if (line === undefined) throw this.broken('stopped before answering');
    const m = /^([0-9a-f]{40,64}) (\S+) (\d+)$/.exec(line);
    if (!m) throw this.broken(line.endsWith(' missing') ? `cannot read object ${line.split(' ')[0]} (missing or corrupt)` : 'gave an unexpected answer');
    return { sha: m[1]!, type: m[2]!, size: Number(m[3]) };
  }

  /** The content of the answer whose header was just read, in pieces; always consumes it whole. */
  async *content(size: number): AsyncGenerator<Buffer> {
    let left = size;
    try {
      while (left > 0) {
        const piece = await this.reader.read(Math.min(left, PIECE));
        if (!piece) throw this.broken('stopped in the middle of an object');
        left -= piece.length;
        yield piece;
      }
    } finally {
      // The caller may stop early (binary content): skip the rest so the next answer lines up.
      while (left > 0) {
        const piece = await this.reader.read(Math.min(left, PIECE));
        if (!piece) break;
        left -= piece.length;
      }
      await this.reader.read(1); // the LF after the content
    }
  }

  close(): void {
    if (!this.child.stdin.writableEnded) this.child.stdin.end();
    if (!this.exited) this.child.kill();
  }
}
