/**
 * A child's stdout split into fields (lines, or NUL-separated for `-z` output), streaming, a batch
 * per chunk read: one await per field cost more than git's own run. Output of any size.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

export async function* separatedBatches(stream: Readable, separator: string): AsyncGenerator<string[]> {
  let carry = '';
  // A pipe may cut a UTF-8 character in two: decode across chunks, or a path gets U+FFFDs (and
  // another fingerprint, so a baseline no longer matches).
  const utf8 = new StringDecoder('utf8');
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const parts = (carry + utf8.write(chunk)).split(separator);
    carry = parts.pop() ?? '';
    if (parts.length > 0) yield parts;
  }
  carry += utf8.end();
  if (carry) yield [carry];
}
