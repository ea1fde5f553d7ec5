/**
 * The PostgreSQL server the integration suite creates its databases on: the one at
 * 127.0.0.1:5432 (or PGSERVER_URL) when it answers; otherwise a private instance, installed from
 * Debian's packages when missing, initialised in a temporary folder and listening on a free
 * loopback port with trust authentication (the contract's `npm test` on a fresh machine).
 */
import { execFile as execFileCb } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './dovecot.js';

const execFile = promisify(execFileCb);

export interface PostgresServer {
  /** postgresql://postgres@HOST:PORT/postgres */
  url: string;
  /** Whether this process started it (and stop() stops it). */
  private: boolean;
  stop(): Promise<void>;
}

export function defaultPostgresServerUrl(): string {
  return process.env.PGSERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The directory holding initdb and pg_ctl: Debian keeps them out of PATH. */
function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], 'bin');
  }
  for (const dir of ['/usr/local/bin', '/usr/bin']) if (existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'initdb'))) return dir;
  return null;
}

async function ensureInstalled(): Promise<string> {
  const found = postgresBinDir();
  if (found) return found;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => execFile('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { env, maxBuffer: 64 * 1024 * 1024 });
  try {
    await install();
  } catch {
    await execFile('apt-get', ['update'], { env, maxBuffer: 64 * 1024 * 1024 });
    await install();
  }
  const dir = postgresBinDir();
  if (!dir) throw new Error('PostgreSQL is not installed and apt-get could not install it');
  return dir;
}

/** Runs a PostgreSQL tool as the postgres user when we are root (initdb and postgres refuse root). */
function asPostgres(command: string, args: string[]) {
  if (process.getuid?.() === 0) return execFile('runuser', ['-u', 'postgres', '--', command, ...args], { maxBuffer: 16 * 1024 * 1024 });
  return execFile(command, args, { maxBuffer: 16 * 1024 * 1024 });
}

export async function ensurePostgresServer(): Promise<PostgresServer> {
  const url = defaultPostgresServerUrl();
  if (await answers(url)) return { url, private: false, stop: async () => {} };

  const bin = await ensureInstalled();
  if (process.getuid?.() === 0) {
    await execFile('id', ['-u', 'postgres']).catch(() => execFile('useradd', ['-r', '-M', '-s', '/usr/sbin/nologin', 'postgres']));
  }
  const dir = await mkdtemp(join(tmpdir(), 'rsvp-postgres-'));
  await chmod(dir, 0o755);
  if (process.getuid?.() === 0) {
    const { stdout: uid } = await execFile('id', ['-u', 'postgres']);
    const { stdout: gid } = await execFile('id', ['-g', 'postgres']);
    await chown(dir, Number(uid.trim()), Number(gid.trim()));
  }
  const data = join(dir, 'data');
  await asPostgres(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C']);
  const port = await freePort();
  await asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'postgres.log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  const privateUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  if (!(await answers(privateUrl))) throw new Error(`private PostgreSQL on 127.0.0.1:${port} does not answer (log: ${join(dir, 'postgres.log')})`);
  return {
    url: privateUrl,
    private: true,
    async stop() {
      await asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
