/**
 * Faults of the servers the service depends on, against the real thing:
 * - SMTP (the in-process smtp-server of support/smtp-receiver.ts): down for a while, 4xx
 *   temporary refusals, 5xx permanent refusals of one recipient, and attempts running out. The
 *   clock is stepped with RSVP_NOW (the harness's reopen), never slept.
 * - IMAP (the private Dovecot): the server stops in the middle of a poll and comes back.
 * - PostgreSQL: every connection of the service is terminated (pg_terminate_backend) during a poll.
 * In every case the next run finishes the work, and nothing is doubled or lost.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { runInvite } from '../jobs/invite.js';
import { runPoll } from '../jobs/poll.js';
import { runSend } from '../jobs/send.js';
import { type App, type AppOverrides, createApp } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';
import { createImapSource } from '../src/mailbox/imap.js';
import { createMaildirSource } from '../src/mailbox/maildir.js';
import type { MailboxSource } from '../src/mailbox/types.js';
import { createFolderSender } from '../src/sender/folder.js';
import type { MailSender } from '../src/sender/types.js';
import { silentLogger } from '../src/log.js';
import { postgresServerUrl } from './support/databases.js';
import { appendMessage, imapUrlOf, kickUser, pauseDovecot, resumeDovecot } from './support/dovecot.js';
import { createHarness, EVENT_YAML, type Harness, ORGANISER, reply, seedEvent } from './support/harness.js';
import { type SmtpReceiver, startSmtpReceiver } from './support/smtp-receiver.js';
const T0 = '2026-11-23T09:00:00.000Z';
const SLUG = 'dialoog-2026';

let receiver: SmtpReceiver;
beforeAll(async () => {
  receiver = await startSmtpReceiver();
});
afterAll(async () => {
  await receiver?.stop();
});

const messageIdOf = (raw: Buffer) => /^Message-ID:\s*<([^>]+)>/im.exec(raw.toString('latin1'))?.[1];

/** A config file in a folder of its own (RSVP_CONFIG). */
async function configFile(yaml: string): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'rsvp-faults-config-'));
  const path = join(dir, 'rsvp.yaml');
  await writeFile(path, yaml);
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

