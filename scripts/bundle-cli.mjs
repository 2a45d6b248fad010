// The CLI is also bundled (esbuild) into dist/bin/: one module instead of ~40 to resolve and load,
// which is most of the pre-commit hook's start-up. Lazy imports stay lazy (code splitting), so
// `staged` still never loads yargs. The library entry (dist/index.js) stays tsc's output.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const out = fileURLToPath(new URL('../dist/bin/', import.meta.url));
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: [fileURLToPath(new URL('../src/cli.ts', import.meta.url)), fileURLToPath(new URL('../src/parallel/scan-worker.ts', import.meta.url))],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: out,
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
chmodSync(`${out}cli.js`, 0o755);

// The shipped rules, parsed and validated once here (TOML stays the source; see src/rules/load.ts).
const { SHIPPED_RULES, SHIPPED_RULES_CACHE, hashRuleText, parseRawRules } = await import('../dist/rules/load.js');
const { readFileSync, writeFileSync } = await import('node:fs');
const text = readFileSync(SHIPPED_RULES, 'utf8');
writeFileSync(SHIPPED_RULES_CACHE, `${JSON.stringify({ hash: hashRuleText(text), rules: parseRawRules(text, SHIPPED_RULES) })}\n`);
