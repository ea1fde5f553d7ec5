/**
 * Migrations through Prisma's own schema engine, compiled to WebAssembly
 * (@prisma/schema-engine-wasm, byte-identical to the engine inside the prisma CLI), driven over
 * the same driver adapters the client uses. The native engine binary cannot be downloaded on the
 * machines this service targets, and `prisma migrate` needs it; this module does what
 * `migrate deploy` (applyMigrations), `migrate diff` and `migrate dev --create-only` do, with the
 * same `_prisma_migrations` table and checksums, so a machine with the real CLI sees the same
 * history.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parse as parsePgUrl } from 'pg-connection-string';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaLibSql } from '@prisma/adapter-libsql';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
} from '@prisma/driver-adapter-utils';
import { type DatabaseTarget, sqliteFileOf } from './url.js';

/** The project root (two levels above src/db or dist/src/db). */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'prisma', 'schema.prisma'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find prisma/schema.prisma above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

export const PRISMA_DIR = join(projectRoot(), 'prisma');

export function migrationsDir(provider: DatabaseTarget['provider']): string {
  return join(PRISMA_DIR, 'migrations', provider);
}

// ---------------------------------------------------------------------------------------------
// Loading the engine

interface EngineModule {
  SchemaEngine: {
    new: (options: { datamodels: undefined }, log: (message: string) => void, adapter: unknown) => Promise<SchemaEngine>;
  };
}

/** The subset of the engine's API used here (see schema_engine_bg.d.ts). */
export interface SchemaEngine {
  applyMigrations(input: { migrationsList: MigrationList; filters: Filters }): Promise<{ appliedMigrationNames: string[] }>;
  diff(params: {
    from: DiffTarget;
    to: DiffTarget;
    script: boolean;
    exitCode: boolean | null;
    filters: Filters;
  }): Promise<{ exitCode: number; stdout: string | null }>;
  diagnoseMigrationHistory(input: {
    migrationsList: MigrationList;
    optInToShadowDatabase: boolean;
    filters: Filters;
  }): Promise<{ history: unknown; failedMigrationNames: string[]; editedMigrationNames: string[]; hasMigrationsTable: boolean }>;
  free(): void;
}

interface Filters {
  externalTables: string[];
  externalEnums: string[];
}
const NO_FILTERS: Filters = { externalTables: [], externalEnums: [] };

export interface MigrationList {
  baseDir: string;
  lockfile: { path: string; content: string | null };
  shadowDbInitScript: string;
  migrationDirectories: { path: string; migrationFile: { path: string; content: { tag: 'ok'; value: string } | { tag: 'error'; value: string } } }[];
}

type DiffTarget =
  | { tag: 'empty' }
  | ({ tag: 'migrations' } & MigrationList)
  | { tag: 'schemaDatamodel'; files: { path: string; content: string }[] };

let enginePromise: Promise<EngineModule> | undefined;

async function loadEngineModule(): Promise<EngineModule> {
  enginePromise ??= (async () => {
    // The package's own entry point imports the .wasm as an ES module, which Node 20 cannot do;
    // load the wasm-bindgen glue and instantiate the module here instead.
    const glueUrl = import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const glue = (await import(glueUrl)) as EngineModule & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void;
    };
    const bytes = await readFile(new URL('./schema_engine_bg.wasm', glueUrl));
    // The engine arms ~10 s timers (connection pool housekeeping) that would keep every CLI
    // command and test process alive after its work is done: unref them.
    const imports: WebAssembly.ModuleImports = { ...(glue as unknown as WebAssembly.ModuleImports) };
    for (const name of Object.keys(imports)) {
      if (name.startsWith('__wbg_setTimeout_')) {
        imports[name] = (fn: () => void, ms: number) => setTimeout(fn, ms >>> 0).unref();
      }
    }
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': imports });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return enginePromise;
}

// ---------------------------------------------------------------------------------------------
// Adapters, with the fixes the engine needs

/**
 * adapter-pg rejects PostgreSQL's internal "char" type (oid 18), which the engine's own
 * introspection queries return (pg_class.relkind and friends). Reporting it as text (oid 25) is
 * what it is on the wire anyway.
 */
class CharAsTextClient extends pg.Client {
  // pg.Pool calls query(config, values, callback); adapter-pg awaits the promise form. Both are
  // post-processed here; pg's overloads are not worth restating for this.
  override query(...args: any[]): any {
    const fix = (r: pg.QueryResult | undefined) => {
      for (const f of r?.fields ?? []) if (f.dataTypeID === 18) f.dataTypeID = 25;
      return r;
    };
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (err: Error | null, r: pg.QueryResult) => last(err, fix(r));
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result && typeof (result as Promise<unknown>).then === 'function') return (result as Promise<pg.QueryResult>).then(fix);
    return result;
  }
}

