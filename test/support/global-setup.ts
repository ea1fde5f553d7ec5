/**
 * vitest globalSetup of the integration project: starts the services the suite runs against once
 * per run, hands their coordinates to the tests (`inject('dovecot')`, `inject('imapUrl')`,
 * `inject('postgresUrl')`, `inject('postgresServerUrl')`, see env.d.ts), and removes them again
 * afterwards.
 * - a private Dovecot on a free loopback port (installed with apt-get when missing);
 * - a fresh PostgreSQL database rsvp_test_<random>, dropped WITH (FORCE) in teardown, on the
 *   server at 127.0.0.1:5432 (PGSERVER_URL overrides) or, when none answers, on a private
 *   instance (postgres.ts). PGSERVER_URL is then set for the test processes, which vitest starts
 *   after this setup, so test/support/databases.ts creates its databases there too.
 * Each test file starts its own SMTP receiver (smtp-receiver.ts): it keeps messages in memory,
 * and the tests run in other processes than this one.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startDovecot, type Dovecot } from './dovecot.js';
import { ensurePostgresServer, type PostgresServer } from './postgres.js';

async function withServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

interface TestPostgres {
  server: PostgresServer;
  name: string;
  url: string;
}

async function createDatabase(): Promise<TestPostgres> {
  const server = await ensurePostgresServer();
  const name = `rsvp_test_${randomBytes(6).toString('hex')}`;
  try {
    await withServer(server.url, (c) => c.query(`CREATE DATABASE "${name}"`));
  } catch (e) {
    await server.stop();
    const where = new URL(server.url);
    throw new Error(`cannot create a test database on PostgreSQL at ${where.hostname}:${where.port || 5432}: ${(e as Error).message}`);
  }
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return { server, name, url: url.toString() };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let dovecot: Dovecot | null = null;
  let postgres: TestPostgres | null = null;
  const teardown = async () => {
    if (postgres) {
      const { name, server } = postgres;
      await withServer(server.url, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).catch(() => {});
      await server.stop();
    }
    if (dovecot) await dovecot.stop();
  };
  // Both are started at once; whichever did start is removed again if the other failed.
  const [d, p] = await Promise.allSettled([startDovecot(), createDatabase()]);
  if (d.status === 'fulfilled') dovecot = d.value;
  if (p.status === 'fulfilled') postgres = p.value;
  if (d.status === 'rejected' || p.status === 'rejected') {
    await teardown();
    throw d.status === 'rejected' ? d.reason : (p as PromiseRejectedResult).reason;
  }
  if (!dovecot || !postgres) throw new Error('unreachable');
  if (postgres.server.private) process.env.PGSERVER_URL = postgres.server.url;
  project.provide('dovecot', { host: dovecot.host, port: dovecot.port, users: dovecot.users, configFile: dovecot.configFile });
  project.provide('imapUrl', dovecot.imapUrl());
  project.provide('postgresUrl', postgres.url);
  project.provide('postgresServerUrl', postgres.server.url);
  return teardown;
}
