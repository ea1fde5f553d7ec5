/**
 * An App on a temporary data folder (Maildir and outbox folder inside it) and a database of the
 * given provider, with helpers to drop replies into the Maildir and read what was sent.
 */
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { loadConfig } from '../../src/config/load.js';
import { type App, createApp } from '../../src/app.js';
import { silentLogger } from '../../src/log.js';
import { parseEventFile, type EventFile } from '../../src/core/event-file.js';
import { importEvent, importInvitees } from '../../src/events/events.js';
import { freshDatabase, type Provider, type TestDatabase } from './databases.js';

export const ORGANISER = 'info@inkoop.example';

export interface Harness {
  dir: string;
  db: TestDatabase;
  app: App;
  /** Rebuilds the App with another "now" (and optionally other env), keeping the folder and database. */
  reopen(env?: Record<string, string>): Promise<App>;
  drop(name: string, raw: string): Promise<void>;
  /** Every .eml in the outbox folder, parsed, except the files named in `seen`. */
  outbox(seen?: Iterable<{ file: string }>): Promise<(ParsedMail & { file: string })[]>;
  close(): Promise<void>;
}

export async function createHarness(provider: Provider, env: Record<string, string> = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'rsvp-test-'));
  const db = await freshDatabase(provider);
  const baseEnv = { DATABASE_URL: db.url, MAIL_FROM: `Inkooporganisatie <${ORGANISER}>`, ...env };
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
