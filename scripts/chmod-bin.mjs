// tsc drops the executable bit; npm links the bin either way, but a direct ./dist/cli.js call needs it.
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/cli.js', import.meta.url), 0o755);
