#!/usr/bin/env node
// The `logscope` command runs the built bundle (`npm ci` builds it; `npm run build` refreshes it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('logscope: not built yet; run `npm run build` in the Logscope folder first\n');
  process.exit(1);
}
await import(cli.href);
