/**
 * One UPDATE for many rows that each get their own values, on SQLite and PostgreSQL alike:
 *
 *   UPDATE "T" SET "a" = CASE "id" WHEN ?1 THEN ?3 WHEN ?2 THEN ?5 END, "b" = …
 *   WHERE "id" IN (?1, ?2) AND <condition>
 *
 * Prisma's updateMany writes the same values to every row, and update() is one round trip (and,
 * on SQLite, one rewrite of the row) per row; a poll batch of 50 messages would otherwise pay
 * that 100 times. The values are bound as numbered parameters (SQLite `?NNN`, PostgreSQL `$n`),
 * each row's key once. PostgreSQL infers no type for a bare parameter in a CASE, so every value
 * is cast to its column's type there; on SQLite values are stored the way Prisma stores them
 * (DateTime as ISO-8601 text with "+00:00", Json as text, Boolean as 0/1), so that Prisma reads
 * the rows back unchanged.
 */
import type { Prisma, PrismaClient } from './client.js';

export type BulkColumnType = 'text' | 'int' | 'float' | 'bool' | 'json' | 'timestamp';

export interface BulkUpdateSpec {
  table: string;
  /** The key column ("id"); its values are strings. */
  key?: string;
  columns: Readonly<Record<string, BulkColumnType>>;
  rows: readonly { key: string; values: object }[];
  /** Further conditions on every row, each `column = value` (the claim a worker holds). */
  where?: Readonly<Record<string, string>>;
}

const PG_CAST: Record<BulkColumnType, string> = {
  text: 'text',
  int: 'integer',
  float: 'double precision',
  bool: 'boolean',
  json: 'jsonb',
  timestamp: 'timestamp(3)',
};

/** An invalid Date (a Date header nobody could read) is stored as no date. */
function isNothing(value: unknown): boolean {
  return value === null || value === undefined || (value instanceof Date && Number.isNaN(value.getTime()));
}

function sqliteValue(type: BulkColumnType, value: unknown): unknown {
  if (isNothing(value)) return null;
  switch (type) {
    case 'json':
      return JSON.stringify(value);
    case 'bool':
      return value ? 1 : 0;
    case 'timestamp':
      return (value as Date).toISOString().replace('Z', '+00:00');
    default:
      return value;
  }
}

function postgresValue(type: BulkColumnType, value: unknown): unknown {
  if (isNothing(value)) return null;
  switch (type) {
    case 'json':
      return JSON.stringify(value);
    case 'timestamp':
      // timestamp(3) without zone holds UTC (Prisma's convention); the "Z" is ignored on input.
      return (value as Date).toISOString();
    default:
      return value;
  }
}

/** The statement and its parameters; exported for the unit test. */
export function bulkUpdateSql(provider: 'sqlite' | 'postgresql', spec: BulkUpdateSpec): { sql: string; params: unknown[] } {
  const key = spec.key ?? 'id';
  const params: unknown[] = [];
  const pg = provider === 'postgresql';
  const param = (value: unknown, type: BulkColumnType) => {
    params.push(pg ? postgresValue(type, value) : sqliteValue(type, value));
    return pg ? `$${params.length}::${PG_CAST[type]}` : `?${params.length}`;
  };
  const keys = spec.rows.map((r) => param(r.key, 'text'));
  const sets = Object.entries(spec.columns).map(([column, type]) => {
    const whens = spec.rows.map((r, i) => `WHEN ${keys[i]} THEN ${param((r.values as Record<string, unknown>)[column], type)}`).join(' ');
    return `"${column}" = CASE "${key}" ${whens} END`;
  });
  const conditions = [`"${key}" IN (${keys.join(', ')})`, ...Object.entries(spec.where ?? {}).map(([c, v]) => `"${c}" = ${param(v, 'text')}`)];
  return { sql: `UPDATE "${spec.table}" SET ${sets.join(', ')} WHERE ${conditions.join(' AND ')}`, params };
}

/** Runs the bulk update; returns the number of rows it changed. */
export async function bulkUpdate(
  db: Prisma.TransactionClient | PrismaClient,
  provider: 'sqlite' | 'postgresql',
  spec: BulkUpdateSpec,
): Promise<number> {
  if (spec.rows.length === 0) return 0;
  const { sql, params } = bulkUpdateSql(provider, spec);
  return db.$executeRawUnsafe(sql, ...params);
}
