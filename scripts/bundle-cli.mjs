// The CLI is also bundled (esbuild) into dist/bin/: one file instead of ~40 modules to resolve and
// load, which is most of the pre-commit hook's start-up. No code splitting: esbuild keeps a lazy
// import lazy inside one file (its module runs only when imported), so `staged` still never runs
// yargs, and one file loads faster than the ~20 chunks splitting made (measured on the hook path:
// about 10 ms of 140). The worker is its own file. The library entry (dist/index.js) stays tsc's.
import { build } from 'esbuild';
import { chmodSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const out = fileURLToPath(new URL('../dist/bin/', import.meta.url));
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: [fileURLToPath(new URL('../src/cli.ts', import.meta.url)), fileURLToPath(new URL('../src/parallel/scan-worker.ts', import.meta.url))],
  bundle: true,
  splitting: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: out,
  // yargs (a dependency, so installed beside us) is loaded from node_modules by the commands that
  // need it: kept out of this file, it no longer costs the hook path its parse (about 12 ms).
  external: ['yargs'],
  logLevel: 'warning',
});
chmodSync(`${out}cli.js`, 0o755);

// The shipped rules, parsed and validated once here (TOML stays the source; see src/rules/load.ts).
const { SHIPPED_RULES, SHIPPED_RULES_CACHE, hashRuleText, parseRawRules } = await import('../dist/rules/load.js');
const { readFileSync, writeFileSync } = await import('node:fs');
const text = readFileSync(SHIPPED_RULES, 'utf8');
writeFileSync(SHIPPED_RULES_CACHE, `${JSON.stringify({ hash: hashRuleText(text), rules: parseRawRules(text, SHIPPED_RULES) })}\n`);
