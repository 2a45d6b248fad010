/**
 * TOML parsing, loaded on first use: the pre-commit hook normally needs no TOML at all (the shipped
 * rules come precompiled, see load.ts), and loading the parser is ~25 ms of start-up.
 */
import { createRequire } from 'node:module';

type SmolToml = typeof import('smol-toml');
let toml: SmolToml | undefined;

function lib(): SmolToml {
  toml ??= createRequire(import.meta.url)('smol-toml') as SmolToml;
  return toml;
}

export function parseToml(text: string): Record<string, unknown> {
  return lib().parse(text) as Record<string, unknown>;
}

/** Line and column of a TOML syntax error, when the parser says. */
export function tomlErrorPosition(e: unknown): { line: number; column: number } | undefined {
  const T = lib().TomlError;
  return e instanceof T ? { line: e.line, column: e.column } : undefined;
}
