/**
 * Archives made at run time by real tools: Python's zipfile (zip and its family, several
 * compression methods), GNU tar and gzip. Tokens go in as arguments, never as committed bytes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export type ZipMethod = 'stored' | 'deflated' | 'bzip2' | 'lzma';

/** A zip of these members (name → content), written by Python's zipfile. */
export function makeZip(members: Record<string, string | Buffer>, method: ZipMethod = 'deflated', comment?: Buffer): Buffer {
  const spec = Object.entries(members).map(([name, data]) => [name, Buffer.from(data).toString('base64')]);
  const py = `
import base64, io, json, sys, zipfile
spec = json.loads(sys.stdin.read())
m = {"stored": zipfile.ZIP_STORED, "deflated": zipfile.ZIP_DEFLATED, "bzip2": zipfile.ZIP_BZIP2, "lzma": zipfile.ZIP_LZMA}[sys.argv[1]]
b = io.BytesIO()
with zipfile.ZipFile(b, "w", m) as z:
    for name, data in spec["members"]:
        z.writestr(name, base64.b64decode(data))
    if spec.get("comment"): z.comment = base64.b64decode(spec["comment"])
sys.stdout.buffer.write(b.getvalue())
`;
  return execFileSync('python3', ['-c', py, method], { input: JSON.stringify({ members: spec, comment: comment?.toString('base64') }), maxBuffer: 1 << 30 });
}

/** A zip whose one member is `size` zero bytes (deflate shrinks it ~1000 times): a bomb. */
export function makeZeroBomb(size: number, name = 'zeros.bin'): Buffer {
  const py = `
import io, sys, zipfile
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
    with z.open(sys.argv[2], "w", force_zip64=True) as w:
        chunk = bytes(1 << 20)
        for _ in range(int(sys.argv[1]) >> 20): w.write(chunk)
sys.stdout.buffer.write(b.getvalue())
`;
  return execFileSync('python3', ['-c', py, String(size), name], { maxBuffer: 1 << 30 });
}

/** A tar (optionally gzipped) of the files under `dir`, by GNU tar, as `tar -C dir -c .` writes it. */
export function makeTar(dir: string, out: string, gzip = false): Buffer {
  execFileSync('tar', ['--format=ustar', '-C', dir, gzip ? '-czf' : '-cf', out, '.']);
  return readFileSync(out);
}

export function gz(data: string | Buffer): Buffer {
  return gzipSync(Buffer.from(data));
}

/** An xz stream (Python's lzma): a compression notion-guard does not open. */
export function xz(data: string | Buffer): Buffer {
  return execFileSync('python3', ['-c', 'import lzma,sys;sys.stdout.buffer.write(lzma.compress(sys.stdin.buffer.read()))'], { input: Buffer.from(data) });
}
