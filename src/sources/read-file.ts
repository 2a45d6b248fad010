/** Reading a file from disk in bounded pieces. */
import { open } from 'node:fs/promises';

export const PIECE_SIZE = 1024 * 1024;

export async function* readFilePieces(file: string, pieceSize = PIECE_SIZE): AsyncIterable<Buffer> {
  const fh = await open(file, 'r');
  try {
    for (;;) {
      const buf = Buffer.allocUnsafe(pieceSize);
      const { bytesRead } = await fh.read(buf, 0, pieceSize, null);
      if (bytesRead === 0) return;
      yield bytesRead === pieceSize ? buf : buf.subarray(0, bytesRead);
      if (bytesRead < pieceSize) return;
    }
  } finally {
    await fh.close();
  }
}