/** pg config from a URL as explicit fields: adapter-pg's shadow database replaces `database`,
 * which a connectionString would silently override. */
export function pgConfigFromUrl(url: string): pg.PoolConfig {
  const c = parsePgUrl(url);
  const config: pg.PoolConfig = {
    host: c.host ?? '127.0.0.1',
    port: c.port ? Number(c.port) : 5432,
    database: c.database ?? 'postgres',
    user: c.user ?? 'postgres',
    max: 4,
    // The engine does not always dispose of its adapters; idle connections must not keep a CLI
    // command alive.
    allowExitOnIdle: true,
  };
  if (c.password !== undefined) config.password = c.password;
  if (c.ssl) config.ssl = c.ssl as pg.PoolConfig['ssl'];
  return config;
}

/**
 * libsql runs only the first statement of a multi-statement executeRaw and reports no error;
 * the engine replays each migration on the shadow database as one such call. Scripts go through
 * executeScript instead.
 */
function routeScripts(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query: SqlQuery) => {
    if (query.args.length === 0 && /;\s*\S/.test(query.sql)) {
      await adapter.executeScript(query.sql);
      return 0;
    }
    return executeRaw(query);
  };
  return adapter;
}

function sqliteFactory(file: string): SqlMigrationAwareDriverAdapterFactory {
  const base = new PrismaLibSql({ url: file === ':memory:' ? ':memory:' : `file:${file}`, timeout: 5000 });
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => routeScripts(await base.connect()),
    connectToShadowDb: async () => routeScripts(await base.connectToShadowDb()),
  } as SqlMigrationAwareDriverAdapterFactory;
}

function postgresFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  const config: pg.PoolConfig = { ...pgConfigFromUrl(url), Client: CharAsTextClient as unknown as typeof pg.Client };
  const connectTo = (database?: string) =>
    new PrismaPg(new pg.Pool(database ? { ...config, database } : config), { disposeExternalPool: true }).connect();
  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: () => connectTo(),
    // adapter-pg's own shadow database drops the database before closing its pool, which
    // PostgreSQL refuses ("being accessed by other users"): close first, then drop.
    connectToShadowDb: async () => {
      const name = `rsvp_shadow_${randomUUID().replace(/-/g, '')}`;
      await withAdminClient(url, (admin) => admin.query(`CREATE DATABASE "${name}"`));
      const adapter = await connectTo(name);
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        await withAdminClient(url, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      };
      return adapter;
    },
  } as SqlMigrationAwareDriverAdapterFactory;
}

async function withAdminClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...pgConfigFromUrl(url), database: 'postgres' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates the PostgreSQL database of the URL when it does not exist yet (error 3D000). */
export async function ensurePostgresDatabase(url: string): Promise<boolean> {
  const config = pgConfigFromUrl(url);
  const probe = new pg.Client(config);
  try {
    await probe.connect();
    return false;
  } catch (e) {
    if ((e as { code?: string }).code !== '3D000') throw e;
  } finally {
    await probe.end().catch(() => {});
  }
  await withAdminClient(url, async (admin) => {
    try {
      await admin.query(`CREATE DATABASE "${String(config.database).replace(/"/g, '""')}"`);
    } catch (e) {
      if ((e as { code?: string }).code !== '42P04') throw e; // created meanwhile by another process
    }
  });
  return true;
}

async function withEngine<T>(target: DatabaseTarget, work: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const mod = await loadEngineModule();
  if (target.provider === 'sqlite') {
    const file = sqliteFileOf(target.url);
    if (file !== ':memory:') await mkdir(dirname(resolve(file)), { recursive: true });
  } else {
    await ensurePostgresDatabase(target.url);
  }
  const factory = target.provider === 'sqlite' ? sqliteFactory(sqliteFileOf(target.url)) : postgresFactory(target.url);
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  const engine = await mod.SchemaEngine.new({ datamodels: undefined }, () => {}, bound);
  try {
    return await work(engine);
  } catch (e) {
    throw new Error(engineErrorMessage(e, bound.errorRegistry));
  } finally {
    engine.free();
  }
}

/**
 * The engine reports adapter failures as "External error id#N"; the adapter's own error (with
 * the database's message) waits in the registry under that id.
 */
