/**
 * Opens the database of DATABASE_URL with the matching generated Prisma client and driver
 * adapter: SQLite through libsql (the embedded default) or PostgreSQL through pg.
 *
 * Both clients are generated from the same prisma/schema.prisma, so they have the same model
 * API; the rest of the code is typed against the PostgreSQL one and uses only what both
 * providers support.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { PrismaClient } from '../generated/postgresql/client.js';
import { type DatabaseTarget, parseDatabaseUrl, redactUrl, sqliteFileOf } from './url.js';

export type { PrismaClient };
export type { Prisma } from '../generated/postgresql/client.js';

export interface Database {
  readonly prisma: PrismaClient;
  readonly target: DatabaseTarget;
  close(): Promise<void>;
}

export class DatabaseError extends Error {
  constructor(
    message: string,
    readonly code: 'EDBCONNECT' | 'EDBSCHEMA' | 'EDBURL',
  ) {
    super(message);
    this.name = 'DatabaseError';
  }
}

export interface OpenOptions {
  /** ms to wait on a locked SQLite file before failing (several processes on one file). */
  busyTimeoutMs?: number;
  /** PostgreSQL pool size. */
  poolSize?: number;
}

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  const target = parseDatabaseUrl(url);
  const prisma = target.provider === 'sqlite' ? await openSqlite(target, options) : await openPostgres(target, options);
  try {
    await prisma.$connect();
  } catch (e) {
    throw new DatabaseError(`cannot open the database ${redactUrl(url)}: ${firstLine(e)}`, 'EDBCONNECT');
  }
  return {
    prisma,
    target,
    close: () => prisma.$disconnect(),
  };
}

async function openSqlite(target: DatabaseTarget, options: OpenOptions): Promise<PrismaClient> {
  const file = sqliteFileOf(target.url);
  if (file !== ':memory:') await mkdir(dirname(resolve(file)), { recursive: true });
  const [{ PrismaClient }, { PrismaLibSql }] = await Promise.all([
    import('../generated/sqlite/client.js'),
    import('@prisma/adapter-libsql'),
  ]);
  // With libsql's default busy timeout of 0, a second process on the same file gets SQLITE_BUSY
  // and the connection can silently lose later writes (libsql-client-ts#352); the timeout reaches
  // every connection the adapter opens, unlike a PRAGMA.
  const Factory = syncNormal(PrismaLibSql);
  const adapter = new Factory({ url: file === ':memory:' ? ':memory:' : `file:${file}`, timeout: options.busyTimeoutMs ?? 10_000 });
  const prisma = new PrismaClient({ adapter }) as unknown as PrismaClient;
  // WAL lets readers (rsvp list) run while the worker writes; it is stored in the file, so
  // setting it once per open is enough.
  await prisma.$queryRawUnsafe('PRAGMA journal_mode=WAL');
  return prisma;
}

type LibSqlFactory = typeof import('@prisma/adapter-libsql').PrismaLibSql;

/**
 * The libsql adapter with `PRAGMA synchronous=NORMAL` on every connection it opens. SQLite's
 * default (FULL) syncs the WAL to disk at every commit: about 2.6 ms on this project's machines,
 * longer than everything else a small write costs, and it blocks the event loop (libsql is
 * synchronous). In WAL mode NORMAL is still atomic and consistent, and a committed transaction
 * survives the process being killed (kill -9, a crash): only a power loss or OS crash can undo
 * the last commits before the next checkpoint (https://www.sqlite.org/pragma.html#pragma_synchronous,
 * https://www.sqlite.org/wal.html). The pragma is per connection and may not be changed inside a
 * transaction, and the libsql client hands its connection to each transaction and opens a new
 * one lazily (@libsql/client sqlite3.js transaction()), so it is set on each new connection
 * before its first statement.
 */
function syncNormal(Base: LibSqlFactory): LibSqlFactory {
  return class extends Base {
    override createClient(config: Parameters<InstanceType<LibSqlFactory>['createClient']>[0]) {
      const client = super.createClient(config);
      let fresh = true;
      const ready = async () => {
        if (!fresh) return;
        fresh = false;
        await client.execute('PRAGMA synchronous=NORMAL');
      };
      return new Proxy(client, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (prop === 'execute' || prop === 'batch' || prop === 'executeMultiple' || prop === 'migrate') {
            return async (...args: unknown[]) => {
              await ready();
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            };
          }
          if (prop === 'transaction') {
            return async (...args: unknown[]) => {
              await ready();
              const tx = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
              // The connection went with the transaction; the next statement opens a new one.
              fresh = true;
              return tx;
            };
          }
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    }
  } as LibSqlFactory;
}

async function openPostgres(target: DatabaseTarget, options: OpenOptions): Promise<PrismaClient> {
  const [{ PrismaClient }, { PrismaPg }, pg] = await Promise.all([
    import('../generated/postgresql/client.js'),
    import('@prisma/adapter-pg'),
    import('pg'),
  ]);
  const pool = new pg.default.Pool({
    connectionString: target.url,
    max: options.poolSize ?? 5,
    allowExitOnIdle: true,
  });
  // A dropped idle connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  return new PrismaClient({ adapter });
}

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? message;
}

/**
 * Errors worth retrying the whole transaction for: SQLite busy/locked (another process holds the
 * write lock), PostgreSQL serialization failures and deadlocks, and Prisma's transaction
 * timeouts.
 */
export function isRetryableDbError(e: unknown): boolean {
  const err = e as { code?: string; message?: string; meta?: { code?: string; cause?: string } };
  const text = `${err?.message ?? ''} ${err?.meta?.cause ?? ''}`;
  if (err?.code === 'P2034' || err?.code === 'P1008' || err?.code === 'P2028') return true;
  if (err?.meta?.code === '40001' || err?.meta?.code === '40P01') return true;
  return /SQLITE_BUSY|database is locked|could not serialize|deadlock detected/i.test(text);
}

/** A unique constraint failed: another process wrote the same row first (Prisma P2002). */
export function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string })?.code === 'P2002';
}

/** Runs work, retrying on retryable database errors with a short randomised backoff. */
export async function withRetry<T>(work: () => Promise<T>, attempts = 8, retryable: (e: unknown) => boolean = isRetryableDbError): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (e) {
      if (i >= attempts || !retryable(e)) throw e;
      await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** i) * (0.5 + Math.random())));
    }
  }
}