describe('SMTP faults: the outbox against a real SMTP server', () => {
  let h: Harness | null = null;
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    receiver.refuse(null);
    await receiver.up().catch(() => {});
    receiver.clear();
    await h?.close();
    h = null;
    for (const c of cleanups.splice(0)) await c();
  });

  const invitations = () => h!.app.db.prisma.outboundMail.findMany({ where: { kind: 'invitation' }, orderBy: { toAddress: 'asc' } });
  /** Rebuilds the App with "now" at `at`, then runs the send job. */
  const sendAt = async (at: Date) => {
    await h!.reopen({ SMTP_URL: receiver.url(), RSVP_NOW: at.toISOString() });
    return runSend(h!.app);
  };

  it('keeps mail pending while the server is down, backs off exponentially with jitter, and sends each Message-ID once when it is back', async () => {
    await receiver.down();
    h = await createHarness('sqlite', { SMTP_URL: receiver.url(), RSVP_NOW: T0 });
    await seedEvent(h.app);
    await runInvite(h.app, SLUG);

    let rows = await invitations();
    expect(rows).toHaveLength(4);
    const ids = rows.map((r) => r.messageId);
    let now = new Date(T0);
    const delaysPerAttempt: number[][] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      rows = await invitations();
      expect(rows.every((r) => r.state === 'pending' && r.attempts === attempt)).toBe(true);
      expect(rows.every((r) => /ECONNREFUSED|ECONNECTION|ESOCKET/.test(r.lastError ?? ''))).toBe(true);
      // The Message-ID was fixed before the first attempt and stays.
      expect(rows.map((r) => r.messageId)).toEqual(ids);
      const delays = rows.map((r) => (r.nextAttemptAt.getTime() - now.getTime()) / 1000);
      // retryBaseSeconds 60, doubled each attempt, each delay 0.75..1.25 of it.
      const base = 60 * 2 ** (attempt - 1);
      for (const d of delays) {
        expect(d).toBeGreaterThanOrEqual(base * 0.75 - 1);
        expect(d).toBeLessThanOrEqual(base * 1.25 + 1);
      }
      delaysPerAttempt.push(delays);
      // Not due yet: a run just before the earliest retry sends nothing and counts no attempt.
      const earliest = new Date(Math.min(...rows.map((r) => r.nextAttemptAt.getTime())));
      expect((await sendAt(new Date(earliest.getTime() - 1000))).retrying).toBe(0);
      if (attempt === 4) break;
      now = new Date(Math.max(...rows.map((r) => r.nextAttemptAt.getTime())) + 1000);
      const summary = await sendAt(now);
      expect(summary).toMatchObject({ sent: 0, retrying: 4 });
    }
    // Every attempt waited longer than the one before it, for every mail.
    for (let i = 1; i < delaysPerAttempt.length; i++) {
      delaysPerAttempt[i]!.forEach((d, m) => expect(d).toBeGreaterThan(delaysPerAttempt[i - 1]![m]!));
    }
    // Jitter: the four mails do not all retry at the same moment.
    expect(new Set(delaysPerAttempt.flat().map((d) => d.toFixed(3))).size).toBeGreaterThan(4);

    await receiver.up();
    rows = await invitations();
    const summary = await sendAt(new Date(Math.max(...rows.map((r) => r.nextAttemptAt.getTime())) + 1000));
    expect(summary).toMatchObject({ sent: 4, retrying: 0, failed: 0 });
    await sendAt(new Date(Date.parse(T0) + 86_400_000));
    const received = receiver.messages.map((m) => messageIdOf(m.raw));
    expect(received.sort()).toEqual([...ids].sort());
    expect((await invitations()).every((r) => r.state === 'sent' && r.attempts === 5)).toBe(true);
  });

  it('retries a 4xx temporary refusal and delivers on the next attempt', async () => {
    receiver.refuse({ code: 451, stage: 'rcpt', message: '4.3.0 Try again later', times: 4 });
    h = await createHarness('sqlite', { SMTP_URL: receiver.url(), RSVP_NOW: T0 });
    await seedEvent(h.app);
    await runInvite(h.app, SLUG);
    let rows = await invitations();
    expect(rows.map((r) => [r.state, r.attempts])).toEqual(rows.map(() => ['pending', 1]));
    expect(rows.every((r) => (r.lastError ?? '').includes('451'))).toBe(true);
    expect(receiver.messages).toHaveLength(0);
    expect(await h.app.db.prisma.suppression.count()).toBe(0);

    expect(await sendAt(new Date(Math.max(...rows.map((r) => r.nextAttemptAt.getTime())) + 1000))).toMatchObject({ sent: 4 });
    rows = await invitations();
    expect(rows.map((r) => [r.state, r.attempts])).toEqual(rows.map(() => ['sent', 2]));
    expect(receiver.messages.map((m) => messageIdOf(m.raw)).sort()).toEqual(rows.map((r) => r.messageId).sort());
  });

  it('fails a 5xx refusal of one recipient at once, marks the address bounced and tells the coordinators; the others go out', async () => {
    const refusedTo = 'jan@walcheren.example';
    receiver.refuse({ code: 550, stage: 'rcpt', message: '5.1.1 <jan@walcheren.example>: Recipient address rejected: User unknown', recipients: [refusedTo] });
    h = await createHarness('sqlite', { SMTP_URL: receiver.url(), RSVP_NOW: T0 });
    await seedEvent(h.app);
    await runInvite(h.app, SLUG);

    const rows = await invitations();
    const refused = rows.find((r) => r.toAddress === refusedTo)!;
    expect([refused.state, refused.attempts]).toEqual(['failed', 1]);
    expect(rows.filter((r) => r.toAddress !== refusedTo).map((r) => r.state)).toEqual(['sent', 'sent', 'sent']);
    expect(receiver.messages.flatMap((m) => m.to).sort()).toEqual(rows.filter((r) => r.toAddress !== refusedTo).map((r) => r.toAddress).sort());

    const prisma = h.app.db.prisma;
    expect(await prisma.suppression.findUnique({ where: { email: refusedTo } })).toMatchObject({ reason: 'smtp_refused' });
    expect(await prisma.invitee.findFirst({ where: { email: refusedTo } })).toMatchObject({ status: 'bounced' });
    const review = await prisma.reviewItem.findMany({ where: { reason: 'send_failed' } });
    expect(review).toHaveLength(1);
    expect(review[0]!.detail).toContain(refusedTo);
    expect(review[0]!.detail).toContain('550');

    // Nothing more is tried for it, a day later or when invited again.
    await sendAt(new Date(Date.parse(T0) + 86_400_000));
    await runInvite(h.app, SLUG);
    expect(receiver.refused).toHaveLength(1);
    expect(await prisma.outboundMail.count({ where: { toAddress: refusedTo } })).toBe(1);
  });

  it('does not mark the address when the 5xx is about the message (policy), but still fails it and tells the coordinators', async () => {
    receiver.refuse({ code: 554, stage: 'data', message: '5.7.1 Message rejected by policy', recipients: ['sarah@delta.example'] });
    h = await createHarness('sqlite', { SMTP_URL: receiver.url(), RSVP_NOW: T0 });
    await seedEvent(h.app);
    await runInvite(h.app, SLUG);
    const prisma = h.app.db.prisma;
    expect((await invitations()).find((r) => r.toAddress === 'sarah@delta.example')!.state).toBe('failed');
    expect(await prisma.suppression.count()).toBe(0);
    expect(await prisma.invitee.findFirst({ where: { email: 'sarah@delta.example' } })).toMatchObject({ status: 'invited' });
    expect(await prisma.reviewItem.count({ where: { reason: 'send_failed' } })).toBe(1);
  });

  it('gives up after the configured number of attempts and tells the coordinators', async () => {
    const config = await configFile('outbox:\n  maxAttempts: 3\n  retryBaseSeconds: 10\n');
    cleanups.push(config.remove);
    receiver.refuse({ code: 421, stage: 'rcpt', message: '4.7.0 Too busy', recipients: ['henk@linde.example'] });
    h = await createHarness('sqlite', { SMTP_URL: receiver.url(), RSVP_NOW: T0, RSVP_CONFIG: config.path });
    await seedEvent(h.app);
    await runInvite(h.app, SLUG);
    const henk = async () => (await invitations()).find((r) => r.toAddress === 'henk@linde.example')!;
    const prisma = h.app.db.prisma;
    for (const attempt of [1, 2]) {
      const row = await henk();
      expect([row.state, row.attempts]).toEqual(['pending', attempt]);
      expect(await prisma.reviewItem.count()).toBe(0);
      await h.reopen({ SMTP_URL: receiver.url(), RSVP_NOW: new Date(row.nextAttemptAt.getTime() + 1000).toISOString(), RSVP_CONFIG: config.path });
      await runSend(h.app);
    }
    const row = await henk();
    expect([row.state, row.attempts]).toEqual(['failed', 3]);
    const review = await h.app.db.prisma.reviewItem.findMany({ where: { reason: 'send_failed' } });
    expect(review.map((r) => r.detail)).toEqual([expect.stringMatching(/invitation to henk@linde\.example not sent after 3 attempt\(s\).*421/)]);
    // A temporary refusal says nothing about the address.
    expect(await h.app.db.prisma.suppression.count()).toBe(0);
    expect(receiver.refused).toHaveLength(3);
  });
});

