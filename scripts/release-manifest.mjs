// Turns this checkout's package.json into the manifest that is published (run by the release
// workflow right before `npm publish`; test/e2e/release.test.ts runs it with `npm publish --dry-run`).
//
// - No install-time scripts: `postinstall` builds a clone; an installed package is already built,
//   and npm 11 warns every consumer about packages that run scripts at install.
// - `repository`, `bugs`, `homepage` name the repository that builds the release (GitHub's
//   GITHUB_SERVER_URL and GITHUB_REPOSITORY), so npm's provenance check, which compares
//   repository.url with the workflow's repository, holds for forks and mirrors too.
// - The tag must be v + the manifest's version: a release is never published under another name.
//
// Usage: node scripts/release-manifest.mjs [PACKAGE_DIR]   (default: this checkout)
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Values from the environment are shown escaped: a newline must not forge a second line.
const show = (v) => JSON.stringify(String(v));
const fail = (message) => {
  process.stderr.write(`release-manifest: ${message}\n`);
  process.exit(1);
};

const dir = resolve(process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url)));
const file = join(dir, 'package.json');
let pkg;
try {
  pkg = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  fail(`cannot read ${file}: ${e instanceof SyntaxError ? 'not valid JSON' : (e.code ?? e.message)}`);
}
if (typeof pkg?.version !== 'string') fail(`${file} has no version`);

// On a tag run, the tag comes from GITHUB_REF itself (GITHUB_REF_NAME must agree with it).
const { GITHUB_REF: ref, GITHUB_REF_TYPE: refType, GITHUB_REF_NAME: refName } = process.env;
if (refType === 'tag' || ref?.startsWith('refs/tags/')) {
  if (!ref?.startsWith('refs/tags/')) fail(`a tag run needs GITHUB_REF=refs/tags/…, got ${show(ref ?? '')}`);
  const tag = ref.slice('refs/tags/'.length);
  if (refName !== undefined && refName !== tag) fail(`GITHUB_REF_NAME ${show(refName)} does not match GITHUB_REF ${show(ref)}`);
  if (tag !== `v${pkg.version}`) fail(`tag ${tag} does not match package.json version ${pkg.version} (expected v${pkg.version})`);
}

for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) delete pkg.scripts?.[hook];
pkg.files = (pkg.files ?? []).filter((f) => f !== 'scripts/postinstall.mjs');

const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
if (!/^https:\/\/[a-z0-9.-]+(:\d+)?$/i.test(server)) fail(`GITHUB_SERVER_URL is not an https:// host: ${show(server)}`);
const repo = process.env.GITHUB_REPOSITORY;
if (repo !== undefined) {
  if (!/^[\w.-]+\/[\w.-]+$/.test(repo) || repo.split('/').some((p) => /^\.+$/.test(p))) fail(`GITHUB_REPOSITORY is not owner/name: ${show(repo)}`);
  pkg.repository = { type: 'git', url: `git+${server}/${repo}.git` };
  pkg.bugs = { url: `${server}/${repo}/issues` };
  pkg.homepage = `${server}/${repo}#readme`;
}
if (!pkg.repository?.url || !pkg.bugs?.url || !pkg.homepage) fail('package.json needs repository, bugs and homepage');

writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
process.stdout.write(`release-manifest: ${pkg.name}@${pkg.version}, no install scripts, repository ${pkg.repository.url}\n`);
