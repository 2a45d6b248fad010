/** Paths as the filters see them: relative to a config's or a baseline's folder, in `/` form. */
import { isAbsolute, relative, sep } from 'node:path';

/** `abs` relative to `folder` when it lies inside it, else undefined. */
export function relativeInside(folder: string, abs: string): string | undefined {
  const rel = relative(folder, abs);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : undefined;
}
