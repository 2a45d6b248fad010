/**
 * Where the package's own files are, whether this code runs from tsc's output (dist/*.js) or from
 * the bundled CLI (dist/bin/*.js): walk up to the package.json that names this package.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'notion-guard') return dir;
    dir = dirname(dir);
  }
  throw new Error('notion-guard: cannot find its package root');
}

export const PACKAGE_ROOT = findRoot();
