/**
 * The coordinators' review queue: what the service was unsure of, with why and the sender's own
 * text, and the decisions that clear it.
 */
import type { App } from '../app.js';
import { findEvent, NotFoundError } from '../events/events.js';
import { processDepsOf, resolveMessage } from '../inbound/process.js';

export interface ReviewRow {
  id: string;
  createdAt: string;
  reason: string;
  detail: string | null;
  event: string | null;
  from: string | null;
  subject: string | null;
  replyText: string | null;
  kind: string | null;
  intent: string | null;
  confidence: number | null;
}

export async function listReview(app: App, options: { event?: string; all?: boolean } = {}): Promise<ReviewRow[]> {
  const { prisma } = app.db;
  const event = options.event ? await findEvent(prisma, options.event) : null;
  const items = await prisma.reviewItem.findMany({
    where: { ...(options.all ? {} : { state: 'open' }), ...(event ? { eventId: event.id } : {}) },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    include: { event: { select: { slug: true } }, message: true },
  });
  return items.map((i) => ({
    id: i.id,
    createdAt: i.createdAt.toISOString(),
    reason: i.reason,
    detail: i.detail,
    event: i.event?.slug ?? null,
    from: i.message?.fromAddress ?? null,
    subject: i.message?.subject ?? null,
    replyText: i.message?.replyText ?? null,
    kind: i.message?.kind ?? null,
    intent: i.message?.intent ?? null,
    confidence: i.message?.confidence ?? null,
  }));
}

export type ResolveAs = 'accept' | 'decline' | 'tentative' | 'ignore';

export class ReviewError extends Error {
  readonly code = 'EREVIEW';
}

/** Acts on a review item: records the answer (and sends its confirmation) or sets it aside. */
export async function resolveReview(
  app: App,
  id: string,
  decision: { as: ResolveAs; size?: number | null; names?: string[] | null; event?: string | null; by?: string | null },
): Promise<string> {
  const { prisma } = app.db;
  const item = await prisma.reviewItem.findUnique({ where: { id }, include: { message: { select: { id: true, state: true } } } });
  if (!item) throw new NotFoundError(`no review item ${id} (see: rsvp review)`);
  if (item.state !== 'open') throw new ReviewError(`review item ${id} is already resolved (${item.resolution ?? 'done'})`);
  const now = app.now();
  const markResolved = async (tx: Pick<typeof prisma, 'reviewItem'>) => {
    const done = await tx.reviewItem.updateMany({
      where: { id, state: 'open' },
      data: { state: 'resolved', resolution: decision.as, resolvedAt: now, resolvedBy: decision.by ?? null },
    });
    if (done.count !== 1) throw new ReviewError(`review item ${id} was resolved meanwhile`);
  };
  if (decision.as === 'ignore') {
    await prisma.$transaction(async (tx) => {
      await markResolved(tx);
      if (item.message?.state === 'review') {
        await tx.inboundMessage.update({ where: { id: item.message.id }, data: { state: 'ignored', outcome: 'ignored by a coordinator' } });
      }
    });
    return `review item ${id} set aside`;
  }
  if (!item.message) throw new ReviewError(`review item ${id} (${item.reason}) has no message to answer: resolve it with --as ignore`);
  const eventId = decision.event ? (await findEvent(prisma, decision.event)).id : item.eventId;
  if (!eventId) throw new ReviewError(`review item ${id} is not linked to an event: name it with --event SLUG`);
  const outcome = await resolveMessage(
    processDepsOf(app, now),
    item.message.id,
    { intent: decision.as, partySize: decision.size ?? null, attendees: decision.names ?? null, eventId },
    (tx) => markResolved(tx),
  );
  return outcome;
}
