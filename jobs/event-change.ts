/**
 * Changes to an event that its people must hear about: a new time or place (an update with the
 * calendar entry's SEQUENCE raised, to everyone who accepted or may come), and a cancellation
 * (METHOD:CANCEL to everyone who accepted, may come or waits for a place). Each mail is keyed by
 * the event's sequence, so importing the same file twice sends nothing twice.
 */
import type { App } from '../src/app.js';
import { findEvent } from '../src/events/events.js';
import { enqueueMailOnce } from '../src/outbox/outbox.js';
import { composeEventCancelled, composeEventUpdate } from '../src/mail/compose.js';
import { runSend } from './send.js';

const TOLD_OF_UPDATES = ['accepted', 'tentative'];
const TOLD_OF_CANCELLATION = ['accepted', 'tentative', 'waitlisted'];

type EventRow = Awaited<ReturnType<typeof findEvent>>;
type InviteeRow = Awaited<ReturnType<App['db']['prisma']['invitee']['findMany']>>[number];

/** Queues one mail of `kind` per invitee in `statuses`, keyed by the event's sequence, then sends. */
async function tellInvitees(
  app: App,
  event: EventRow,
  statuses: string[],
  kind: 'update' | 'cancellation',
  compose: (invitee: InviteeRow) => Promise<Awaited<ReturnType<typeof composeEventUpdate>>>,
) {
  const { prisma } = app.db;
  const invitees = await prisma.invitee.findMany({ where: { eventId: event.id, status: { in: statuses } } });
  let queued = 0;
  for (const invitee of invitees) {
    const id = await enqueueMailOnce(prisma, app.organiser.address, {
      kind,
      dedupeKey: `${kind}:${invitee.id}:${event.sequence}`,
      eventId: event.id,
      inviteeId: invitee.id,
      to: { address: invitee.email, name: invitee.name },
      ...(await compose(invitee)),
      now: app.now(),
    });
    if (id) queued++;
  }
  const sent = queued > 0 ? await runSend(app) : { sent: 0, retrying: 0 };
  return { queued, sent: sent.sent, retrying: sent.retrying };
}

export async function runEventUpdate(app: App, slug: string, previous: { startsAt: Date; endsAt: Date; location: string }) {
  const event = await findEvent(app.db.prisma, slug);
  const { queued, ...sent } = await tellInvitees(app, event, TOLD_OF_UPDATES, 'update', (invitee) =>
    composeEventUpdate(app.renderer, { event, invitee, previous, organiser: app.organiser }),
  );
  return { updates: queued, ...sent };
}

export async function runEventCancel(app: App, slug: string, reason: string | null) {
  const { prisma } = app.db;
  const found = await findEvent(prisma, slug);
  if (found.state === 'cancelled') return { cancellations: 0, sent: 0, retrying: 0 };
  const event = await prisma.event.update({
    where: { id: found.id },
    data: { state: 'cancelled', cancelledAt: app.now(), sequence: { increment: 1 } },
  });
  // Invitations and reminders not yet sent are no longer wanted.
  await prisma.outboundMail.updateMany({
    where: { eventId: event.id, state: 'pending', kind: { in: ['invitation', 'reminder'] } },
    data: { state: 'cancelled', lastError: 'event cancelled' },
  });
  const { queued, ...sent } = await tellInvitees(app, event, TOLD_OF_CANCELLATION, 'cancellation', (invitee) =>
    composeEventCancelled(app.renderer, { event, invitee, reason, organiser: app.organiser }),
  );
  return { cancellations: queued, ...sent };
}
