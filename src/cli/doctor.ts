/**
 * `rsvp doctor`: what an admin checks before trusting the service with a mailbox, each check on
 * one line with what to fix. Every check runs even when an earlier one fails (a broken mailbox
 * says nothing about the sender), except those that need what failed (no events without a
 * database). Connections use short timeouts: a firewall that drops packets must not hang the
 * command. Secrets never reach the output: URLs are shown without their passwords, and error
 * texts from lower layers are scrubbed of them as well.
 */
import { existsSync } from 'node:fs';
import { rm, stat, statfs, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { IANAZone } from 'luxon';
import type { LoadedConfig } from '../config/load.js';
import { mailFromAddress } from '../config/load.js';
import { configSchema } from '../config/schema.js';
import { parseDatabaseUrl, redactUrl, sqliteFileOf } from '../db/url.js';
import { formatDate } from '../core/dates.js';
import { silentLogger } from '../log.js';
import type { Colours } from './colour.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface Check {
  name: string;
  status: CheckStatus;
  /** What was found, safe to show (no passwords). */
  detail: string;
  /** What to do about a failure or warning. */
  hint: string | null;
}

export interface DoctorReport {
  ok: boolean;
  checks: Check[];
}

export interface DoctorOptions {
  /** Loads the config (throws ConfigError when invalid). */
  loadConfig: () => LoadedConfig;
  /** Connection timeout for IMAP, SMTP and the database (ms). */
  timeoutMs?: number;
  /** The machine's clock (not RSVP_NOW), for the clock check. */
  clock?: () => Date;
  /** Free space below this fails the disk check (bytes). */
  minFreeBytes?: number;
}

const DEFAULT_MAIL_FROM = configSchema.parse({}).mailFrom;
const MIN_FREE_BYTES = 200 * 1024 * 1024;
/** A clock before this is wrong on any machine that runs this code (the project's first year). */
const EARLIEST_SANE_CLOCK = Date.parse('2025-01-01T00:00:00Z');

const pass = (name: string, detail: string): Check => ({ name, status: 'pass', detail, hint: null });
const fail = (name: string, detail: string, hint: string): Check => ({ name, status: 'fail', detail, hint });
const warn = (name: string, detail: string, hint: string): Check => ({ name, status: 'warn', detail, hint });
const skip = (name: string, detail: string): Check => ({ name, status: 'skip', detail, hint: null });

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const checks: Check[] = [];
  let config: LoadedConfig;
  try {
    config = options.loadConfig();
    checks.push(pass('config', config.source ? `${config.source} is valid` : 'no config file: the built-in defaults'));
  } catch (e) {
    checks.push(fail('config', firstLine(e), 'fix the file (config/rsvp.yaml documents every key) or the environment variable named'));
    for (const name of ['database', 'mailbox', 'sender', 'mail-from', 'time zones', 'clock', 'coordinators', 'disk']) {
      checks.push(skip(name, 'needs a valid config'));
    }
    return { ok: false, checks };
  }

  const [database, mailbox, sender, disk] = await Promise.all([
    checkDatabase(config, timeoutMs),
    checkMailbox(config, timeoutMs),
    checkSender(config, timeoutMs),
    checkDisk(config.paths.data, options.minFreeBytes ?? MIN_FREE_BYTES),
  ]);
  checks.push(database.check, mailbox, sender, checkMailFrom(config));
  const events = database.events;
  checks.push(checkTimeZones(config, events));
  checks.push(checkClock(config, (options.clock ?? (() => new Date()))()));
  checks.push(events ? checkCoordinators(config, events) : skip('coordinators', 'needs the database'));
  checks.push(disk);
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}

interface EventFacts {
  slug: string;
  timezone: string;
  coordinators: string[];
  endsAt: Date;
  state: string;
}

