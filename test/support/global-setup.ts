/**
 * vitest globalSetup of the integration project: starts the services the suite runs against once
 * per run, hands their coordinates to the tests (`inject('dovecot')`, `inject('imapUrl')`,
 * `inject('postgresUrl')`, see env.d.ts), and removes them again afterwards.
 * - a private Dovecot on a free loopback port (installed with apt-get when missing);
 * - a fresh PostgreSQL database rsvp_test_<random> on the server at 127.0.0.1:5432 (PGSERVER_URL
 *   overrides), dropped WITH (FORCE) in teardown.
 * Each test file starts its own SMTP receiver (smtp-receiver.ts): it keeps messages in memory,
 * and the tests run in other processes than this one.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startDovecot, type Dovecot } from './dovecot.js';

function postgresServerUrl(): string {
  return process.env.PGSERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
}

async function withServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresServerUrl(), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function createDatabase(): Promise<{ url: string; name: string }> {
  const name = `rsvp_test_${randomBytes(6).toString('hex')}`;
  try {
    await withServer((c) => c.query(`CREATE DATABASE "${name}"`));
  } catch (e) {
    const server = new URL(postgresServerUrl());
    throw new Error(`PostgreSQL at ${server.hostname}:${server.port || 5432} is needed by the integration tests: ${(e as Error).message}`);
  }
  const url = new URL(postgresServerUrl());
  url.pathname = `/${name}`;
  return { url: url.toString(), name };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let dovecot: Dovecot | null = null;
  let database: { url: string; name: string } | null = null;
  const teardown = async () => {
    if (database) {
      const name = database.name;
      await withServer((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).catch(() => {});
    }
    if (dovecot) await dovecot.stop();
  };
  // Both are started at once; whichever did start is removed again if the other failed.
  const [d, db] = await Promise.allSettled([startDovecot(), createDatabase()]);
  if (d.status === 'fulfilled') dovecot = d.value;
  if (db.status === 'fulfilled') database = db.value;
  if (d.status === 'rejected' || db.status === 'rejected') {
    await teardown();
    throw d.status === 'rejected' ? d.reason : (db as PromiseRejectedResult).reason;
  }
  if (!dovecot || !database) throw new Error('unreachable');
  project.provide('dovecot', { host: dovecot.host, port: dovecot.port, users: dovecot.users });
  project.provide('imapUrl', dovecot.imapUrl());
  project.provide('postgresUrl', database.url);
  return teardown;
}
