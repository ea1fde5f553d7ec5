/**
 * invite: put an invitation in the outbox for every invitee of the event who has not had one,
 * marking them invited in the same transaction, then send.
 */
import type { App } from '../src/app.js';
import { findEvent } from '../src/events/events.js';
import { enqueueMail } from '../src/outbox/outbox.js';
import { composeInvitation } from '../src/mail/compose.js';
import { plusAddress } from '../src/core/rsvp/match.js';
import { runSend } from './send.js';

export class EventClosedError extends Error {
  readonly code = 'ECLOSED';
}

export interface InviteOptions {
  /** Called after each invitee is queued or skipped: a progress bar's counter. */
  onProgress?: (done: number, total: number) => void;
}

export async function runInvite(app: App, slug: string, options: InviteOptions = {}) {
  const { prisma } = app.db;
  const now = app.now();
  const event = await findEvent(prisma, slug);
  if (event.state === 'cancelled') throw new EventClosedError(`event ${slug} is cancelled: no invitations sent`);
  if (event.endsAt.getTime() <= now.getTime()) throw new EventClosedError(`event ${slug} is over: no invitations sent`);
  const invitees = await prisma.invitee.findMany({
    where: { eventId: event.id, invitedAt: null, status: 'not_invited', origin: 'import' },
    orderBy: { createdAt: 'asc' },
  });
  const suppressed = new Set(
    (await prisma.suppression.findMany({ where: { email: { in: invitees.map((i) => i.email) } }, select: { email: true } })).map((s) => s.email),
  );
  let queued = 0;
  let skipped = 0;
  for (const invitee of invitees) {
    options.onProgress?.(queued + skipped, invitees.length);
    if (suppressed.has(invitee.email)) {
      skipped++;
      continue;
    }
    const mail = await composeInvitation(app.renderer, { event, invitee, organiser: app.organiser });
    const replyTo = app.config.mailbox.plusAddressing
      ? plusAddress(app.organiser.address, invitee.token, app.config.mailbox.plusSeparator)
      : null;
    await prisma.$transaction(async (tx) => {
      await enqueueMail(tx, app.organiser.address, {
        kind: 'invitation',
        dedupeKey: `invitation:${invitee.id}:${event.sequence}`,
        eventId: event.id,
        inviteeId: invitee.id,
        to: { address: invitee.email, name: invitee.name },
        ...mail,
        headers: replyTo ? { 'Reply-To': replyTo } : {},
        now,
      });
      await tx.invitee.update({ where: { id: invitee.id }, data: { status: 'invited', invitedAt: now } });
    });
    queued++;
  }
  options.onProgress?.(queued + skipped, invitees.length);
  const sent = await runSend(app);
  return { invitations: queued, suppressed: skipped, sent: sent.sent, retrying: sent.retrying };
}
