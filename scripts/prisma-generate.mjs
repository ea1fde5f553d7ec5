// Generates the two Prisma clients (PostgreSQL and the embedded SQLite) from the one data model
// in prisma/schema.prisma. The SQLite schema is derived, never edited: only the provider and the
// output folder differ. Runs offline: `prisma generate` needs the path of a schema engine but
// never runs it, so it gets a stub that fails loudly if anything tries.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function deriveSqliteSchema(source) {
  const out = source
    .replace(/provider\s*=\s*"postgresql"/, 'provider = "sqlite"')
    .replace(/output\s*=\s*"\.\.\/src\/generated\/postgresql"/, 'output                 = "./sqlite"');
  if (out === source || !out.includes('"sqlite"') || !out.includes('"./sqlite"')) {
    throw new Error('prisma/schema.prisma: expected provider = "postgresql" and output = "../src/generated/postgresql"');
  }
  return `// Derived from prisma/schema.prisma by scripts/prisma-generate.mjs: do not edit.\n${out}`;
}

export function writeDerivedSchemas() {
  const source = readFileSync(join(root, 'prisma/schema.prisma'), 'utf8');
  mkdirSync(join(root, 'src/generated'), { recursive: true });
  const sqlitePath = join(root, 'src/generated/schema.sqlite.prisma');
  writeFileSync(sqlitePath, deriveSqliteSchema(source));
  return { postgresql: join(root, 'prisma/schema.prisma'), sqlite: sqlitePath };
}

function generate(schemaPath) {
  const prismaBin = join(root, 'node_modules/prisma/build/index.js');
  const r = spawnSync(process.execPath, [prismaBin, 'generate', '--schema', schemaPath, '--no-hints'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? join(root, 'scripts/no-schema-engine.sh'),
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  });
  if (r.status !== 0) {
    process.stderr.write(r.stdout);
    process.stderr.write(r.stderr);
    throw new Error(`prisma generate failed for ${schemaPath}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const paths = writeDerivedSchemas();
  generate(paths.postgresql);
  generate(paths.sqlite);
  console.log('prisma clients generated: src/generated/postgresql, src/generated/sqlite');
}
