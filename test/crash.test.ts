/**
 * Exactly once under kill -9 (CONTRACT.md, "Behaviour every check relies on"): the built
 * `rsvp poll --once` runs as a child process against a real Dovecot mailbox and a real SMTP
 * receiver, and is killed with SIGKILL at several points of a batch of ~300 replies (while
 * starting, while storing, while processing, while sending); a last poll then runs to the end.
 * Afterwards every reply is stored once and acted on once, every RSVP has exactly one
 * confirmation row, every row went out, and a Message-ID reached the receiver more than once
 * only as often as a kill could have caught it in flight (same Message-ID each time).
 * The same on PostgreSQL with two polls at once on one mailbox, one of them killed; and an
 * auto-reply and bounce storm that must not cause a single mail.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/client.js';
import { freshDatabase, type Provider, type TestDatabase } from './support/databases.js';
import { appendMessage, imapUrlOf } from './support/dovecot.js';
import { EVENT_YAML, ORGANISER, reply } from './support/harness.js';
import { type SmtpReceiver, startSmtpReceiver } from './support/smtp-receiver.js';

const run = promisify(execFile);
const BIN = resolve('bin/rsvp.js');
const NOW = '2026-11-23T09:00:00Z';
const N = 300;
/** The config's default outbox.maxConnections: mails in flight at once. */
const MAX_CONNECTIONS = 5;

let smtp: SmtpReceiver;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
});
afterAll(async () => {
  await smtp?.stop();
});

/** One test's world: a working folder, a database, a mailbox of its own and the CLI's env. */
interface World {
  dir: string;
  db: TestDatabase;
  inspect: Database;
  imapUrl: string;
  env: Record<string, string>;
  slug: string;
  close(): Promise<void>;
}

