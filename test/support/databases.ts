/**
 * A fresh, migrated database for a test file: a temporary SQLite file, or a new database on the
 * PostgreSQL server at 127.0.0.1:5432 (PGSERVER_URL overrides), dropped afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { applyMigrations, dropPostgresDatabase, ensurePostgresDatabase } from '../../src/db/schema-engine.js';
import { parseDatabaseUrl } from '../../src/db/url.js';

export type Provider = 'sqlite' | 'postgresql';
export const PROVIDERS: Provider[] = ['sqlite', 'postgresql'];

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export function postgresServerUrl(): string {
  return process.env.PGSERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
}

export async function freshDatabase(provider: Provider): Promise<TestDatabase> {
  if (provider === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'rsvp-db-'));
    const url = `file:${join(dir, 'rsvp.db')}`;
    await applyMigrations(parseDatabaseUrl(url));
    return { url, drop: () => rm(dir, { recursive: true, force: true }) };
  }
  const server = new URL(postgresServerUrl());
  server.pathname = `/rsvp_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = server.toString();
  await ensurePostgresDatabase(url);
  await applyMigrations(parseDatabaseUrl(url));
  return { url, drop: () => dropPostgresDatabase(url) };
}
