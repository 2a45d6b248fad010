/** Pull-style reading of a child's stdout: lines and exact byte counts, without buffering it all. */
import type { Readable } from 'node:stream';

export class ByteReader {
  private readonly it: AsyncIterator<Buffer>;
  private buf: Buffer = Buffer.alloc(0);
  private done = false;

  constructor(stream: Readable) {
    this.it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      return false;
    }
    this.buf = this.buf.length === 0 ? r.value : Buffer.concat([this.buf, r.value]);
    return true;
  }

  /** The next line without its LF, or undefined at end of stream. Lines are capped at `max` bytes. */
  async readLine(max = 1 << 20): Promise<string | undefined> {
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl !== -1) {
        const line = this.buf.toString('utf8', 0, Math.min(nl, max));
        this.buf = this.buf.subarray(nl + 1);
        return line;
      }
      if (!(await this.fill())) {
        if (this.buf.length === 0) return undefined;
        const line = this.buf.toString('utf8', 0, Math.min(this.buf.length, max));
        this.buf = Buffer.alloc(0);
        return line;
      }
    }
  }

  /** Up to `max` bytes (at least one unless the stream ended). */
  async read(max: number): Promise<Buffer | undefined> {
    if (this.buf.length === 0 && !(await this.fill())) return undefined;
    const n = Math.min(max, this.buf.length);
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }
}
