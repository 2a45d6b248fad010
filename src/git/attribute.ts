/**
 * Attributing history findings: each blob with a finding gets the oldest commit and path that added
 * it (provenance.ts); then, since a token stays in every later version of its file, findings are
 * grouped to one per secret and path, at the version that introduced it, the rest counted. A token
 * in a commit or tag message belongs to that commit, one finding per commit.
 */
import type { Finding } from '../types.js';
import { fingerprint } from '../fingerprint.js';
import { sortFindings } from '../scan.js';
import { commitInfo, findProvenance, type Provenance } from './provenance.js';
import type { Repo } from './repo.js';

export async function attributeFindings(repo: Repo, revs: readonly string[], findings: Finding[], missing: readonly string[] = []): Promise<{ findings: Finding[]; missingPaths: Map<string, string> }> {
  const missingPaths = new Map<string, string>();
  if (findings.length === 0 && missing.length === 0) return { findings, missingPaths };
  const blobs = new Set([...findings.map((f) => f.blob).filter((b): b is string => b !== undefined), ...missing]);
  const prov: Map<string, Provenance> = blobs.size > 0 ? await findProvenance(repo, revs, blobs) : new Map();
  for (const id of missing) {
    const p = prov.get(id);
    if (p) missingPaths.set(id, p.path);
  }
  const shas = new Set([...prov.values()].map((p) => p.commit));
  for (const f of findings) if (f.messageOf) shas.add(f.messageOf);
  const info = await commitInfo(repo, [...shas]);
  const groups = new Map<string, { best: Finding; age: number; commits: number; paths: Set<string> }>();
  const messages: Finding[] = [];
  for (const f of findings) {
    if (f.messageOf) {
      const c = info.get(f.messageOf);
      if (c) f.commit = c;
      f.fingerprint = fingerprint(f.ruleId, f.file, f.secret);
      messages.push(f);
      continue;
    }
    const p = f.blob ? prov.get(f.blob) : undefined;
    if (p) {
      // A token in a name stays with that name (the same content may sit at other paths too).
      if (!f.inName) f.file = f.member ? `${p.path}!${f.member}` : p.path;
      const c = info.get(p.commit);
      if (c) f.commit = c;
    }
    f.fingerprint = fingerprint(f.ruleId, f.file, f.secret);
    const g = groups.get(f.fingerprint);
    const age = p?.age ?? 0;
    if (!g) groups.set(f.fingerprint, { best: f, age, commits: p?.commits ?? 1, paths: new Set(p?.paths ?? [f.file]) });
    else {
      g.commits += p?.commits ?? 1;
      for (const x of p?.paths ?? []) g.paths.add(x);
      if (age > g.age) {
        g.best = f;
        g.age = age;
      }
    }
  }
  const files = [...groups.values()].map((g) => ({ ...g.best, occurrences: { commits: g.commits, paths: g.paths.size } }));
  return { findings: sortFindings([...files, ...messages]), missingPaths };
}
