// After `npm ci` / `npm install` in a checkout of this repository: build, and set up the husky hook.
// A postinstall (not `prepare`) because the pre-commit framework installs hooks with `npm pack`
// and reads the tarball's name from its standard output, which `prepare`'s banner would corrupt.
// In an installed package (no src/) there is nothing to do.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (existsSync(`${root}src/cli.ts`)) {
  // Build output goes to stderr: stdout is for the caller's own use.
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (build.status !== 0) process.exit(build.status ?? 1);
  if (existsSync(`${root}.git`) && existsSync(`${root}node_modules/husky/bin.js`)) {
    spawnSync(process.execPath, [`${root}node_modules/husky/bin.js`], { cwd: root, stdio: ['ignore', 2, 2] });
  }
}
