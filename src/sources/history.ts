/**
 * The `history` scan: every unique blob reachable from the given revisions (default: all refs),
 * each scanned once however many commits carry it, the approach of Nosey Parker and Kingfisher.
 * `git rev-list --objects` lists the blobs without computing any diff; BlobScanner streams and scans
 * their contents. Provenance is attached afterwards (git/provenance.ts).
 */
import type { Detector } from '../engine/detect.js';
import { NotionGuardError } from '../errors.js';
import { BlobScanner, type BlobMeta } from '../git/blob-scan.js';
import { GIT_MISSING, gitError, gitMissing, spawnGit } from '../git/exec.js';
import type { Repo } from '../git/repo.js';
import type { Finding, ScanStats } from '../types.js';

export interface HistoryScanOptions {
  onBlob?: () => void;
}

export async function scanHistory(repo: Repo, revs: readonly string[], detector: Detector, stats: ScanStats, opts: HistoryScanOptions = {}): Promise<Finding[]> {
  const blobs = new BlobScanner(repo, detector, stats, opts.onBlob);
  const listArgs = ['rev-list', '--objects', '--filter=object:type=blob', ...revs, '--'];
  const list = spawnGit(listArgs, repo.cwd);
  let listErr = '';
  list.on('error', (e) => blobs.fail(new NotionGuardError('git', gitMissing(e) ? GIT_MISSING : `cannot run git: ${e.message}`)));
  list.stderr.on('data', (d: Buffer) => (listErr += d.toString('utf8')));
  let carry = '';
  let last: BlobMeta | undefined;
  list.stdout.on('data', (chunk: Buffer) => {
    const lines = (carry + chunk.toString('utf8')).split('\n');
    carry = lines.pop() ?? '';
    const batch: [string, BlobMeta][] = [];
    for (const line of lines) {
      const m = /^([0-9a-f]{40,64}) (.*)$/.exec(line);
      if (m) {
        last = { path: m[2]! };
        batch.push([m[1]!, last]);
      } else if (!/^[0-9a-f]{40,64}$/.test(line) && last) {
        // rev-list does not quote paths: a newline inside a name continues the previous line.
        last.path += `\n${line}`;
      }
    }
    if (!blobs.request(batch)) {
      list.stdout.pause();
      blobs.drain(() => list.stdout.resume());
    }
  });
  list.on('close', (code) => {
    if (code !== 0) blobs.fail(gitError(listArgs, listErr, `exit ${code ?? 'signal'}`));
    else blobs.end();
  });
  try {
    return await blobs.done;
  } finally {
    if (list.exitCode === null) list.kill();
  }
}
