/**
 * Where the package's own files are, whether this code runs from tsc's output (dist/*.js) or from
 * the bundled CLI (dist/bin/*.js): walk up to the package.json that names this package. That
 * package.json is kept, so nothing reads it twice.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageJson {
  name: string;
  version: string;
}

function findRoot(): { root: string; pkg: PackageJson } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
      if (pkg.name === 'notion-guard') return { root: dir, pkg };
    }
    dir = dirname(dir);
  }
  throw new Error('notion-guard: cannot find its package root');
}

const found = findRoot();
export const PACKAGE_ROOT: string = found.root;
export const PACKAGE_JSON: PackageJson = found.pkg;
