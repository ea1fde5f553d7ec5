// `npm install` runs this (postinstall): generate the Prisma clients, build the TypeScript, and
// create and migrate the embedded database, so `npm start` needs nothing else. Offline: the
// schema engine is the WebAssembly one shipped in node_modules (src/db/schema-engine.ts).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (args, env = process.env) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });

// Installed as someone else's dependency, there is nothing of ours to set up.
if (!existsSync(join(root, 'prisma', 'schema.prisma'))) process.exit(0);

run([join(root, 'scripts', 'prisma-generate.mjs')]);
run([join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')]);

// The embedded database of the contract's defaults. A PostgreSQL DATABASE_URL is left to
// `rsvp db migrate`: the server may not be reachable from where the install runs.
const url = process.env.DATABASE_URL;
if (url && !url.startsWith('file:')) {
  console.log(`setup: DATABASE_URL is not a SQLite file; run \`npx rsvp db migrate\` to migrate it`);
} else {
  run([join(root, 'bin', 'rsvp.js'), 'db', 'migrate']);
}