/** An event with `n` invitees (no capacity), and one plain "Ik kom graag." reply from each. */
const many = (n: number) => {
  const people = Array.from({ length: n }, (_, i) => `p${i}@aanbieder${i}.example`);
  return {
    people,
    yaml: EVENT_YAML.replace('capacity: 4\n', ''),
    csv: `email;naam\n${people.map((p, i) => `${p};Persoon ${i}`).join('\n')}\n`,
    replies: people.map((p, i) => reply({ from: `Persoon ${i} <${p}>`, body: 'Ik kom graag.', messageId: `fault-${i}-${randomBytes(3).toString('hex')}@aanbieder${i}.example` })),
  };
};

/** The world after the faults: each reply stored once and acted on once, nothing lost. */
async function expectEachActedOnOnce(h: Harness, people: string[]) {
  const prisma = h.app.db.prisma;
  const messages = await prisma.inboundMessage.findMany({ select: { state: true, fromAddress: true } });
  expect(messages.map((m) => m.fromAddress).sort()).toEqual([...people].sort());
  expect(messages.map((m) => m.state)).toEqual(people.map(() => 'processed'));
  const rsvps = await prisma.rsvp.groupBy({ by: ['inviteeId'], _count: { _all: true } });
  expect(rsvps).toHaveLength(people.length);
  expect(rsvps.every((r) => r._count._all === 1)).toBe(true);
  const confirmations = await prisma.outboundMail.findMany({ where: { kind: 'confirmation' }, select: { toAddress: true, state: true } });
  expect(confirmations.map((c) => c.toAddress).sort()).toEqual([...people].sort());
  expect(confirmations.map((c) => c.state)).toEqual(people.map(() => 'sent'));
  expect(await prisma.invitee.count({ where: { status: 'accepted' } })).toBe(people.length);
}

