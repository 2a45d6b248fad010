// The GitHub Action runs this committed bundle (action/), so a workflow never installs or compiles
// dev dependencies: one file for the CLI and one for its scan worker, plus the notices of the
// packages inside them. Rebuilt by `npm run bundle:action`; test/e2e/action-bundle.test.ts fails
// when the committed files differ from a fresh build, so CI keeps them current.
//
// Usage: node scripts/bundle-action.mjs [OUTDIR]   (default: action/ in this checkout)
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = resolve(process.argv[2] ?? join(root, 'action'));
mkdirSync(out, { recursive: true });

// src/rules/toml.ts loads smol-toml lazily through require(), which esbuild cannot follow; the
// action has no node_modules, so here the parser is imported statically into the bundle.
const eagerToml = {
  name: 'eager-toml',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]rules[\\/]toml\.ts$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      const lazy = "createRequire(import.meta.url)('smol-toml') as SmolToml";
      if (!src.includes(lazy)) throw new Error(`bundle-action: ${args.path} no longer loads smol-toml as expected; update this plugin`);
      return { contents: `import * as eagerSmolToml from 'smol-toml';\n${src.replace(lazy, 'eagerSmolToml')}`, loader: 'ts' };
    });
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: { 'notion-guard': 'src/cli.ts', 'scan-worker': 'src/parallel/scan-worker.ts' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: out,
  outExtension: { '.js': '.mjs' },
  minify: true,
  legalComments: 'none', // every bundled package's licence is written whole to NOTICES.txt below
  metafile: true,
  // CommonJS dependencies inside an ES module bundle call require(): give them one.
  banner: { js: "import { createRequire as __ngRequire } from 'node:module'; const require = __ngRequire(import.meta.url);" },
  plugins: [eagerToml],
  logLevel: 'warning',
});

// Which packages went in, read from esbuild's own record of its inputs.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) packages.set(m[1], join(root, 'node_modules', m[1]));
}
const notices = ['notion-guard bundles the following packages. Their licences follow.', ''];
for (const [name, dir] of [...packages].sort(([a], [b]) => a.localeCompare(b))) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'LICENCE'].map((f) => join(dir, f)).find((f) => existsSync(f));
  notices.push(`## ${name}@${pkg.version} (${pkg.license ?? 'see below'})`, '', file ? readFileSync(file, 'utf8').trim() : `(no licence file; package.json says ${pkg.license})`, '');
}
writeFileSync(join(out, 'NOTICES.txt'), `${notices.join('\n')}\n`);
