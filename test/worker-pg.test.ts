/**
 * Two `rsvp worker` processes on one PostgreSQL database and one Dovecot mailbox, with "now" fixed
 * on a day when the invitee reminder, the attendee reminder and the digest all fall due. Replies
 * wait in the mailbox when both start; every remind and digest fire (every two seconds here) is
 * claimed by one of them. Whatever the two do side by side: each reply is acted on once (one RSVP
 * history row, one confirmation), each reminder reaches each person once, each coordinator gets
 * one digest for the day, and no Message-ID reaches the SMTP server twice.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { runInvite } from '../jobs/invite.js';
import { appendMessage, imapUrlOf } from './support/dovecot.js';
import { startSmtpReceiver, type SmtpReceiver } from './support/smtp-receiver.js';
import { EVENT_YAML, type Harness, ORGANISER, createHarness, eventually, reply, seedEvent, spawnWorker, type WorkerProcess } from './support/harness.js';

// Friday 27 November 2026, 10:00 in Amsterdam: 7 days before the deadline's day (4 December) and,
// with the rule below, 17 days before the event's (14 December); the digest is due from 08:00.
const NOW = '2026-11-27T09:00:00Z';
const PEOPLE = Array.from({ length: 16 }, (_, i) => String(i + 1).padStart(2, '0'));
const ACCEPTING = PEOPLE.slice(0, 7);
const DECLINING = PEOPLE.slice(7, 10);
const SILENT = PEOPLE.slice(10);
const address = (p: string) => `p${p}@org${p}.example`;

let h: Harness;
let smtp: SmtpReceiver;
let imapUrl: string;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  h = await createHarness('postgresql', { RSVP_NOW: NOW });
  const csv = ['email;naam;organisatie', ...PEOPLE.map((p) => `${address(p)};Persoon ${p};Organisatie ${p}`)].join('\n') + '\n';
  await seedEvent(h.app, EVENT_YAML.replace('capacity: 4\n', ''), csv);
  // The invitations go to the harness's outbox folder; the replies are threaded on them.
  await runInvite(h.app, 'dialoog-2026');
  imapUrl = imapUrlOf(inject('dovecot'), undefined, `workers-${randomBytes(5).toString('hex')}`);
  const invitations = await h.app.db.prisma.outboundMail.findMany({ where: { kind: 'invitation' } });
  const invitation = (p: string) => invitations.find((m) => m.toAddress === address(p))!.messageId;
  await appendMessage(
    imapUrl,
    ...ACCEPTING.map((p) => reply({ from: `Persoon ${p} <${address(p)}>`, inReplyTo: invitation(p), body: 'Ik kom graag.' })),
    ...DECLINING.map((p) => reply({ from: `Persoon ${p} <${address(p)}>`, inReplyTo: invitation(p), body: 'Helaas kan ik niet.' })),
  );
  await writeFile(
    join(h.dir, 'rsvp.yaml'),
    [
      'schedules:',
      '  remind: "*/2 * * * * *"',
      '  digest: "*/2 * * * * *"',
      'reminders:',
      '  attendeesDaysBeforeEvent: [17, 1]',
      'digest:',
      '  coordinators: [extra-coordinator@inkoop.example]',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await h?.close();
  await smtp?.stop();
});

const headerOf = (raw: Buffer, name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(raw.toString('latin1'))?.[1]?.trim() ?? null;

it('acts on each reply once and sends each reminder and digest once, with two workers at once', async () => {
  const env = {
    DATABASE_URL: h.db.url,
    IMAP_URL: imapUrl,
    SMTP_URL: smtp.url(),
    RSVP_NOW: NOW,
    MAIL_FROM: `Inkooporganisatie <${ORGANISER}>`,
    RSVP_CONFIG: join(h.dir, 'rsvp.yaml'),
  };
  const workers: WorkerProcess[] = [spawnWorker(h.dir, env), spawnWorker(h.dir, env)];
  const { prisma } = h.app.db;
  try {
    // Confirmations to the ten who replied, the invitee reminder to the six who did not, the
    // attendee reminder to the seven who come, the digest to both coordinators.
    const expected = ACCEPTING.length + DECLINING.length + SILENT.length + ACCEPTING.length + 2;
    await eventually(async () => (await prisma.outboundMail.count({ where: { kind: { not: 'invitation' }, state: 'sent' } })) >= expected, 45_000, `${expected} mails sent`);
    // A few more fires of both schedules on both workers: a duplicate would show now.
    const runs = await prisma.scheduledRun.count();
    await eventually(async () => (await prisma.scheduledRun.count()) >= runs + 4, 20_000, 'four more claimed fires');
  } finally {
    for (const w of workers) expect(await w.stop()).toBe(0);
  }

  const messages = await prisma.inboundMessage.findMany();
  expect(messages).toHaveLength(ACCEPTING.length + DECLINING.length);
  expect(messages.every((m) => m.state === 'processed')).toBe(true);
  const rsvps = await prisma.rsvp.findMany({ include: { invitee: true } });
  expect(rsvps.map((r) => r.invitee.email).sort()).toEqual([...ACCEPTING, ...DECLINING].map(address).sort());
  expect(new Set(rsvps.map((r) => r.messageId)).size).toBe(rsvps.length);

  // What reached the SMTP server, each mail named by its Message-ID in the outbox.
  const received = smtp.messages.map((m) => headerOf(m.raw, 'Message-ID')!.replace(/^<|>$/g, ''));
  expect(received.filter((id, i) => received.indexOf(id) !== i)).toEqual([]);
  const outbox = new Map((await prisma.outboundMail.findMany()).map((m) => [m.messageId, m]));
  const sent = received.map((id) => outbox.get(id)!);
  expect(sent.every(Boolean)).toBe(true);
  const to = (kind: string, dedupe?: RegExp) =>
    sent.filter((m) => m.kind === kind && (!dedupe || dedupe.test(m.dedupeKey))).map((m) => m.toAddress).sort();
  expect(to('confirmation')).toEqual([...ACCEPTING, ...DECLINING].map(address).sort());
  // Someone whose reply was still being processed may have had the invitee reminder too; never twice.
  const inviteeReminders = to('reminder', /:invitees-7d$/);
  expect(inviteeReminders.filter((a, i) => inviteeReminders.indexOf(a) !== i)).toEqual([]);
  expect(inviteeReminders).toEqual(expect.arrayContaining(SILENT.map(address)));
  expect(to('reminder', /:attendees-17d$/)).toEqual(ACCEPTING.map(address).sort());
  expect(to('reminder', /:attendees-1d$/)).toEqual([]);
  expect(to('digest')).toEqual(['coordinator@inkoop.example', 'extra-coordinator@inkoop.example']);

  // Each fire ran on the worker that claimed it and on no other: a worker runs remind once at
  // start, then at most once per fire it claimed (a fire that comes while remind is queued joins it).
  const claims = await prisma.scheduledRun.groupBy({ by: ['worker', 'schedule'], _count: { _all: true } });
  for (const [i, w] of workers.entries()) {
    const claimed = claims.find((c) => c.worker.endsWith(`:${w.child.pid}`) && c.schedule === 'remind')?._count._all ?? 0;
    const ran = w.logs().filter((l) => l.msg === 'remind done').length;
    expect(ran, `worker ${i + 1}: remind runs against its claims`).toBeLessThanOrEqual(claimed + 1);
  }
});
