#!/usr/bin/env node
// The `rsvp` command: runs the compiled CLI (built by `npm install`, see scripts/setup.mjs).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('rsvp: the program is not built yet: run `npm install` (or `npm run build`) in the repository root\n');
  process.exit(1);
}
const { main: run } = await import(main.href);
process.exitCode = await run(process.argv.slice(2));
