/**
 * invite: put an invitation in the outbox for every invitee of the event who has not had one,
 * marking them invited in the same transaction, then send.
 */
import type { App } from '../src/app.js';
import { findEvent } from '../src/events/events.js';
import { outboxRow } from '../src/outbox/outbox.js';
import { isRetryableDbError, isUniqueViolation, withRetry } from '../src/db/client.js';
import { composeInvitation } from '../src/mail/compose.js';
import { plusAddress } from '../src/core/rsvp/match.js';
import { backgroundSender, runSend } from './send.js';

/** Invitations queued per transaction. */
const CHUNK = 100;

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
  // Invitations are queued a chunk at a time (one transaction, one insert, one update per chunk),
  // and the chunks already committed are sent while the next ones are rendered.
  const early = backgroundSender(app);
  for (let start = 0; start < invitees.length; start += CHUNK) {
    const rows: ReturnType<typeof outboxRow>[] = [];
    const ids: string[] = [];
    for (const invitee of invitees.slice(start, start + CHUNK)) {
      options.onProgress?.(queued + skipped, invitees.length);
      if (suppressed.has(invitee.email)) {
        skipped++;
        continue;
      }
      const mail = await composeInvitation(app.renderer, { event, invitee, organiser: app.organiser });
      const replyTo = app.config.mailbox.plusAddressing
        ? plusAddress(app.organiser.address, invitee.token, app.config.mailbox.plusSeparator)
        : null;
      rows.push(
        outboxRow(app.organiser.address, {
          kind: 'invitation',
          dedupeKey: `invitation:${invitee.id}:${event.sequence}`,
          eventId: event.id,
          inviteeId: invitee.id,
          to: { address: invitee.email, name: invitee.name },
          ...mail,
          headers: replyTo ? { 'Reply-To': replyTo } : {},
          now,
        }),
      );
      ids.push(invitee.id);
      queued++;
    }
    if (ids.length === 0) continue;
    // Another `invite` running at once may insert the same keys first: the unique key fails
    // this chunk, and its retry finds those rows and leaves them out.
    await withRetry(
      () =>
        prisma.$transaction(async (tx) => {
          const existing = new Set(
            (await tx.outboundMail.findMany({ where: { dedupeKey: { in: rows.map((r) => r.dedupeKey) } }, select: { dedupeKey: true } })).map((m) => m.dedupeKey),
          );
          const fresh = rows.filter((r) => !existing.has(r.dedupeKey));
          if (fresh.length > 0) await tx.outboundMail.createMany({ data: fresh });
          await tx.invitee.updateMany({ where: { id: { in: ids } }, data: { status: 'invited', invitedAt: now } });
        }),
      8,
      (e) => isRetryableDbError(e) || isUniqueViolation(e),
    );
    early.kick();
  }
  const before = await early.finish();
  options.onProgress?.(queued + skipped, invitees.length);
  const sent = await runSend(app);
  return { invitations: queued, suppressed: skipped, sent: before.sent + sent.sent, retrying: before.retrying + sent.retrying };
}
