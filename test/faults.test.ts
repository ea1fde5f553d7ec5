/**
 * Faults of the servers the service depends on, against the real thing:
 * - SMTP (the in-process smtp-server of support/smtp-receiver.ts): down for a while, 4xx
 *   temporary refusals, 5xx permanent refusals of one recipient, and attempts running out. The
 *   clock is stepped with RSVP_NOW (the harness's reopen), never slept.
 * - IMAP (the private Dovecot): the server stops in the middle of a poll and comes back.
 * - PostgreSQL: every connection of the service is terminated (pg_terminate_backend) during a poll.
 * In every case the next run finishes the work, and nothing is doubled or lost.
 */
import { execFile as execFileCb, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { runInvite } from '../jobs/invite.js';
import { runPoll } from '../jobs/poll.js';
import { runSend } from '../jobs/send.js';
import { createImapSource } from '../src/mailbox/imap.js';
import type { MailboxSource } from '../src/mailbox/types.js';
import { silentLogger } from '../src/log.js';
import { appendMessage, imapUrlOf } from './support/dovecot.js';
import { createHarness, type Harness, reply, seedEvent } from './support/harness.js';
import { type SmtpReceiver, startSmtpReceiver } from './support/smtp-receiver.js';

const execFile = promisify(execFileCb);
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
