/** The `stdin` source: standard input as one file, named as grep names it. */
import { fstatSync } from 'node:fs';
import { NotionGuardError } from '../errors.js';
import { fileKind } from '../read-regular.js';
import type { SourceItem } from '../types.js';

export const STDIN_NAME = '(standard input)';

/**
 * `notion-guard stdin < somedir` must not pass as a clean scan: a directory on fd 0 reads as
 * nothing on some platforms. Pipes, fifos, ttys, sockets and regular files are all real streams.
 */
export function refuseDirectoryStdin(): void {
  let st;
  try {
    st = fstatSync(0);
  } catch {
    return; // no fd 0 at all: the stream read below fails and is reported
  }
  if (st.isDirectory()) throw new NotionGuardError('usage', `standard input is ${fileKind(st)}; pipe a file into it instead (notion-guard stdin < FILE)`);
}

export async function* stdinSource(input: AsyncIterable<Buffer | string> = process.stdin): AsyncIterable<SourceItem> {
  if (input === process.stdin) refuseDirectoryStdin();
  yield {
    path: STDIN_NAME,
    async *read() {
      for await (const piece of input) yield typeof piece === 'string' ? Buffer.from(piece) : piece;
    },
  };
}