async function createWorld(provider: Provider): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'rsvp-crash-'));
  const db = await freshDatabase(provider);
  const imapUrl = imapUrlOf(inject('dovecot'), undefined, `crash-${randomBytes(5).toString('hex')}`);
  const env = {
    PATH: process.env.PATH!,
    HOME: process.env.HOME ?? '/tmp',
    DATABASE_URL: db.url,
    IMAP_URL: imapUrl,
    SMTP_URL: smtp.url(),
    MAIL_FROM: `Inkooporganisatie <${ORGANISER}>`,
    RSVP_NOW: NOW,
  };
  const inspect = await openDatabase(db.url);
  return {
    dir,
    db,
    inspect,
    imapUrl,
    env,
    slug: `crash-${randomBytes(3).toString('hex')}`,
    async close() {
      await inspect.close();
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs a CLI command to its end; fails the test on a non-zero exit. */
async function rsvp(world: World, args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [BIN, ...args], { cwd: world.dir, env: world.env, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

function eventYaml(slug: string): string {
  return EVENT_YAML.replace('slug: dialoog-2026', `slug: ${slug}`)
    .replace('Dialoogsessie Inkoop Jeugdhulp 2027', 'Marktconsultatie Jeugdhulp 2027')
    .replace('capacity: 4', 'capacity: 5000');
}

interface Invitee {
  email: string;
  name: string;
}

function invitees(count: number, tag: string): Invitee[] {
  return Array.from({ length: count }, (_, i) => ({
    email: `deelnemer${i}.${tag}@aanbieder${i % 41}.example`,
    name: `Deelnemer ${i} Achternaam${i}`,
  }));
}

/** Imports the event and its invitees through the CLI, as an admin would. */
async function seed(world: World, people: Invitee[]): Promise<void> {
  await writeFile(join(world.dir, 'event.yaml'), eventYaml(world.slug));
  await writeFile(
    join(world.dir, 'invitees.csv'),
    ['email;naam;organisatie', ...people.map((p, i) => `${p.email};${p.name};Aanbieder ${i % 41}`)].join('\n') + '\n',
  );
  await rsvp(world, ['event', 'import', 'event.yaml']);
  expect(await rsvp(world, ['invitees', 'import', '--event', world.slug, 'invitees.csv'])).toContain(`${people.length} added`);
}

type Intent = 'accept' | 'decline';

interface Reply {
  invitee: Invitee;
  intent: Intent;
  messageId: string;
  raw: string;
}

/** One plain reply per invitee, accepts and declines mixed at random. */
function replies(people: Invitee[], tag: string): Reply[] {
  return people.map((invitee, i) => {
    const intent: Intent = Math.random() < 0.5 ? 'accept' : 'decline';
    const messageId = `r${i}.${tag}.${randomBytes(4).toString('hex')}@${invitee.email.split('@')[1]}`;
    const body =
      intent === 'accept'
        ? `Goedemiddag,\r\n\r\nIk kom graag.\r\n\r\nMet vriendelijke groet,\r\n${invitee.name}`
        : `Beste organisatie,\r\n\r\nHelaas kan ik niet aanwezig zijn.\r\n\r\nGroet,\r\n${invitee.name}`;
    const minute = String(i % 60).padStart(2, '0');
    return {
      invitee,
      intent,
      messageId,
      raw: reply({ from: `${invitee.name} <${invitee.email}>`, messageId, body, date: `Mon, 23 Nov 2026 08:${minute}:00 +0100` }),
    };
  });
}

interface PollProcess {
  child: ChildProcess;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

function startPoll(world: World): PollProcess {
  const child = spawn(process.execPath, [BIN, 'poll', '--once'], { cwd: world.dir, env: world.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.resume();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, exit, stderr: () => stderr };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits (polling) until `when` holds, then sends SIGKILL. Returns whether the kill caught the
 * process still running; a process that finished first was not killed.
 */
async function killWhen(p: PollProcess, when: () => Promise<boolean>): Promise<boolean> {
  for (;;) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return false;
    if (await when()) break;
    await pause(10);
  }
  p.child.kill('SIGKILL');
  const { signal } = await p.exit;
  return signal === 'SIGKILL';
}

const DONE = ['processed', 'ignored', 'review', 'failed', 'quarantined'];

function counters(world: World) {
  const prisma = world.inspect.prisma;
  return {
    stored: () => prisma.inboundMessage.count(),
    processed: () => prisma.inboundMessage.count({ where: { state: { in: DONE } } }),
    sent: () => prisma.outboundMail.count({ where: { state: 'sent' } }),
    received: () => smtp.messages.length,
  };
}

const afterMs = (ms: number) => {
  const start = Date.now();
  return async () => Date.now() - start >= ms;
};

/** The Message-ID header of a received raw message (without <>), or null. */
function messageIdOfRaw(raw: Buffer): string | null {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const m = /^message-id:\s*<([^>\s]+)>/im.exec(head);
  return m ? m[1]! : null;
}

/** The assertions every crash scenario ends with (see the file comment). */
async function expectExactlyOnce(world: World, sent: Reply[], kills: number): Promise<void> {
  const prisma = world.inspect.prisma;

  // Every reply stored once, under its own Message-ID, and acted on.
  const inbound = await prisma.inboundMessage.findMany({ select: { id: true, messageId: true, state: true, claimedBy: true } });
  expect(inbound).toHaveLength(sent.length);
  const storedIds = new Set(inbound.map((m) => m.messageId));
  expect(sent.filter((r) => !storedIds.has(r.messageId)).map((r) => r.messageId), 'replies never stored').toEqual([]);
  const notDone = inbound.filter((m) => m.state !== 'processed');
  expect(notDone, `messages not processed: ${JSON.stringify(notDone.slice(0, 5))}`).toEqual([]);

  // Each invitee's status is what their reply said, recorded by exactly one RSVP row.
  const event = await prisma.event.findUniqueOrThrow({ where: { slug: world.slug }, select: { id: true } });
  const rows = await prisma.invitee.findMany({ where: { eventId: event.id }, select: { id: true, email: true, status: true } });
  expect(rows).toHaveLength(sent.length);
  const byEmail = new Map(rows.map((r) => [r.email, r]));
  const wrong = sent
    .map((r) => ({ email: r.invitee.email, want: r.intent === 'accept' ? 'accepted' : 'declined', got: byEmail.get(r.invitee.email)?.status }))
    .filter((x) => x.want !== x.got);
  expect(wrong).toEqual([]);
  const rsvps = await prisma.rsvp.findMany({ select: { inviteeId: true, messageId: true } });
  expect(rsvps).toHaveLength(sent.length);
  expect(new Set(rsvps.map((r) => r.inviteeId)).size).toBe(sent.length);
  expect(new Set(rsvps.map((r) => r.messageId)).size).toBe(sent.length);

  // Exactly one confirmation row per RSVP, threaded on its reply, and every row sent.
  const outbox = await prisma.outboundMail.findMany({ select: { kind: true, inviteeId: true, toAddress: true, messageId: true, inReplyTo: true, state: true } });
  expect(outbox.filter((m) => m.kind !== 'confirmation')).toEqual([]);
  expect(outbox).toHaveLength(sent.length);
  expect(new Set(outbox.map((m) => m.inviteeId)).size).toBe(sent.length);
  const replyIdOf = new Map(sent.map((r) => [r.invitee.email, r.messageId]));
  expect(outbox.filter((m) => m.inReplyTo !== replyIdOf.get(m.toAddress))).toEqual([]);
  expect(outbox.filter((m) => m.state !== 'sent')).toEqual([]);

  // What the SMTP receiver saw: each row's Message-ID at least once, nothing else, and a
  // Message-ID more than once only as often as a kill could have caught it in flight.
  const times = new Map<string, number>();
  for (const m of smtp.messages) {
    const id = messageIdOfRaw(m.raw);
    expect(id, `a received mail without Message-ID: ${m.raw.subarray(0, 300).toString()}`).not.toBeNull();
    times.set(id!, (times.get(id!) ?? 0) + 1);
  }
  const rowIds = new Set(outbox.map((m) => m.messageId));
  expect(outbox.filter((m) => !times.has(m.messageId)).map((m) => m.messageId), 'outbox rows never received').toEqual([]);
  expect([...times.keys()].filter((id) => !rowIds.has(id)), 'received Message-IDs of no outbox row').toEqual([]);
  expect(times.size).toBe(outbox.length);
  const tooOften = [...times].filter(([, n]) => n > kills + 1);
  expect(tooOften).toEqual([]);
  // In flight at a kill are at most the pool's connections (outbox.maxConnections, default 5).
  const again = [...times.values()].reduce((sum, n) => sum + n - 1, 0);
  expect(again).toBeLessThanOrEqual(kills * MAX_CONNECTIONS);
  // Each receipt went to the row's recipient.
  const rowOf = new Map(outbox.map((m) => [m.messageId, m]));
  for (const m of smtp.messages) expect(m.to).toEqual([rowOf.get(messageIdOfRaw(m.raw)!)!.toAddress]);
}

describe('kill -9 in the middle of a poll', () => {
  let world: World;

  beforeAll(async () => {
    world = await createWorld('sqlite');
  });
  afterAll(async () => {
    await world?.close();
  });

  it('on SQLite: killed several times, a last poll leaves every reply acted on once and confirmed once', async () => {
    smtp.clear();
    const people = invitees(N, 'sq');
    await seed(world, people);
    const sent = replies(people, 'sq');
    await appendMessage(world.imapUrl, ...sent.map((r) => r.raw));

    const count = counters(world);
    const rand = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));
    // Kill points: while starting, at a random moment, in the middle of processing, while sending.
    // Targets are set when each poll starts, relative to what earlier polls already did.
    const points: { name: string; when: () => Promise<() => Promise<boolean>> }[] = [
      { name: 'after 300 ms', when: async () => afterMs(300) },
      { name: 'at a random moment', when: async () => afterMs(rand(400, 2500)) },
      {
        name: 'while processing',
        when: async () => {
          const base = await count.processed();
          const target = base + rand(1, Math.max(1, Math.floor((N - base) / 2)));
          return async () => (await count.processed()) >= target;
        },
      },
      {
        name: 'while sending',
        when: async () => {
          const base = count.received();
          const target = base + rand(1, Math.max(1, Math.floor((N - base) / 2)));
          return async () => count.received() >= target;
        },
      },
    ];
    let kills = 0;
    const landed: string[] = [];
    for (const point of points) {
      const when = await point.when();
      const p = startPoll(world);
      if (await killWhen(p, when)) {
        kills++;
        landed.push(point.name);
      } else {
        const { code } = await p.exit;
        expect(code, p.stderr()).toBe(0);
      }
    }
    // The kills must have hit a running poll, or this test proves nothing.
    expect(landed.length, `kills that landed: ${landed.join(', ')}`).toBeGreaterThanOrEqual(2);

    const last = startPoll(world);
    const { code } = await last.exit;
    expect(code, last.stderr()).toBe(0);

    await expectExactlyOnce(world, sent, kills);
  }, 300_000);
});

describe('two polls at once on PostgreSQL', () => {
  let world: World;
  let sent: Reply[];
  /** Polls that ended with an error while another ran beside them (restarted, as the worker's schedule would). */
  const failures: string[] = [];
  let killLanded = false;

  beforeAll(async () => {
    world = await createWorld('postgresql');
  });
  afterAll(async () => {
    await world?.close();
  });

  it('one killed -9 midway: the other and a last poll leave every reply acted on once and confirmed once', async () => {
    smtp.clear();
    const people = invitees(N, 'pg');
    await seed(world, people);
    sent = replies(people, 'pg');
    await appendMessage(world.imapUrl, ...sent.map((r) => r.raw));

    const count = counters(world);
    const target = Math.floor(N * (0.15 + Math.random() * 0.45));
    // Two polls at once. One that fails is recorded and started again, so that two keep running
    // side by side until the kill; the one in the first slot is then killed midway.
    const slots = [startPoll(world), startPoll(world)];
    const ended = (p: PollProcess) => p.child.exitCode !== null || p.child.signalCode !== null;
    const restartFailed = async () => {
      for (let i = 0; i < slots.length; i++) {
        if (!ended(slots[i]!)) continue;
        const { code } = await slots[i]!.exit;
        if (code === 0) continue;
        failures.push(slots[i]!.stderr().trim());
        if (failures.length > 6) throw new Error(`polls keep failing: ${failures.join(' | ')}`);
        slots[i] = startPoll(world);
      }
    };
    for (;;) {
      await restartFailed();
      if ((await count.processed()) >= target) break;
      if (slots.every(ended)) break;
      await pause(10);
    }
    killLanded = await killWhen(slots[0]!, async () => true);
    expect(killLanded, `the first poll ended before it could be killed; failures: ${failures.join(' | ')}`).toBe(true);
    const other = await slots[1]!.exit;
    if (other.code !== 0) failures.push(slots[1]!.stderr().trim());

    const last = startPoll(world);
    const { code } = await last.exit;
    expect(code, last.stderr()).toBe(0);

    await expectExactlyOnce(world, sent, 1);
  }, 300_000);

  // Both polls read the same new mail and both try to store it: the one that loses the race on
  // the unique Message-ID must count those messages as duplicates, not fail.
  it('a poll running beside another one on the same mailbox does not fail', () => {
    expect(failures).toEqual([]);
  });
});

describe('an auto-reply and bounce storm', () => {
  let world: World;

  beforeAll(async () => {
    world = await createWorld('sqlite');
  });
  afterAll(async () => {
    await world?.close();
  });

  it('50 out-of-office replies and 10 bounces, threaded on the invitations, cause no mail at all', async () => {
    smtp.clear();
    const people = invitees(60, 'storm');
    await seed(world, people);
    // The invitations go out first, so that every automatic answer is threaded on a mail of ours.
    await rsvp(world, ['invite', '--event', world.slug]);
    const invitations = await smtp.waitFor(60);
    const invitationOf = new Map(invitations.map((m) => [m.to[0]!, messageIdOfRaw(m.raw)!]));
    expect(invitationOf.size).toBe(60);
    const outboxBefore = await world.inspect.prisma.outboundMail.count();
    expect(outboxBefore).toBe(60);
    smtp.clear();

    const ooo = people.slice(0, 50).map((p, i) =>
      reply({
        from: `${p.name} <${p.email}>`,
        messageId: `ooo${i}.${randomBytes(4).toString('hex')}@${p.email.split('@')[1]}`,
        inReplyTo: invitationOf.get(p.email),
        subject: i % 2 ? 'Automatisch antwoord: Uitnodiging Marktconsultatie Jeugdhulp 2027' : 'Out of Office: Uitnodiging',
        headers: ['Auto-Submitted: auto-replied', ...(i % 3 === 0 ? ['X-Auto-Response-Suppress: All'] : [])],
        // Words an RSVP would use, so that only the automatic nature keeps it from being one.
        body:
          i % 2
            ? 'Ik ben afwezig tot en met 7 december. Ik kom graag na mijn terugkeer op uw bericht terug.\r\n\r\nMet vriendelijke groet,\r\n' + p.name
            : 'Thank you for your message. I am out of the office and will attend to it when I am back.\r\n\r\n' + p.name,
      }),
    );
    const bounced = people.slice(50);
    const bounces = bounced.map((p, i) => bounce(p.email, invitationOf.get(p.email)!, i));
    const all = [...ooo, ...bounces];
    await appendMessage(world.imapUrl, ...all);

    const poll = startPoll(world);
    const { code } = await poll.exit;
    expect(code, poll.stderr()).toBe(0);

    const prisma = world.inspect.prisma;
    const inbound = await prisma.inboundMessage.findMany({ select: { kind: true, state: true, fromAddress: true } });
    expect(inbound).toHaveLength(all.length);
    expect(inbound.filter((m) => m.kind === 'auto_reply')).toHaveLength(50);
    expect(inbound.filter((m) => m.kind === 'bounce')).toHaveLength(10);
    expect(inbound.filter((m) => !['ignored', 'processed'].includes(m.state))).toEqual([]);
    // Nothing sent, nothing even queued.
    expect(await prisma.outboundMail.count()).toBe(outboxBefore);
    expect(smtp.messages).toHaveLength(0);
    // The bounces are recorded against the invitees whose address failed; the others are untouched.
    const rows = await prisma.invitee.findMany({ select: { email: true, status: true } });
    const statusOf = new Map(rows.map((r) => [r.email, r.status]));
    expect(bounced.map((p) => statusOf.get(p.email))).toEqual(bounced.map(() => 'bounced'));
    expect(people.slice(0, 50).map((p) => statusOf.get(p.email))).toEqual(people.slice(0, 50).map(() => 'invited'));
  }, 120_000);
});

/** A delivery status notification (RFC 3464) from MAILER-DAEMON for one of our invitations. */
function bounce(recipient: string, originalMessageId: string, i: number): string {
  const boundary = `dsn-${randomBytes(6).toString('hex')}`;
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.inkoop.example>',
    `To: ${ORGANISER}`,
    'Subject: Undelivered Mail Returned to Sender',
    'Date: Mon, 23 Nov 2026 08:30:00 +0100',
    `Message-ID: <bounce${i}.${randomBytes(4).toString('hex')}@mx.inkoop.example>`,
    // Half of them without Auto-Submitted: many MTAs leave it out.
    ...(i % 2 ? ['Auto-Submitted: auto-replied'] : []),
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Your message could not be delivered to one or more recipients.',
    '',
    `<${recipient}>: host mx.${recipient.split('@')[1]} said: 550 5.1.1 User unknown`,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.inkoop.example',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    `From: Inkooporganisatie <${ORGANISER}>`,
    `To: ${recipient}`,
    'Subject: Uitnodiging Marktconsultatie Jeugdhulp 2027',
    `Message-ID: <${originalMessageId}>`,
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
