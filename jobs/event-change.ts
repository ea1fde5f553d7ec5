/**
 * Changes to an event that its people must hear about: a new time or place (an update with the
 * calendar entry's SEQUENCE raised, to everyone who accepted or may come), and a cancellation
 * (METHOD:CANCEL to everyone who accepted, may come or waits for a place). Each mail is keyed by
 * the event's sequence, so importing the same file twice sends nothing twice.
 */
import type { App } from '../src/app.js';
import { findEvent } from '../src/events/events.js';
import { enqueueMail } from '../src/outbox/outbox.js';
import { composeEventCancelled, composeEventUpdate } from '../src/mail/compose.js';
import { runSend } from './send.js';

const TOLD_OF_UPDATES = ['accepted', 'tentative'];
const TOLD_OF_CANCELLATION = ['accepted', 'tentative', 'waitlisted'];

export async function runEventUpdate(app: App, slug: string, previous: { startsAt: Date; endsAt: Date; location: string }) {
  const { prisma } = app.db;
  const now = app.now();
  const event = await findEvent(prisma, slug);
  const invitees = await prisma.invitee.findMany({ where: { eventId: event.id, status: { in: TOLD_OF_UPDATES } } });
  let queued = 0;
  for (const invitee of invitees) {
    const mail = await composeEventUpdate(app.renderer, { event, invitee, previous, organiser: app.organiser });
    const id = await enqueueMail(prisma, app.organiser.address, {
      kind: 'update',
      dedupeKey: `update:${invitee.id}:${event.sequence}`,
      eventId: event.id,
      inviteeId: invitee.id,
      to: { address: invitee.email, name: invitee.name },
      ...mail,
      now,
    });
    if (id) queued++;
  }
  const sent = queued > 0 ? await runSend(app) : { sent: 0, retrying: 0 };
  return { updates: queued, sent: sent.sent, retrying: sent.retrying };
}

export async function runEventCancel(app: App, slug: string, reason: string | null) {
  const { prisma } = app.db;
  const now = app.now();
  const found = await findEvent(prisma, slug);
  if (found.state === 'cancelled') return { cancellations: 0, sent: 0, retrying: 0 };
  const event = await prisma.event.update({
    where: { id: found.id },
    data: { state: 'cancelled', cancelledAt: now, sequence: { increment: 1 } },
  });
  const invitees = await prisma.invitee.findMany({ where: { eventId: event.id, status: { in: TOLD_OF_CANCELLATION } } });
  let queued = 0;
  for (const invitee of invitees) {
    const mail = await composeEventCancelled(app.renderer, { event, invitee, reason, organiser: app.organiser });
    const id = await enqueueMail(prisma, app.organiser.address, {
      kind: 'cancellation',
      dedupeKey: `cancellation:${invitee.id}:${event.sequence}`,
      eventId: event.id,
      inviteeId: invitee.id,
      to: { address: invitee.email, name: invitee.name },
      ...mail,
      now,
    });
    if (id) queued++;
  }
  // Invitations and reminders not yet sent are no longer wanted.
  await prisma.outboundMail.updateMany({
    where: { eventId: event.id, state: 'pending', kind: { in: ['invitation', 'reminder'] } },
    data: { state: 'cancelled', lastError: 'event cancelled' },
  });
  const sent = queued > 0 ? await runSend(app) : { sent: 0, retrying: 0 };
  return { cancellations: queued, sent: sent.sent, retrying: sent.retrying };
}
