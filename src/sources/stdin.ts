/** The `stdin` source: standard input as one file, named as grep names it. */
import type { SourceItem } from '../types.js';

export const STDIN_NAME = '(standard input)';

export async function* stdinSource(input: AsyncIterable<Buffer | string> = process.stdin): AsyncIterable<SourceItem> {
  yield {
    path: STDIN_NAME,
    async *read() {
      for await (const piece of input) yield typeof piece === 'string' ? Buffer.from(piece) : piece;
    },
  };
}