async function checkDatabase(config: LoadedConfig, timeoutMs: number): Promise<{ check: Check; events: EventFacts[] | null }> {
  const url = config.database.url;
  const shown = redactUrl(url);
  let target;
  try {
    target = parseDatabaseUrl(url);
  } catch (e) {
    return { check: fail('database', firstLine(e), 'set DATABASE_URL to file:PATH or postgresql://user:pass@host:port/db'), events: null };
  }
  if (target.provider === 'sqlite') {
    const file = sqliteFileOf(url);
    if (file !== ':memory:' && !existsSync(resolve(file))) {
      return { check: fail('database', `${shown}: the file ${resolve(file)} does not exist`, 'run `rsvp db migrate` to create it'), events: null };
    }
  }
  const secrets = passwordsOf(url);
  if (target.provider === 'postgresql') {
    // The schema engine would create a missing database: a check must change nothing.
    const missing = await probePostgres(url, timeoutMs).catch((e: unknown) => e as Error);
    if (missing instanceof Error) {
      const hint = 'check host, port, user and password of DATABASE_URL, and that PostgreSQL runs';
      return { check: fail('database', `${shown}: ${scrub(firstLine(missing), secrets)}`, hint), events: null };
    }
    if (missing) return { check: fail('database', `${shown}: the database does not exist`, 'run `rsvp db migrate` to create it'), events: null };
  }
  try {
    const { migrationStatus } = await import('../db/schema-engine.js');
    const status = await withTimeout(migrationStatus(target), timeoutMs * 2, `no answer from ${shown}`);
    if (status.failed.length) {
      return { check: fail('database', `${shown}: failed migrations ${status.failed.join(', ')}`, 'repair the database, then run `rsvp db migrate`'), events: null };
    }
    if (status.pending.length) {
      return {
        check: fail('database', `${shown}: ${status.pending.length} migration(s) not applied (${status.pending.join(', ')})`, 'run `rsvp db migrate`'),
        events: null,
      };
    }
  } catch (e) {
    const hint = target.provider === 'postgresql' ? 'check host, port, user and password of DATABASE_URL, and that PostgreSQL runs' : 'check the file and its folder can be read and written';
    return { check: fail('database', `${shown}: ${scrub(firstLine(e), secrets)}`, hint), events: null };
  }
  let events: EventFacts[] | null = null;
  try {
    const { openDatabase } = await import('../db/client.js');
    const db = await withTimeout(openDatabase(url, { busyTimeoutMs: config.database.busyTimeoutMs, poolSize: 1 }), timeoutMs, `no answer from ${shown}`);
    try {
      const rows = await db.prisma.event.findMany({ select: { slug: true, timezone: true, coordinators: true, endsAt: true, state: true }, orderBy: { slug: 'asc' } });
      events = rows.map((r) => ({ ...r, coordinators: Array.isArray(r.coordinators) ? (r.coordinators as string[]) : [] }));
    } finally {
      await db.close();
    }
  } catch (e) {
    return { check: fail('database', `${shown}: migrations applied, but reading failed: ${scrub(firstLine(e), secrets)}`, 'run `rsvp db migrate`, then `rsvp doctor --verbose`'), events: null };
  }
  return { check: pass('database', `${shown} reachable, migrations up to date, ${events.length} event(s)`), events };
}

