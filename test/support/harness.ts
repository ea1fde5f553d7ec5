/**
 * An App on a temporary data folder (Maildir and outbox folder inside it) and a database of the
 * given provider, with helpers to deliver replies and read what was sent. Replies are delivered
 * into the Maildir, or with `imapUrl` by IMAP APPEND into that Dovecot mailbox, which the App
 * then reads as its IMAP source.
 */
import { type ChildProcess, execFile as execFileCb, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { loadConfig } from '../../src/config/load.js';
import { type App, createApp } from '../../src/app.js';
import { silentLogger } from '../../src/log.js';
import { parseEventFile, type EventFile } from '../../src/core/event-file.js';
import { importEvent, importInvitees } from '../../src/events/events.js';
import { freshDatabase, type Provider, type TestDatabase } from './databases.js';
import { appendMessage } from './dovecot.js';

export const ORGANISER = 'info@inkoop.example';

export interface Harness {
  dir: string;
  db: TestDatabase;
  app: App;
  /** Rebuilds the App with another "now" (and optionally other env), keeping the folder and database. */
  reopen(env?: Record<string, string>): Promise<App>;
  /** Delivers a message: a file in the Maildir's new/ (named `name`), or an IMAP APPEND. */
  drop(name: string, raw: string): Promise<void>;
  /** Every .eml in the outbox folder, parsed, except the files named in `seen`. */
  outbox(seen?: Iterable<{ file: string }>): Promise<(ParsedMail & { file: string })[]>;
  close(): Promise<void>;
}

export type MailSource = 'maildir' | 'imap';

export interface HarnessOptions {
  /** imap://…/MAILBOX of a (fresh) Dovecot mailbox: the App reads it instead of the Maildir. */
  imapUrl?: string;
}

export async function createHarness(provider: Provider, env: Record<string, string> = {}, options: HarnessOptions = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'rsvp-test-'));
  const db = await freshDatabase(provider);
  const baseEnv = { DATABASE_URL: db.url, MAIL_FROM: `Inkooporganisatie <${ORGANISER}>`, ...(options.imapUrl ? { IMAP_URL: options.imapUrl } : {}), ...env };
  const build = async (extra: Record<string, string> = {}) => {
    const config = loadConfig({ env: { ...baseEnv, ...extra }, cwd: dir });
    return createApp(config, silentLogger());
  };
  const harness: Harness = {
    dir,
    db,
    app: await build(),
    async reopen(extra = {}) {
      await harness.app.close();
      harness.app = await build(extra);
      return harness.app;
    },
    async drop(name, raw) {
      if (options.imapUrl) {
        await appendMessage(options.imapUrl, raw);
        return;
      }
      const maildir = harness.app.config.paths.maildir;
      await mkdir(join(maildir, 'tmp'), { recursive: true });
      await mkdir(join(maildir, 'new'), { recursive: true });
      await writeFile(join(maildir, 'tmp', name), raw);
      await rename(join(maildir, 'tmp', name), join(maildir, 'new', name));
    },
    async outbox(seen = []) {
      const folder = harness.app.config.paths.outbox;
      const skip = new Set([...seen].map((m) => m.file));
      const files = (await readdir(folder).catch(() => [] as string[])).filter((f) => f.endsWith('.eml') && !skip.has(f)).sort();
      return Promise.all(files.map(async (file) => Object.assign(await simpleParser(await readFile(join(folder, file))), { file })));
    },
    async close() {
      await harness.app.close();
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

export const EVENT_YAML = `slug: dialoog-2026
title: "Dialoogsessie Inkoop Jeugdhulp 2027"
organiser: Inkooporganisatie Jeugdhulp
startsAt: 2026-12-14T14:00:00+01:00
endsAt: 2026-12-14T16:30:00+01:00
timezone: Europe/Amsterdam
location: Stadhuis, Markt 1, Goes
rsvpDeadline: 2026-12-04T23:59:00+01:00
capacity: 4
language: nl
coordinators: [coordinator@inkoop.example]
`;

export const INVITEES_CSV = `email;naam;organisatie
roel@zorgpunt.example;Sinke, Roel;Zorgpunt
jan@walcheren.example;Jan Jansen;Jeugdzorg Walcheren
sarah@delta.example;Sarah Maas;Youthcare Delta
henk@linde.example;Henk Bakker;De Linde
`;

export async function seedEvent(app: App, yaml = EVENT_YAML, csv = INVITEES_CSV): Promise<EventFile> {
  const parsed = parseEventFile(yaml);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  await importEvent(app.db.prisma, parsed.value, app.organiser.address, app.now());
  const { parseInviteeCsv } = await import('../../src/core/invitee-csv.js');
  const rows = parseInviteeCsv(Buffer.from(csv));
  if (!rows.ok) throw new Error(JSON.stringify(rows.problems));
  await importInvitees(app.db.prisma, parsed.value.slug, rows.value, app.now());
  return parsed.value;
}

/** A plain-text reply in the thread of a mail we sent. */
export function reply(options: {
  from: string;
  body: string;
  inReplyTo?: string;
  subject?: string;
  date?: string;
  messageId?: string;
  headers?: string[];
}): string {
  const id = options.messageId ?? `${Math.random().toString(36).slice(2)}@${options.from.replace(/.*@|>.*/g, '')}`;
  return [
    `From: ${options.from}`,
    `To: Inkooporganisatie <${ORGANISER}>`,
    `Subject: ${options.subject ?? 'RE: Uitnodiging'}`,
    `Date: ${options.date ?? 'Mon, 23 Nov 2026 10:00:00 +0100'}`,
    `Message-ID: <${id}>`,
    ...(options.inReplyTo ? [`In-Reply-To: <${options.inReplyTo}>`, `References: <${options.inReplyTo}>`] : []),
    ...(options.headers ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    options.body,
    '',
  ].join('\r\n');
}

const BIN = resolve('bin/rsvp.js');
const execFile = promisify(execFileCb);

/** The environment a CLI child process gets: the test's variables and nothing of the runner's. */
export function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...extra };
}

/** Runs `rsvp ARGS` (the built CLI in dist/) in `cwd`; resolves with stdout. */
export async function rsvp(cwd: string, env: Record<string, string>, ...args: string[]): Promise<string> {
  const { stdout } = await execFile(process.execPath, [BIN, ...args], { cwd, env: cliEnv(env) });
  return stdout;
}

/** What a CLI run ended with: its exit code (0 on success) and its output. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `rsvp ARGS` (the built CLI in dist/) in `cwd`; resolves with the exit code instead of failing. */
export async function runCli(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await execFile(process.execPath, [BIN, ...args], { cwd, env: cliEnv(env) });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

export interface WorkerProcess {
  child: ChildProcess;
  /** The JSON log lines written so far (pino, stderr). */
  logs(): Record<string, unknown>[];
  /** Resolves with the first log line (from the start) that matches; fails after `limitMs`. */
  waitForLog(matches: (line: Record<string, unknown>) => boolean, limitMs?: number, from?: number): Promise<Record<string, unknown>>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  /** The exit code, once the process ended by itself. */
  readonly exited: Promise<number | null>;
}

/** `rsvp worker` as a child process, its log read line by line. */
export function spawnWorker(cwd: string, env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, [BIN, 'worker'], { cwd, env: cliEnv(env), stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  let partial = '';
  child.stderr!.on('data', (d: Buffer) => {
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop()!;
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part) as Record<string, unknown>);
      } catch {
        lines.push({ msg: part });
      }
    }
  });
  // 'close' rather than 'exit': the last lines of stderr are read by then.
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return {
    child,
    exited,
    logs: () => lines,
    async waitForLog(matches, limitMs = 20_000, from = 0) {
      const until = Date.now() + limitMs;
      for (;;) {
        const found = lines.slice(from).find(matches);
        if (found) return found;
        if (Date.now() > until || child.exitCode !== null) {
          throw new Error(`no such log line within ${limitMs} ms; the worker wrote:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Polls `check` until it returns a value other than undefined/false; fails after `limitMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, limitMs: number, what: string): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
