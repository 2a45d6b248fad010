/** Split a child's stdout on NUL bytes, streaming (for `-z` output of any size). */
import type { Readable } from 'node:stream';

export async function* nulFields(stream: Readable): AsyncGenerator<string> {
  let carry = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const text = carry + chunk.toString('utf8');
    const parts = text.split('\0');
    carry = parts.pop() ?? '';
    yield* parts;
  }
  if (carry) yield carry;
}
