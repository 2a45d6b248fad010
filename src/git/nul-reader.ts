/**
 * Split a child's stdout on NUL bytes, streaming (for `-z` output of any size), in batches: the
 * fields of each chunk read at once, since one await per field cost more than git's own run.
 */
import type { Readable } from 'node:stream';

export async function* nulFieldBatches(stream: Readable): AsyncGenerator<string[]> {
  let carry = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const parts = (carry + chunk.toString('utf8')).split('\0');
    carry = parts.pop() ?? '';
    if (parts.length > 0) yield parts;
  }
  if (carry) yield [carry];
}
