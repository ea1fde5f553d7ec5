/**
 * Opens the database of DATABASE_URL with the matching generated Prisma client and driver
 * adapter: SQLite through libsql (the embedded default) or PostgreSQL through pg.
 *
 * Both clients are generated from the same prisma/schema.prisma, so they have the same model
 * API; the rest of the code is typed against the PostgreSQL one and uses only what both
 * providers support.
 */
import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { PrismaClient } from '../generated/postgresql/client.js';
import { type DatabaseTarget, parseDatabaseUrl, redactUrl, sqliteFileOf } from './url.js';

export type { PrismaClient };
export type { Prisma } from '../generated/postgresql/client.js';

export interface Database {
  readonly prisma: PrismaClient;
  readonly target: DatabaseTarget;
  /**
   * Makes every transaction committed so far survive a power loss, for the moment before the
   * mailbox is told a message is stored (a Maildir file moved to cur/ is not offered again).
   * PostgreSQL commits are durable already; on SQLite see steadyConnections (synchronous=NORMAL).
   */
  flush(): Promise<void>;
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
  const file = target.provider === 'sqlite' ? sqliteFileOf(target.url) : ':memory:';
  return {
    prisma,
    target,
    flush: file === ':memory:' ? async () => {} : () => syncSqliteFiles(resolve(file)),
    close: () => prisma.$disconnect(),
  };
}

/**
 * fsync of the database file and its write-ahead log. With synchronous=NORMAL a commit is in the
 * WAL but only synced at the next checkpoint; Linux's fsync flushes the file whatever descriptor
 * wrote it, so syncing both files makes every commit so far durable (one sync per stored batch,
 * not per commit).
 */
async function syncSqliteFiles(file: string): Promise<void> {
  for (const path of [`${file}-wal`, file]) {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
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
  await reuseStatements();
  const Factory = steadyConnections(PrismaLibSql);
  const adapter = new Factory({ url: file === ':memory:' ? ':memory:' : `file:${file}`, timeout: options.busyTimeoutMs ?? 10_000 });
  const prisma = new PrismaClient({ adapter }) as unknown as PrismaClient;
  // WAL lets readers (rsvp list) run while the worker writes; it is stored in the file, so
  // setting it once per open is enough.
  await prisma.$queryRawUnsafe('PRAGMA journal_mode=WAL');
  return prisma;
}

/** Prepared statements kept per connection (least recently used dropped beyond this). */
const STATEMENTS_PER_CONNECTION = 200;

/**
 * libsql's Statement is never finalized: a statement prepared and dropped keeps its compiled
 * form and the values bound to it in native memory for the life of the process (about 4 KB
 * plus the values: 1.4 MB for a batch of 50 confirmations inserted at once), and
 * @libsql/client prepares every statement afresh. So the RSS of a poll grew with the backlog,
 * 30 MB per 1,000 messages. Here each connection keeps its statements by SQL text and runs them
 * again, which binds the new values over the old: memory stays bounded by the few distinct
 * statements Prisma generates. @libsql/client uses a statement only within one synchronous
 * call (prepare, bind, run or read all rows), so sharing one between calls is safe.
 */
async function reuseStatements(): Promise<void> {
  const { default: LibsqlDatabase } = await import('libsql');
  const proto = LibsqlDatabase.prototype as unknown as { prepare(sql: string): unknown; __statementsReused?: boolean };
  if (proto.__statementsReused) return;
  const prepare = proto.prepare;
  const caches = new WeakMap<object, Map<string, unknown>>();
  proto.prepare = function (this: object, sql: string) {
    let cache = caches.get(this);
    if (!cache) caches.set(this, (cache = new Map()));
    let statement = cache.get(sql);
    if (statement !== undefined) {
      cache.delete(sql);
    } else {
      statement = prepare.call(this, sql);
      if (cache.size >= STATEMENTS_PER_CONNECTION) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, statement);
    return statement;
  };
  proto.__statementsReused = true;
}

type LibSqlFactory = typeof import('@prisma/adapter-libsql').PrismaLibSql;
type LibSqlClient = ReturnType<InstanceType<LibSqlFactory>['createClient']>;

/**
 * The libsql adapter with two fixes for a long-running process on a SQLite file:
 *
 * - Transactions on one connection kept open. @libsql/client hands its connection to each
 *   transaction and opens a new one for what follows (sqlite3.js transaction()), and never closes
 *   the one it handed over: each poll batch left a connection with its page cache behind until
 *   the garbage collector, which does not see native memory, got to it (RSS grew with the
 *   backlog, to 500 MB after 2,000 messages). Here transactions run on a second client whose one
 *   connection stays open; the adapter runs one transaction at a time anyway (its mutex).
 * - `PRAGMA synchronous=NORMAL` on both connections. SQLite's default (FULL) syncs the WAL to
 *   disk at every commit: about 2.6 ms on this project's machines, longer than everything else a
 *   small write costs, and blocking the event loop (libsql is synchronous). In WAL mode NORMAL
 *   is still atomic and consistent, and a committed transaction survives the process being
 *   killed (kill -9, a crash); only a power loss or OS crash can undo the last commits, so the
 *   poll syncs the files (Database.flush) before it tells the mailbox a batch is stored
 *   (https://www.sqlite.org/pragma.html#pragma_synchronous, https://www.sqlite.org/wal.html).
 *   The pragma is per connection and may not be changed inside a transaction.
 */
function steadyConnections(Base: LibSqlFactory): LibSqlFactory {
  return class extends Base {
    override createClient(config: Parameters<InstanceType<LibSqlFactory>['createClient']>[0]) {
      const main = super.createClient(config);
      if (config.url === ':memory:' || config.url === 'file::memory:') return main;
      const txClient = super.createClient(config);
      const prepared = new WeakSet<LibSqlClient>();
      const ready = async (client: LibSqlClient) => {
        if (prepared.has(client)) return;
        prepared.add(client);
        await client.execute('PRAGMA synchronous=NORMAL');
      };
      let open = false;
      const BEGIN: Record<string, string> = { write: 'BEGIN IMMEDIATE', read: 'BEGIN TRANSACTION READONLY', deferred: 'BEGIN DEFERRED' };
      const transaction = async (mode: string = 'write') => {
        await ready(txClient);
        // A transaction left open by an error nobody rolled back must not swallow the next one.
        if (open) await txClient.execute('ROLLBACK').catch(() => {});
        await txClient.execute(BEGIN[mode] ?? 'BEGIN IMMEDIATE');
        open = true;
        const end = async (sql: 'COMMIT' | 'ROLLBACK') => {
          if (!open) return;
          await txClient.execute(sql);
          open = false;
        };
        return {
          execute: (stmt: Parameters<LibSqlClient['execute']>[0]) => txClient.execute(stmt),
          batch: (stmts: Parameters<LibSqlClient['batch']>[0]) => txClient.batch(stmts),
          executeMultiple: (sql: string) => txClient.executeMultiple(sql),
          commit: () => end('COMMIT'),
          rollback: () => end('ROLLBACK').catch(() => {}),
          close: () => void end('ROLLBACK').catch(() => {}),
          get closed() {
            return !open;
          },
        };
      };
      return new Proxy(main, {
        get(target, prop, receiver) {
          if (prop === 'transaction') return transaction;
          if (prop === 'close') {
            return () => {
              txClient.close();
              target.close();
            };
          }
          const value = Reflect.get(target, prop, receiver);
          if (prop === 'execute' || prop === 'batch' || prop === 'executeMultiple' || prop === 'migrate') {
            return async (...args: unknown[]) => {
              await ready(target);
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            };
          }
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }) as LibSqlClient;
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