/** Connects once: true when the server answers that the database does not exist (3D000). */
async function probePostgres(url: string, timeoutMs: number): Promise<boolean> {
  const [{ default: pg }, { pgConfigFromUrl }] = await Promise.all([import('pg'), import('../db/schema-engine.js')]);
  const client = new pg.Client({ ...pgConfigFromUrl(url), connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    return false;
  } catch (e) {
    if ((e as { code?: string }).code === '3D000') return true;
    throw e;
  } finally {
    await client.end().catch(() => {});
  }
}

async function checkMailbox(config: LoadedConfig, timeoutMs: number): Promise<Check> {
  const url = config.mailbox.imapUrl;
  if (!url) {
    const folder = await checkWritableFolder(config.paths.maildir, ['new', 'cur', 'tmp']);
    return folder.ok
      ? pass('mailbox', `Maildir ${config.paths.maildir} ${folder.detail}`)
      : fail('mailbox', `Maildir ${config.paths.maildir}: ${folder.detail}`, 'create the folder with write permission for this user, or set IMAP_URL');
  }
  const secrets = passwordsOf(url);
  let shown = redactUrl(url);
  try {
    const { createImapSource, parseImapUrl } = await import('../mailbox/imap.js');
    const target = parseImapUrl(url);
    shown = `${target.server}/${target.mailbox} as ${target.user}`;
    const source = createImapSource({ url, logger: silentLogger(), connectionTimeout: timeoutMs });
    try {
      // watch() logs in and EXAMINEs the mailbox: the same steps a poll starts with.
      const stop = await withTimeout(source.watch!(() => {}), timeoutMs * 2, `IMAP server ${target.server} did not answer within ${(timeoutMs * 2) / 1000} s`);
      await stop();
    } finally {
      await source.close().catch(() => {});
    }
    return pass('mailbox', `IMAP ${shown}: logged in, mailbox exists`);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const hint =
      code === 'EIMAPAUTH'
        ? 'check the user and password in IMAP_URL (URL-encoded)'
        : code === 'EIMAPMAILBOX'
          ? 'create the mailbox or correct its name at the end of IMAP_URL (e.g. /INBOX)'
          : code === 'EIMAPURL'
            ? 'write IMAP_URL as imap://USER:PASS@HOST:PORT/MAILBOX'
            : 'check the host and port of IMAP_URL (imaps:// for TLS on 993) and that a firewall lets it through';
    return fail('mailbox', scrub(firstLine(e), secrets), hint);
  }
}

async function checkSender(config: LoadedConfig, timeoutMs: number): Promise<Check> {
  const url = config.outbox.smtpUrl;
  if (!url) {
    const folder = await checkWritableFolder(config.paths.outbox, []);
    return folder.ok
      ? pass('sender', `outbox folder ${config.paths.outbox} ${folder.detail}`)
      : fail('sender', `outbox folder ${config.paths.outbox}: ${folder.detail}`, 'create the folder with write permission for this user, or set SMTP_URL');
  }
  const secrets = passwordsOf(url);
  const { smtpServerOf, toSendError } = await import('../sender/smtp.js');
  const server = smtpServerOf(url);
  const nodemailer = (await import('nodemailer')).default;
  let transport;
  try {
    transport = nodemailer.createTransport({ url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs * 2, logger: false });
  } catch (e) {
    return fail('sender', scrub(firstLine(e), secrets), 'write SMTP_URL as smtp://USER:PASS@HOST:PORT');
  }
  try {
    await withTimeout(transport.verify(), timeoutMs * 3, `SMTP server ${server} did not answer within ${(timeoutMs * 3) / 1000} s`);
    return pass('sender', `SMTP ${server}: connected${new URL(url).username ? ' and logged in' : ''}`);
  } catch (e) {
    const err = e as { code?: string; message?: string };
    const text = err.message ?? '';
    const unreachable = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EAI_AGAIN|timeout|did not answer/i.test(text);
    const hint =
      err.code === 'EAUTH'
        ? 'check the user and password in SMTP_URL (URL-encoded)'
        : !unreachable && (err.code === 'ETLS' || /ssl|tls|certificate|wrong version/i.test(text))
          ? 'check smtp:// (STARTTLS, port 587) against smtps:// (TLS, port 465)'
          : 'check the host and port of SMTP_URL and that a firewall lets it through';
    return fail('sender', toSendError(e, server, secrets).message, hint);
  } finally {
    transport.close();
  }
}

function checkMailFrom(config: LoadedConfig): Check {
  const { address } = mailFromAddress(config);
  if (address === mailFromAddress({ mailFrom: DEFAULT_MAIL_FROM }).address) {
    return fail('mail-from', `still the default ${address}`, 'set MAIL_FROM (or mailFrom in the config) to the organiser\'s own address, the one replies go to');
  }
  // RFC 2606 and RFC 6761 reserve these names: no reply can ever reach such an address.
  if (/\.(example|test|invalid|localhost|localdomain)$|@localhost$/i.test(address)) {
    return warn('mail-from', `${config.mailFrom}: a reserved domain that cannot receive replies`, "fine for a trial on the outbox folder; set MAIL_FROM to the organiser's real address before sending");
  }
  return pass('mail-from', config.mailFrom);
}

function checkTimeZones(config: LoadedConfig, events: EventFacts[] | null): Check {
  const bad = (events ?? []).filter((e) => !IANAZone.isValidZone(e.timezone)).map((e) => `${e.slug} (${e.timezone})`);
  if (bad.length) return fail('time zones', `unknown time zone in event ${bad.join(', ')}`, 'set timezone: to an IANA zone such as Europe/Amsterdam and import the event again');
  // Node built with small-icu has no Dutch month names: mails would say "Monday 26 November".
  const sample = formatDate(new Date('2018-11-26T14:00:00Z'), 'Europe/Amsterdam', 'nl');
  if (sample !== 'maandag 26 november 2018') {
    return fail('time zones', `Dutch dates come out as "${sample}"`, 'use a Node.js build with full ICU data (the official builds have it)');
  }
  const zones = new Set([config.schedules.timezone, ...(events ?? []).map((e) => e.timezone)]);
  return pass('time zones', `${[...zones].join(', ')} known; Dutch dates read "${sample}"`);
}

function checkClock(config: LoadedConfig, clock: Date): Check {
  if (Number.isNaN(clock.getTime()) || clock.getTime() < EARLIEST_SANE_CLOCK) {
    return fail('clock', `the system clock says ${Number.isNaN(clock.getTime()) ? 'an invalid date' : clock.toISOString()}`, 'set the system clock (NTP): schedules and reminders follow it');
  }
  if (config.fixedNow) {
    const days = Math.round((config.fixedNow.getTime() - clock.getTime()) / 86_400_000);
    const apart = days === 0 ? 'the same day as' : `${Math.abs(days)} day(s) ${days < 0 ? 'before' : 'after'}`;
    return warn('clock', `RSVP_NOW fixes "now" at ${config.fixedNow.toISOString()}, ${apart} the system clock (${clock.toISOString()})`, 'unset RSVP_NOW for the worker: it is for dry runs and tests');
  }
  return pass('clock', `${clock.toISOString()} (${config.schedules.timezone} schedules)`);
}

function checkCoordinators(config: LoadedConfig, events: EventFacts[]): Check {
  const now = config.now();
  const upcoming = events.filter((e) => e.state === 'scheduled' && e.endsAt.getTime() > now.getTime());
  if (upcoming.length === 0) return pass('coordinators', events.length ? 'no upcoming events' : 'no events yet');
  const global = config.digest.coordinators;
  const without = upcoming.filter((e) => e.coordinators.length === 0 && global.length === 0).map((e) => e.slug);
  if (without.length) {
    return fail('coordinators', `no coordinator for ${without.join(', ')}: nobody gets its digest or review queue`, 'add coordinators: [address] to the event file and import it again, or set digest.coordinators in the config');
  }
  return pass('coordinators', upcoming.map((e) => `${e.slug}: ${[...new Set([...e.coordinators, ...global])].length}`).join(', '));
}

async function checkDisk(dataDir: string, minFree: number): Promise<Check> {
  const at = nearestExisting(dataDir);
  try {
    const s = await statfs(at);
    const free = Number(s.bavail) * Number(s.bsize);
    const shown = `${formatBytes(free)} free in ${at}`;
    return free < minFree ? fail('disk', shown, `free space on that file system: the database, raw messages and outbox grow there (at least ${formatBytes(minFree)})`) : pass('disk', shown);
  } catch (e) {
    return fail('disk', `cannot read the free space of ${at}: ${firstLine(e)}`, 'check the data folder (dataDir in the config)');
  }
}

/** Exists and writable (a file is written and removed), or missing with a writable parent to be created in. */
async function checkWritableFolder(dir: string, subfolders: string[]): Promise<{ ok: boolean; detail: string }> {
  if (!existsSync(dir)) {
    const parent = nearestExisting(dir);
    const probe = await probeWrite(parent);
    return probe ? { ok: false, detail: `does not exist, and ${parent} is not writable (${probe})` } : { ok: true, detail: 'will be created on first use' };
  }
  try {
    if (!(await stat(dir)).isDirectory()) return { ok: false, detail: 'is not a folder' };
  } catch (e) {
    return { ok: false, detail: firstLine(e) };
  }
  for (const sub of subfolders) {
    const path = join(dir, sub);
    if (existsSync(path)) {
      const probe = await probeWrite(path);
      if (probe) return { ok: false, detail: `${sub}/ is not writable (${probe})` };
    }
  }
  const probe = await probeWrite(dir);
  return probe ? { ok: false, detail: `is not writable (${probe})` } : { ok: true, detail: 'exists and is writable' };
}

/** null when a file could be written in `dir`, else the error code. */
async function probeWrite(dir: string): Promise<string | null> {
  const file = join(dir, `.rsvp-doctor-${process.pid}-${Date.now()}`);
  try {
    await writeFile(file, '');
    await rm(file, { force: true });
    return null;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? firstLine(e);
  }
}

function nearestExisting(path: string): string {
  let at = resolve(path);
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  return at;
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  return `${Math.round(n / 1024 ** 2)} MB`;
}

function passwordsOf(url: string): string[] {
  try {
    const p = new URL(url).password;
    return p ? [p, decodeURIComponent(p)] : [];
  } catch {
    return [];
  }
}

function scrub(text: string, secrets: string[]): string {
  return secrets.filter((s) => s.length > 0).reduce((t, s) => t.split(s).join('***'), text);
}

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n').map((l) => l.trim()).find(Boolean) ?? message;
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(message), { code: 'ETIMEDOUT' })), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const MARKS: Record<CheckStatus, string> = { pass: '✓', warn: '!', fail: '✗', skip: '-' };

/** One line per check: mark, name, what was found, and for a failure what to do. */
export function formatDoctor(report: DoctorReport, colours: Colours): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const paint = { pass: colours.green, warn: colours.yellow, fail: colours.red, skip: colours.dim };
  const lines = report.checks.map((c) => {
    const mark = paint[c.status](MARKS[c.status]);
    const hint = c.hint ? ` ${colours.dim('→')} ${c.hint}` : '';
    return `${mark} ${c.name.padEnd(width)}  ${c.detail}${hint}`;
  });
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  lines.push('', failed ? colours.red(`${failed} check(s) failed`) : colours.green('all checks passed'));
  return lines.join('\n');
}
