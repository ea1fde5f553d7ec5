/**
 * digest: each coordinator of each event that is ahead gets one digest a day, at the configured
 * local time: totals, what changed since the previous digest, the open review queue, bounces.
 */
import type { App } from '../src/app.js';
import { dueDigest } from '../src/core/schedule.js';
import { enqueueMailOnce } from '../src/outbox/outbox.js';
import { composeDigest, type DigestFacts } from '../src/mail/compose.js';
import { runSend } from './send.js';

export async function runDigest(app: App) {
  const { prisma } = app.db;
  const now = app.now();
  const events = await prisma.event.findMany({ where: { state: 'scheduled', endsAt: { gt: now } } });
  let queued = 0;
  for (const event of events) {
    const due = dueDigest(event, app.config.digest.at, now);
    if (!due) continue;
    const coordinators = [...new Set([...((event.coordinators as string[] | null) ?? []), ...app.config.digest.coordinators])];
    for (const coordinator of coordinators) {
      const dedupeKey = `digest:${event.id}:${coordinator}:${due.day}`;
      if (await prisma.outboundMail.findUnique({ where: { dedupeKey }, select: { id: true } })) continue;
      const previous = await prisma.outboundMail.findFirst({
        where: { kind: 'digest', eventId: event.id, toAddress: coordinator },
        orderBy: { createdAt: 'desc' },
        select: { createdAt: true },
      });
      const facts = await digestFacts(app, event.id, previous?.createdAt ?? null);
      const mail = await composeDigest(app.renderer, { event, facts, day: due.day, organiser: app.organiser });
      const id = await enqueueMailOnce(prisma, app.organiser.address, {
        kind: 'digest',
        dedupeKey,
        eventId: event.id,
        to: { address: coordinator },
        ...mail,
        now,
        fresh: true,
      });
      if (id) queued++;
    }
  }
  const sent = queued > 0 ? await runSend(app) : { sent: 0, retrying: 0 };
  return { digests: queued, sent: sent.sent, retrying: sent.retrying };
}

async function digestFacts(app: App, eventId: string, since: Date | null): Promise<DigestFacts> {
  const { prisma } = app.db;
  const invitees = await prisma.invitee.findMany({
    where: { eventId },
    select: { id: true, email: true, name: true, status: true, partySize: true, attendees: true, late: true, bounceReason: true, bouncedAt: true },
  });
  const changes = await prisma.rsvp.findMany({
    where: { eventId, ...(since ? { recordedAt: { gt: since } } : {}) },
    orderBy: { recordedAt: 'asc' },
    include: { invitee: { select: { email: true, name: true } } },
  });
  const reviews = await prisma.reviewItem.findMany({
    where: { state: 'open', OR: [{ eventId }, { eventId: null }] },
    orderBy: { createdAt: 'asc' },
    include: { message: { select: { fromAddress: true, subject: true } } },
    take: 50,
  });
  return {
    invitees: invitees.map((i) => ({ ...i, attendees: (i.attendees as string[] | null) ?? [] })),
    changes: changes.map((c) => ({
      email: c.invitee.email,
      name: c.invitee.name,
      from: c.fromStatus,
      to: c.toStatus,
      partySize: c.partySize,
      late: c.late,
      at: c.recordedAt,
    })),
    since,
    reviews: reviews.map((r) => ({ at: r.createdAt, reason: r.reason, detail: r.detail, from: r.message?.fromAddress ?? null, subject: r.message?.subject ?? null })),
  };
}
