/**
 * A private Dovecot for the integration suite, on a free loopback port, with its own config,
 * state and mail folders in a temporary directory (see /work/shared/notes/dovecot-testbed.md).
 * Installs Debian's dovecot-imapd when it is missing: the contract's `npm test` runs on a fresh
 * machine and must bring its own services.
 */
import { execFile as execFileCb, spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { parseImapUrl } from '../../src/mailbox/imap.js';

const execFile = promisify(execFileCb);

export interface DovecotUser {
  user: string;
  password: string;
}

export interface Dovecot {
  host: string;
  port: number;
  users: DovecotUser[];
  /** The instance's dovecot.conf, for doveadm -c (see kickUser). */
  configFile: string;
  /** imap://USER:PASS@HOST:PORT/MAILBOX for one of the users (the first by default). */
  imapUrl(user?: string, mailbox?: string): string;
  stop(): Promise<void>;
}

export const DOVECOT_USERS: DovecotUser[] = [
  { user: 'organiser@example.test', password: 'secret-organiser' },
  { user: 'bench@example.test', password: 'secret-bench' },
  // A password with characters that must be URL-encoded (not ':', the passwd-file separator).
  { user: 'other@example.test', password: 'p@ss/w%rd#?' },
];

async function commandExists(name: string): Promise<boolean> {
  try {
    await execFile('sh', ['-c', `command -v ${name}`]);
    return true;
  } catch {
    return false;
  }
}

async function ensureDovecotInstalled(): Promise<void> {
  if (await commandExists('dovecot')) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    execFile('apt-get', ['install', '-y', '--no-install-recommends', 'dovecot-imapd'], { env, maxBuffer: 64 * 1024 * 1024 });
  try {
    await install();
  } catch {
    // A fresh image has no package lists yet.
    await execFile('apt-get', ['update'], { env, maxBuffer: 64 * 1024 * 1024 });
    await install();
  }
  if (!(await commandExists('dovecot'))) throw new Error('dovecot is not installed and apt-get could not install dovecot-imapd');
}

/**
 * Runs a command that forks into the background and exits. Its output is not piped: the daemon
 * inherits the descriptors and would keep a pipe open (execFile would then never return).
 */
function runDaemon(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

async function ensureVmailUser(): Promise<{ uid: number; gid: number }> {
  const lookup = async () => {
    const { stdout: uid } = await execFile('id', ['-u', 'vmail']);
    const { stdout: gid } = await execFile('id', ['-g', 'vmail']);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  };
  try {
    return await lookup();
  } catch {
    await execFile('useradd', ['-r', '-M', '-s', '/usr/sbin/nologin', 'vmail']).catch(async (e: Error) => {
      // Another test process may have created it in the meantime.
      if (!(await lookup().catch(() => null))) throw e;
    });
    return lookup();
  }
}

/** A port nobody listens on right now (the kernel's choice for port 0). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Resolves once the server on host:port sends its IMAP greeting ("* OK"). */
async function waitForGreeting(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer';
  while (Date.now() < deadline) {
    const greeted = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      let data = '';
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(1000, () => done(false));
      socket.on('data', (chunk) => {
        data += chunk.toString('latin1');
        if (data.includes('\n')) done(data.startsWith('* OK'));
      });
      socket.on('error', (e) => {
        lastError = e.message;
        done(false);
      });
    });
    if (greeted) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Dovecot on ${host}:${port} did not greet within ${timeoutMs} ms: ${lastError}`);
}

function config(dir: string, port: number, vmail: { uid: number; gid: number }): string {
  return `# Private test instance; nothing here is shared with a system Dovecot.
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_uid = ${vmail.uid}
mail_gid = ${vmail.gid}
mail_location = maildir:${dir}/home/%u/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${vmail.uid} gid=${vmail.gid} home=${dir}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
namespace inbox {
  inbox = yes
  separator = /
}
`;
}

export async function startDovecot(users: DovecotUser[] = DOVECOT_USERS): Promise<Dovecot> {
  await ensureDovecotInstalled();
  const vmail = await ensureVmailUser();
  const dir = await mkdtemp(join(tmpdir(), 'rsvp-dovecot-'));
  // mkdtemp makes it 0700; the mail processes run as vmail and must reach their home below it.
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'home'), { recursive: true });
  await chown(join(dir, 'home'), vmail.uid, vmail.gid);
  await writeFile(join(dir, 'users'), users.map((u) => `${u.user}:{PLAIN}${u.password}`).join('\n') + '\n', { mode: 0o644 });
  const file = join(dir, 'dovecot.conf');
  const host = '127.0.0.1';
  // The port is found free and then handed to Dovecot; a rare race with another process is
  // retried with a new port.
  let port = 0;
  let started = false;
  let lastError: unknown;
  for (let attempt = 0; attempt < 3 && !started; attempt++) {
    port = await freePort(host);
    await writeFile(file, config(dir, port, vmail));
    try {
      await runDaemon('dovecot', ['-c', file]);
      await waitForGreeting(host, port, 15_000);
      started = true;
    } catch (e) {
      lastError = e;
      await execFile('doveadm', ['-c', file, 'stop']).catch(() => {});
    }
  }
  if (!started) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`cannot start Dovecot: ${(lastError as Error)?.message ?? lastError}`);
  }
  return {
    host,
    port,
    users,
    configFile: file,
    imapUrl: (user, mailbox) => imapUrlOf({ host, port, users }, user, mailbox),
    async stop() {
      await execFile('doveadm', ['-c', file, 'stop']).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Drops every IMAP connection of the user, as a server restart or a network cut would. */
export async function kickUser(configFile: string, user: string): Promise<void> {
  await execFile('doveadm', ['-c', configFile, 'kick', user]);
}

/** imap://USER:PASS@HOST:PORT/MAILBOX for a user of a running Dovecot (e.g. from inject('dovecot')). */
export function imapUrlOf(dovecot: { host: string; port: number; users: DovecotUser[] }, user = dovecot.users[0]!.user, mailbox = 'INBOX'): string {
  const found = dovecot.users.find((u) => u.user === user);
  if (!found) throw new Error(`no Dovecot test user ${user}`);
  return `imap://${encodeURIComponent(found.user)}:${encodeURIComponent(found.password)}@${dovecot.host}:${dovecot.port}/${encodeURIComponent(mailbox)}`;
}

/** The parts of an imap:// URL imapflow needs (read by the IMAP source's own parser). */
export function imapOptionsOf(imapUrl: string): { host: string; port: number; secure: boolean; auth: { user: string; pass: string }; mailbox: string } {
  const t = parseImapUrl(imapUrl);
  return { host: t.host, port: t.port, secure: t.secure, auth: { user: t.user, pass: t.pass }, mailbox: t.mailbox };
}

/** An imapflow client on the URL's server, connected; the caller logs out. */
export async function connectImap(imapUrl: string): Promise<ImapFlow> {
  const { mailbox: _mailbox, ...options } = imapOptionsOf(imapUrl);
  const client = new ImapFlow({ ...options, logger: false, tls: { rejectUnauthorized: false } });
  await client.connect();
  return client;
}

/** APPENDs raw messages to the URL's mailbox (created when missing); returns their UIDs. */
export async function appendMessage(imapUrl: string, ...raws: (string | Buffer)[]): Promise<bigint[]> {
  const { mailbox } = imapOptionsOf(imapUrl);
  const client = await connectImap(imapUrl);
  try {
    if (mailbox.toUpperCase() !== 'INBOX') await client.mailboxCreate(mailbox).catch(() => {});
    const uids: bigint[] = [];
    for (const raw of raws) {
      const result = await client.append(mailbox, raw);
      if (result && result.uid !== undefined) uids.push(BigInt(result.uid));
    }
    return uids;
  } finally {
    await client.logout().catch(() => {});
  }
}

/**
 * Stops a running test Dovecot's server and every connection it holds, keeping its folders and
 * port, as an outage would; resumeDovecot starts it again on the same port.
 */
export async function pauseDovecot(dovecot: { configFile: string }): Promise<void> {
  // Kicked first: on `stop` alone the imap processes keep their connections for about 10 s more.
  await execFile('doveadm', ['-c', dovecot.configFile, 'kick', '*']).catch(() => {});
  await execFile('doveadm', ['-c', dovecot.configFile, 'stop']);
}

export async function resumeDovecot(dovecot: { configFile: string; host: string; port: number }): Promise<void> {
  await runDaemon('dovecot', ['-c', dovecot.configFile]);
  await waitForGreeting(dovecot.host, dovecot.port, 15_000);
}