/** A mailbox source that runs `hook` once the `after`-th message has been acknowledged (stored). */
function hookAfterAck(source: MailboxSource, after: number, hook: () => Promise<void>): MailboxSource {
  let acks = 0;
  return {
    key: source.key,
    kind: source.kind,
    fetchNew: (cursor, options) => source.fetchNew(cursor, options),
    async acknowledge(message) {
      await source.acknowledge(message);
      if (++acks === after) await hook();
    },
    close: () => source.close(),
  };
}

/** The harness's App again, with `now`, and the mailbox or sender given. */
async function appWith(h: Harness, env: Record<string, string>, overrides: AppOverrides): Promise<App> {
  const config = loadConfig({ env: { DATABASE_URL: h.db.url, MAIL_FROM: `Inkooporganisatie <${ORGANISER}>`, ...env }, cwd: h.dir });
  return createApp(config, silentLogger(), overrides);
}

describe('IMAP server going away in the middle of a poll', () => {
  const dovecot = inject('dovecot');
  let h: Harness | null = null;
  let config: { path: string; remove(): Promise<void> } | null = null;
  afterEach(async () => {
    await resumeDovecot(dovecot).catch(() => {});
    await h?.close();
    await config?.remove();
    h = null;
  });

  it('stopped after the first batch: the poll fails with one line in MailboxState.lastError; the next poll continues where it was', async () => {
    config = await configFile('mailbox:\n  batchSize: 5\n');
    const world = many(12);
    const imapUrl = imapUrlOf(dovecot, undefined, `fault-${randomBytes(4).toString('hex')}`);
    await appendMessage(imapUrl, ...world.replies);
    const env = { RSVP_NOW: T0, RSVP_CONFIG: config.path, IMAP_URL: imapUrl };
    h = await createHarness('sqlite', env);
    await seedEvent(h.app, world.yaml, world.csv);

    const source = createImapSource({ url: imapUrl, logger: silentLogger(), connectionTimeout: 5_000 });
    const app = await appWith(h, env, { mailbox: hookAfterAck(source, 5, () => pauseDovecot(dovecot)) });
    try {
      const error = await runPoll(app).then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(/^IMAP (server|connection)/);
      const state = await app.db.prisma.mailboxState.findUniqueOrThrow({ where: { id: source.key } });
      expect(state.lastError).toBe(error!.message.split('\n')[0]);
      expect(state.lastError).not.toMatch(/\n|secret/);
      expect(state.lastErrorAt?.toISOString()).toBe(T0);
      // The first batch is stored with its position; nothing after it.
      expect(state.lastUid).toBe(5n);
      expect(await app.db.prisma.inboundMessage.count()).toBe(5);
    } finally {
      await app.close();
    }

    await resumeDovecot(dovecot);
    const later = new Date(Date.parse(T0) + 60_000).toISOString();
    await h.reopen({ ...env, RSVP_NOW: later });
    expect(await runPoll(h.app)).toMatchObject({ stored: 7, duplicates: 0 });
    const state = await h.app.db.prisma.mailboxState.findFirstOrThrow();
    expect([state.lastUid, state.lastError, state.lastSuccessAt?.toISOString()]).toEqual([12n, null, later]);
    await expectEachActedOnOnce(h, world.people);
    expect(await runPoll(h.app)).toMatchObject({ stored: 0, duplicates: 0 });
  });

  it('its connection killed after the first batch: the poll reconnects and takes every message once', async () => {
    config = await configFile('mailbox:\n  batchSize: 5\n');
    const world = many(12);
    const user = dovecot.users[0]!.user;
    const imapUrl = imapUrlOf(dovecot, user, `fault-${randomBytes(4).toString('hex')}`);
    await appendMessage(imapUrl, ...world.replies);
    const env = { RSVP_NOW: T0, RSVP_CONFIG: config.path, IMAP_URL: imapUrl };
    h = await createHarness('sqlite', env);
    await seedEvent(h.app, world.yaml, world.csv);
    const source = createImapSource({ url: imapUrl, logger: silentLogger() });
    const app = await appWith(h, env, { mailbox: hookAfterAck(source, 5, () => kickUser(dovecot.configFile, user)) });
    try {
      expect(await runPoll(app)).toMatchObject({ stored: 12, duplicates: 0 });
    } finally {
      await app.close();
    }
    await expectEachActedOnOnce(h, world.people);
  });
});

