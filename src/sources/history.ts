/**
 * The `history` source: every unique blob reachable from the given revisions (default: all refs),
 * each scanned once however many commits carry it, the approach of Nosey Parker and Kingfisher.
 * `git rev-list --objects` lists the blobs without computing any diff; one pipelined
 * `git cat-file --batch` streams their contents. Provenance is attached afterwards (provenance.ts).
 */
import type { SourceItem } from '../types.js';
import { CatFile } from '../git/cat-file.js';
import { gitError, spawnGit } from '../git/exec.js';
import type { Repo } from '../git/repo.js';
import { ByteReader } from '../git/byte-reader.js';

export interface HistoryProgress {
  blobs: number;
  bytes: number;
}

export async function* historySource(repo: Repo, revs: readonly string[]): AsyncIterable<SourceItem> {
  const args = ['rev-list', '--objects', '--filter=object:type=blob', ...revs, '--'];
  const list = spawnGit(args, repo.cwd);
  let stderr = '';
  list.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const listClosed = new Promise<number>((resolve) => list.on('close', (c) => resolve(c ?? 128)));
  const cat = new CatFile(repo);
  // Paths of requests sent to cat-file and not yet answered, in order. Bounded by pipe backpressure.
  const paths: string[] = [];
  let head = 0;
  let listing = true;
  let wake: (() => void) | undefined;
  const writer = (async () => {
    const lines = new ByteReader(list.stdout);
    let last: string | undefined;
    for (;;) {
      const line = await lines.readLine(1 << 16);
      if (line === undefined) break;
      const m = /^([0-9a-f]{40,64})(?: (.*))?$/.exec(line);
      if (!m) {
        // rev-list does not quote paths: a newline inside a name continues the previous line.
        if (last !== undefined && paths.length > head) paths[paths.length - 1] += `\n${line}`;
        continue;
      }
      if (m[2] === undefined) {
        last = undefined;
        continue; // a commit
      }
      last = m[2];
      paths.push(m[2]);
      wake?.();
      await cat.request(m[1]!);
    }
    listing = false;
    wake?.();
    cat.endRequests();
  })();
  try {
    for (;;) {
      if (head >= paths.length) {
        if (!listing) break;
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
        continue;
      }
      const header = await cat.next();
      const path = paths[head++]!;
      if (head > 4096) {
        paths.splice(0, head);
        head = 0;
      }
      yield { path, blob: header.sha, read: () => cat.content(header.size) };
    }
    await writer;
    const code = await listClosed;
    if (code !== 0) throw gitError(args, stderr, `exit ${code}`);
  } finally {
    cat.close();
    if (list.exitCode === null) list.kill();
  }
}
