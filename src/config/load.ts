/** Finding and reading the configuration file. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseToml, tomlErrorPosition } from '../rules/toml.js';
import { NotionGuardError } from '../errors.js';
import { describeFsError } from '../fs-errors.js';
import { validateConfig, type Config } from './schema.js';

export const CONFIG_NAME = '.notion-guard.toml';

/** `.notion-guard.toml` in `start` or a parent, stopping at the repository root (a `.git` entry). */
export function findConfig(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, CONFIG_NAME);
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, '.git'))) return undefined;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new NotionGuardError('config', `cannot read config file ${file}: ${describeFsError(e)}`);
  }
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch (e) {
    const pos = tomlErrorPosition(e);
    const where = pos ? `:${pos.line}` : '';
    throw new NotionGuardError('config', `${file}${where}: invalid TOML: ${(e as Error).message.split('\n')[0]}`);
  }
  const cfg = validateConfig(doc, text, file);
  // Paths in the file are relative to the file.
  const base = dirname(file);
  cfg.rules = cfg.rules.map((r) => resolve(base, r));
  if (cfg.baseline) cfg.baseline = resolve(base, cfg.baseline);
  return cfg;
}
