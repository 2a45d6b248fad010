/** Finding and reading the configuration file. */
import { existsSync, lstatSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseToml, tomlErrorPosition } from '../rules/toml.js';
import { NotionGuardError } from '../errors.js';
import { MIB, readRegularFile } from '../read-regular.js';
import { validateConfig, type Config } from './schema.js';

export const CONFIG_NAME = '.notion-guard.toml';

/** `.notion-guard.toml` in `start` or a parent, stopping at the repository root (a `.git` entry). */
export function findConfig(start: string): string | undefined {
  return findUp(CONFIG_NAME, start);
}

export const BASELINE_NAME = '.notion-guard-baseline.json';

/** `.notion-guard-baseline.json` where a config would be found: read by default, as the block message says. */
export function findBaseline(start: string): string | undefined {
  return findUp(BASELINE_NAME, start);
}

function findUp(name: string, start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, name);
    // Any entry counts, even a dangling link or a fifo: loading it then fails with its reason,
    // rather than the scan quietly running without the config the repository meant to give.
    if (present(candidate)) return candidate;
    if (existsSync(join(dir, '.git'))) return undefined;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

export function loadConfig(file: string): Config {
  const text = readRegularFile(file, { what: 'config file', maxBytes: MIB, code: 'config' });
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