describe('PostgreSQL connections terminated during a poll', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  /** pg_terminate_backend on every other connection to the database: what a failover or an admin does. */
  const terminate = async (databaseUrl: string) => {
    const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
    const client = new pg.Client({ connectionString: postgresServerUrl() });
    await client.connect();
    try {
      const r = await client.query('SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
      return r.rows[0].n as number;
    } finally {
      await client.end();
    }
  };

  it('while storing and while sending: the run fails or retries cleanly, the next one finishes, nothing doubled or lost', async () => {
    const config = await configFile('mailbox:\n  batchSize: 5\n');
    try {
      const world = many(12);
      const env = { RSVP_NOW: T0, RSVP_CONFIG: config.path };
      h = await createHarness('postgresql', env);
      await seedEvent(h.app, world.yaml, world.csv);
      for (const [i, raw] of world.replies.entries()) await h.drop(`${String(i).padStart(2, '0')}.eml`, raw);
      const maildir = createMaildirSource({ dir: h.app.config.paths.maildir, logger: silentLogger() });
      const terminated: number[] = [];
      const folder = createFolderSender({ dir: h.app.config.paths.outbox, logger: silentLogger() });
      let sends = 0;
      const sender: MailSender = {
        kind: folder.kind,
        async send(mail) {
          if (++sends === 3) terminated.push(await terminate(h!.db.url));
          return folder.send(mail);
        },
        close: () => folder.close(),
      };
      // Once every reply is stored, every connection is cut every 25 ms while the run lasts, so
      // that some cuts land inside the transactions that act on the replies.
      let running = true;
      let storm: Promise<void> = Promise.resolve();
      const startStorm = async () => {
        storm = (async () => {
          while (running) {
            terminated.push(await terminate(h!.db.url).catch(() => 0));
            await new Promise((r) => setTimeout(r, 25));
          }
        })();
      };
      const cutOnce = async () => void terminated.push(await terminate(h!.db.url));
      const mailbox = hookAfterAck(hookAfterAck(maildir, 5, cutOnce), 12, startStorm);
      const app = await appWith(h, env, { mailbox, sender });
      let firstRun: unknown = null;
      try {
        firstRun = await runPoll(app).catch((e: Error) => e);
      } finally {
        running = false;
        await storm;
        await app.close().catch(() => {});
      }
      // Connections were there to be cut, at least while storing.
      expect(terminated.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

      // The next runs (11 minutes apart: a mail this process left "sending" is taken over after
      // 10) finish the work. Only a mail in flight at a cut may have gone out twice, and then with
      // its own Message-ID.
      for (let i = 1; i <= 3; i++) {
        await h.reopen({ ...env, RSVP_NOW: new Date(Date.parse(T0) + i * 11 * 60_000).toISOString() });
        await runPoll(h.app);
      }
      expect(await readdir(join(h.app.config.paths.maildir, 'new'))).toEqual([]);
      await expectEachActedOnOnce(h, world.people);
      const outbox = h.app.config.paths.outbox;
      const files = (await readdir(outbox)).filter((f) => f.endsWith('.eml'));
      const sentIds = await Promise.all(files.map(async (f) => messageIdOf(await readFile(join(outbox, f)))));
      const confirmationIds = (await h.app.db.prisma.outboundMail.findMany({ select: { messageId: true } })).map((m) => m.messageId);
      expect([...new Set(sentIds)].sort()).toEqual([...confirmationIds].sort());
      expect(files.length).toBeLessThanOrEqual(12 + h.app.config.outbox.maxConnections);
    } finally {
      await config.remove();
    }
  });
});