function engineErrorMessage(e: unknown, registry: { consumeError(id: number): { error: unknown } | undefined }): string {
  const text = e instanceof Error ? e.message : String((e as { message?: unknown })?.message ?? e);
  const external = /External error id#(\d+)/.exec(text);
  if (external) {
    const original = registry.consumeError(Number(external[1]))?.error as
      | { message?: string; kind?: string; cause?: { message?: string }; originalMessage?: string }
      | undefined;
    if (original) return original.originalMessage ?? original.cause?.message ?? original.message ?? original.kind ?? text;
  }
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object') {
    const o = e as { message?: unknown; error_code?: unknown; meta?: unknown };
    if (typeof o.message === 'string') return (o.error_code ? `${String(o.error_code)}: ` : '') + o.message;
  }
  return String(e);
}

// ---------------------------------------------------------------------------------------------
// Migrations on disk

export async function readMigrations(provider: DatabaseTarget['provider']): Promise<MigrationList> {
  const baseDir = migrationsDir(provider);
  const lockPath = join(baseDir, 'migration_lock.toml');
  const lockContent = existsSync(lockPath) ? await readFile(lockPath, 'utf8') : `provider = "${provider}"\n`;
  const names = existsSync(baseDir)
    ? (await readdir(baseDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : [];
  const migrationDirectories = await Promise.all(
    names.map(async (name) => {
      const file = join(baseDir, name, 'migration.sql');
      const content = existsSync(file)
        ? ({ tag: 'ok', value: await readFile(file, 'utf8') } as const)
        : ({ tag: 'error', value: `missing ${file}` } as const);
      return { path: name, migrationFile: { path: 'migration.sql', content } };
    }),
  );
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

async function schemaFor(provider: DatabaseTarget['provider']): Promise<{ path: string; content: string }> {
  const path = join(PRISMA_DIR, 'schema.prisma');
  let content = await readFile(path, 'utf8');
  if (provider === 'sqlite') {
    // Same rewrite as scripts/prisma-generate.mjs: the SQLite model differs only in its provider.
    content = content.replace(/provider\s*=\s*"postgresql"/, 'provider = "sqlite"');
  }
  return { path, content };
}

/** `migrate deploy`: applies every pending migration; returns the names applied. */
export async function applyMigrations(target: DatabaseTarget): Promise<string[]> {
  const migrationsList = await readMigrations(target.provider);
  const out = await withEngine(target, (engine) => engine.applyMigrations({ migrationsList, filters: NO_FILTERS }));
  return out.appliedMigrationNames;
}

/**
 * The SQL that would bring the committed migrations up to prisma/schema.prisma, or '' when they
 * match. Replays the migrations on a shadow database: an in-memory one for SQLite, a scratch
 * database on the given server for PostgreSQL.
 */
export async function diffMigrationsToSchema(target: DatabaseTarget): Promise<string> {
  const migrationsList = await readMigrations(target.provider);
  const schema = await schemaFor(target.provider);
  const out = await withEngine(target, (engine) =>
    engine.diff({
      from: { tag: 'migrations', ...migrationsList },
      to: { tag: 'schemaDatamodel', files: [schema] },
      script: true,
      exitCode: true,
      filters: NO_FILTERS,
    }),
  );
  const sql = (out.stdout ?? '').trim();
  return /^-- This is an empty migration\.?$/.test(sql) || sql === '' ? '' : sql + '\n';
}

/** `migrate dev --create-only`: writes a new migration folder when the schema changed. */
export async function createMigration(target: DatabaseTarget, name: string, now = new Date()): Promise<string | null> {
  const sql = await diffMigrationsToSchema(target);
  if (!sql) return null;
  const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14);
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'migration';
  const dir = join(migrationsDir(target.provider), `${stamp}_${slug}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'migration.sql'), sql);
  const lock = join(migrationsDir(target.provider), 'migration_lock.toml');
  if (!existsSync(lock)) {
    await writeFile(lock, `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${target.provider}"\n`);
  }
  return dir;
}

/** Migration status: which committed migrations the database has not applied, and failures. */
export async function migrationStatus(target: DatabaseTarget): Promise<{ pending: string[]; failed: string[] }> {
  const migrationsList = await readMigrations(target.provider);
  const out = await withEngine(target, (engine) =>
    engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTERS }),
  );
  const history = out.history as { diagnostic?: string; unappliedMigrationNames?: string[] } | null;
  return {
    pending: history?.unappliedMigrationNames ?? [],
    failed: out.failedMigrationNames ?? [],
  };
}

/** Drops the PostgreSQL database of the URL, closing its connections (tests' scratch databases). */
export async function dropPostgresDatabase(url: string): Promise<void> {
  const name = String(pgConfigFromUrl(url).database).replace(/"/g, '""');
  await withAdminClient(url, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
