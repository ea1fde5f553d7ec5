/**
 * The second half of a poll: every stored message that is not yet processed is claimed, read,
 * classified, matched to its event and invitee, and acted on. Everything one message causes (the
 * invitee's new status, the RSVP history row, the confirmation in the outbox, the review item,
 * the message's own state) is written in one transaction, conditional on this worker still
 * holding the claim: a message is acted on exactly once, whatever crashes in between.
 */
import { randomBytes } from 'node:crypto';
import type { App } from '../app.js';
import type { Config } from '../config/schema.js';
import type { Prisma, PrismaClient } from '../db/client.js';
import { withRetry } from '../db/client.js';
import { type BulkColumnType, bulkUpdate } from '../db/bulk.js';
import type { Logger } from '../log.js';
import { isClaimStale } from '../claims.js';
import { relieveHeap } from '../heap.js';
import { readMessage } from '../core/understand/anatomy.js';
import { classifyMessage } from '../core/understand/classify.js';
import type { Classification, MessageAnatomy } from '../core/understand/types.js';
import { type Match, type MatchLookups, type OpenEvent, domainOf, isPublicMailDomain, matchReply, plusToken } from '../core/rsvp/match.js';
import { type RsvpStatus, decideRsvp, peopleOf, promoteFromWaitlist } from '../core/rsvp/state.js';
import { enqueueMail, outboxRow } from '../outbox/outbox.js';
import type { MailRenderer } from '../mail/templates.js';
import { composeRsvpMail } from '../mail/compose.js';
import { type SenderAuthenticator, createSenderAuthenticator } from './authenticate.js';
import type { SenderAuthVerdict } from '../core/sender-auth.js';

export interface ProcessDeps {
  prisma: PrismaClient;
  logger: Logger;
  workerId: string;
  organiser: { address: string; name: string | null };
  config: Pick<Config, 'thresholds' | 'rules' | 'limits' | 'mailbox'>;
  renderer: MailRenderer;
  now: Date;
  /** PostgreSQL: serializable transactions, so two workers cannot both take the last place. */
  serializable: boolean;
  /** The database's SQL dialect, for the per-batch bulk updates; default: postgresql when serializable. */
  provider?: 'sqlite' | 'postgresql';
  /** Called after each batch with the messages handled so far (a progress bar's counter). */
  onProgress?: (handled: number) => void;
  /** Sender authentication (config authentication.*), run while preparing; null when off. */
  authenticate?: SenderAuthenticator | null;
}

/** The dependencies of processing, from the composition root, with "now" fixed for the run. */
export function processDepsOf(app: App, now: Date = app.now()): ProcessDeps {
  return {
    prisma: app.db.prisma,
    logger: app.logger,
    workerId: app.workerId,
    organiser: app.organiser,
    config: app.config,
    renderer: app.renderer,
    now,
    serializable: app.db.target.provider === 'postgresql',
    provider: app.db.target.provider,
    authenticate: createSenderAuthenticator({ config: app.config.authentication, resolver: app.dnsResolver, now, logger: app.logger }),
  };
}

export interface ProcessSummary {
  processed: number;
  rsvps: number;
  review: number;
  ignored: number;
  bounces: number;
  failed: number;
}

type Tx = Prisma.TransactionClient;
type EventRow = Awaited<ReturnType<PrismaClient['event']['findUniqueOrThrow']>>;
type InviteeRow = Awaited<ReturnType<PrismaClient['invitee']['findUniqueOrThrow']>>;

/** A claim older than this from another host is taken over (a worker that died there). */
const STALE_PROCESSING_MS = 5 * 60_000;
/** A claim of this very process older than this, met by a new run, was left by a failed run. */
const OWN_LEFTOVER_MS = 60_000;
/** Attempts before a message that keeps failing is handed to the review queue. */
const MAX_ATTEMPTS = 3;

/** Messages claimed, read and acted on together, in one transaction. */
const BATCH = 50;
/** Messages above this size are read from the database alone, not with their batch. */
const BATCH_READ_MAX_BYTES = 512 * 1024;

export async function processPending(deps: ProcessDeps): Promise<ProcessSummary> {
  const summary: ProcessSummary = { processed: 0, rsvps: 0, review: 0, ignored: 0, bounces: 0, failed: 0 };
  const openEvents = new OpenEvents(deps.prisma, deps.now);
  for (;;) {
    // New messages first, claimed a batch at a time; the claim is conditional on the state, so
    // of two workers claiming at once each message goes to one of them.
    const fresh = await deps.prisma.inboundMessage.findMany({
      where: { state: 'received' },
      orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }],
      select: { id: true },
      take: BATCH,
    });
    let claimed: Claimed[];
    if (fresh.length > 0) {
      const ids = fresh.map((m) => m.id);
      await withRetry(() =>
        deps.prisma.inboundMessage.updateMany({
          where: { id: { in: ids }, state: 'received' },
          data: { state: 'processing', claimedBy: deps.workerId, claimedAt: deps.now, attempts: { increment: 1 } },
        }),
      );
      claimed = await deps.prisma.inboundMessage.findMany({
        where: { id: { in: ids }, state: 'processing', claimedBy: deps.workerId },
        orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }],
        select: CLAIMED,
      });
    } else {
      // Then claims left by workers that died (few: one batch per worker at most).
      const held = await deps.prisma.inboundMessage.findMany({
        where: { state: 'processing' },
        select: { id: true, claimedBy: true, claimedAt: true, attempts: true },
      });
      claimed = [];
      // This process's own claims from an earlier run count too: a run that failed half-way (the
      // database went away) left them, and the process that holds them is alive, so they would
      // otherwise wait for its restart. Polls in one process do not overlap (the worker queues
      // them); the minute's grace leaves a review decision being recorded in this process alone.
      const leftover = (h: (typeof held)[number]) =>
        h.claimedBy === deps.workerId && h.claimedAt !== null && deps.now.getTime() - h.claimedAt.getTime() > OWN_LEFTOVER_MS;
      for (const m of held.filter((h) => leftover(h) || isClaimStale(h.claimedBy, h.claimedAt, deps.now, STALE_PROCESSING_MS))) {
        const claim = await withRetry(() =>
          deps.prisma.inboundMessage.updateMany({
            where: { id: m.id, state: 'processing', claimedBy: m.claimedBy, attempts: m.attempts },
            data: { claimedBy: deps.workerId, claimedAt: deps.now, attempts: { increment: 1 } },
          }),
        );
        if (claim.count === 1) claimed.push(await deps.prisma.inboundMessage.findUniqueOrThrow({ where: { id: m.id }, select: CLAIMED }));
      }
      if (held.length > 0 && claimed.length === 0) break;
    }
    if (fresh.length === 0 && claimed.length === 0) break;
    if (claimed.length === 0) continue; // another worker took this batch

    // Sources read together for the batch, except large ones (read alone, one at a time).
    const small = claimed.filter((m) => m.size <= BATCH_READ_MAX_BYTES).map((m) => m.id);
    const sources = new Map(
      small.length
        ? (await deps.prisma.inboundMessage.findMany({ where: { id: { in: small } }, select: { id: true, raw: true } })).map((r) => [r.id, r.raw] as const)
        : [],
    );
    const prepared: (Prepared | (Claimed & { error: unknown }))[] = [];
    for (const message of claimed) prepared.push(await prepare(deps, message, sources.get(message.id)));
    // Read outside the transaction: on SQLite a second connection would wait for its lock.
    await openEvents.list();
    try {
      const outcomes = await inTransaction(deps, (tx) => actOnAll(deps, tx, prepared, openEvents));
      for (const outcome of outcomes) {
        summary.processed++;
        summary[outcome]++;
      }
    } catch (batchError) {
      // One message can spoil a batch: act on each alone, so only that one is retried or failed.
      deps.logger.debug({ error: firstLine(batchError), size: prepared.length }, 'batch failed; processing its messages one by one');
      for (const message of prepared) {
        try {
          const [outcome] = await inTransaction(deps, (tx) => actOnAll(deps, tx, [message], openEvents));
          summary.processed++;
          summary[outcome!]++;
        } catch (e) {
          await recordFailure(deps, message.id, message.attempts, e);
          summary.failed++;
        }
      }
    }
    deps.onProgress?.(summary.processed + summary.failed);
    relieveHeap();
  }
  return summary;
}

type Outcome = 'rsvps' | 'review' | 'ignored' | 'bounces';

const CLAIMED = { id: true, size: true, receivedAt: true, attempts: true } as const;
interface Claimed {
  id: string;
  size: number;
  receivedAt: Date;
  attempts: number;
}

interface Prepared {
  id: string;
  attempts: number;
  anatomy: MessageAnatomy;
  classification: Classification;
  statedAt: Date;
  /** Sender authentication's verdict; null when off or not needed (automatic replies). */
  auth?: SenderAuthVerdict | null;
}

/** The pure part, outside any transaction: read the source, take it apart, classify it. */
async function prepare(deps: ProcessDeps, message: Claimed, source?: Uint8Array): Promise<Prepared | (Claimed & { error: unknown })> {
  try {
    const raw = source ?? (await deps.prisma.inboundMessage.findUniqueOrThrow({ where: { id: message.id }, select: { raw: true } })).raw;
    const anatomy = await readMessage(Buffer.from(raw), { maxParts: deps.config.mailbox.maxMimeParts, maxDepth: deps.config.mailbox.maxMimeDepth });
    const classification = classifyMessage(anatomy, { rules: deps.config.rules.extra });
    // DNS lookups here, outside the transaction; an automatic reply is ignored whoever sent it.
    const auth = deps.authenticate && classification.kind !== 'auto_reply' ? await deps.authenticate(raw, anatomy.from) : null;
    return { id: message.id, attempts: message.attempts, anatomy, classification, statedAt: statedAtOf(anatomy, message.receivedAt, deps.now), auth };
  } catch (error) {
    return { ...message, error };
  }
}

function inTransaction<T>(deps: ProcessDeps, work: (tx: Tx) => Promise<T>): Promise<T> {
  return withRetry(() =>
    deps.prisma.$transaction(work, {
      timeout: 60_000,
      maxWait: 30_000,
      ...(deps.serializable ? { isolationLevel: 'Serializable' as const } : {}),
    }),
  );
}

async function actOnAll(deps: ProcessDeps, tx: Tx, messages: (Prepared | (Claimed & { error: unknown }))[], openEvents: OpenEvents): Promise<Outcome[]> {
  const ready: Prepared[] = [];
  for (const message of messages) {
    if ('error' in message) throw message.error;
    ready.push(message);
  }
  const batch = new BatchContext(tx, deps, (await openEvents.list()).map((e) => e.eventId));
  await batch.prefetch(ready);
  const outcomes: Outcome[] = [];
  for (const message of ready) outcomes.push(await actOn(deps, tx, batch, message, openEvents));
  await batch.flush();
  return outcomes;
}

async function actOn(
  deps: ProcessDeps,
  tx: Tx,
  batch: BatchContext,
  message: Prepared,
  openEvents: OpenEvents,
  decide: (actor: MessageActor) => Promise<ActResult> = (actor) => actor.run(),
): Promise<Outcome> {
  const { id, anatomy, classification } = message;
  const result = await decide(new MessageActor(deps, tx, batch, id, anatomy, classification, message.statedAt, openEvents, message.auth ?? null));
  // Written with the batch's other messages, conditional on the claim (BatchContext.flush): if
  // another worker took a message over meanwhile, this transaction and everything it wrote are
  // rolled back.
  batch.addMessageUpdate(id, {
      fromAddress: anatomy.from?.address.toLowerCase() ?? null,
      fromName: anatomy.from?.name ?? null,
      subject: anatomy.subject,
      date: anatomy.date,
      inReplyTo: anatomy.inReplyTo,
      references: anatomy.references,
      kind: classification.kind,
      intent: classification.intent,
      partySize: classification.partySize,
      attendees: classification.attendees,
      replyText: classification.replyText,
      confidence: classification.confidence,
      reasons: [...classification.reasons, ...anatomy.automatic.reasons, ...anatomy.problems.map((p: string) => `problem:${p}`), ...(message.auth?.reasons ?? [])],
      state: result.state,
      outcome: result.outcome,
      eventId: result.eventId ?? null,
      inviteeId: result.inviteeId ?? null,
      processedAt: deps.now,
      claimedBy: null,
      error: null,
  });
  deps.logger.info({ id, kind: classification.kind, intent: classification.intent, outcome: result.outcome }, 'message processed');
  return result.counted;
}

async function recordFailure(deps: ProcessDeps, id: string, attemptsBefore: number, e: unknown): Promise<void> {
  const attempts = attemptsBefore;
  const message = firstLine(e);
  deps.logger.error({ id, attempts, error: message }, 'message could not be processed');
  await withRetry(() =>
    deps.prisma.$transaction(async (tx) => {
      const giveUp = attempts >= MAX_ATTEMPTS;
      await tx.inboundMessage.updateMany({
        where: { id, claimedBy: deps.workerId },
        data: { state: giveUp ? 'failed' : 'received', error: message, claimedBy: null },
      });
      if (giveUp) {
        await tx.reviewItem.create({
          data: { reason: 'failed', messageId: id, detail: `could not be processed: ${message}`, createdAt: deps.now },
        });
      }
    }),
  );
}

function firstLine(e: unknown): string {
  return e instanceof Error ? (e.message.split('\n').find((l) => l.trim()) ?? e.message) : String(e);
}

/** When the sender stated the answer: the message's Date, unless missing or in the future. */
function statedAtOf(anatomy: MessageAnatomy, receivedAt: Date, now: Date): Date {
  const date = anatomy.date;
  if (!date || Number.isNaN(date.getTime())) return receivedAt;
  // A clock far ahead on the sender's side must not make an answer "newer" than later ones.
  if (date.getTime() > Math.max(receivedAt.getTime(), now.getTime()) + 3600_000) return receivedAt;
  return date;
}

interface ActResult {
  state: 'processed' | 'review' | 'ignored';
  outcome: string;
  counted: Outcome;
  eventId?: string | null;
  inviteeId?: string | null;
}

class MessageActor {
  private readonly from: string | null;
  /** The sender's invitations to open events, read while matching. */
  private mine: InviteeRow[] = [];

  constructor(
    private readonly deps: ProcessDeps,
    private readonly tx: Tx,
    private readonly batch: BatchContext,
    private readonly messageRowId: string,
    private readonly anatomy: MessageAnatomy,
    private readonly cls: Classification,
    private readonly statedAt: Date,
    private readonly openEvents: OpenEvents,
    private readonly auth: SenderAuthVerdict | null = null,
  ) {
    this.from = anatomy.from?.address.toLowerCase() ?? null;
  }

  async run(): Promise<ActResult> {
    const { anatomy, cls } = this;
    // Over the MIME limits (a message bomb): its body was never read, so a person decides.
    const mimeLimit = anatomy.problems.find((p) => p.startsWith('mime-limit:'));
    if (mimeLimit) return this.review(null, null, 'mime_limit', `message body not read: ${mimeLimit.slice('mime-limit:'.length)}`);
    // A spoofed From (DMARC fails) changes nothing and is answered by nobody: review.
    if (cls.kind === 'bounce') return this.auth?.authenticated === false ? this.notAuthenticated(null) : this.bounce();
    if (cls.kind === 'auto_reply') return ignored(`ignored: automatic reply (${anatomy.automatic.reasons.join(', ') || 'by its content'})`);
    if (!this.from) return this.review(null, null, 'unmatched', 'message has no sender address');
    if (this.from === this.deps.organiser.address) return ignored('ignored: sent from the organiser address itself');
    if (anatomy.automatic.list) return ignored('ignored: mailing-list message');

    const match = await this.match();
    if (this.auth?.authenticated === false) return this.notAuthenticated(match.matched ? match : null);
    if (cls.kind === 'other') {
      if (match.matched && /\?/.test(cls.replyText)) {
        return this.review(match.eventId, match.inviteeId, 'question', 'a message that is not an RSVP, with a question');
      }
      return ignored('ignored: not an RSVP');
    }
    // kind === 'rsvp'
    if (!match.matched) {
      return this.review(null, null, 'unmatched', match.reason === 'ambiguous' ? `matches several events: ${match.candidates.length}` : 'no event or invitee found for this sender');
    }
    if (anatomy.automatic.noReply) return this.review(match.eventId, match.inviteeId, 'no_reply_sender', 'an RSVP from a no-reply address');
    if (cls.confidence < this.deps.config.thresholds.confidence) {
      if (match.inviteeId) await this.markNeedsReview(match.inviteeId);
      return this.review(match.eventId, match.inviteeId, 'low_confidence', `confidence ${cls.confidence.toFixed(2)} is below the threshold ${this.deps.config.thresholds.confidence}`);
    }
    return this.answer(match.eventId, match.inviteeId);
  }

  /** A coordinator's decision on a message from the review queue: this answer, for this event. */
  async resolve(eventId: string): Promise<ActResult> {
    if (!this.from) throw new Error('the message has no sender address to record an answer for');
    await this.batch.flushInvitees();
    const own = await this.tx.invitee.findUnique({ where: { eventId_email: { eventId, email: this.from } } });
    return this.answer(eventId, own?.id ?? null);
  }

  private async match(): Promise<Match> {
    const { tx, anatomy, deps } = this;
    const from = this.from!;
    const ids = [anatomy.inReplyTo, ...anatomy.references].filter((x): x is string => !!x);
    const sent = await this.batch.sentMails(ids);
    const recipients = [...anatomy.to, ...anatomy.cc].map((a) => a.address.toLowerCase());
    const sep = deps.config.mailbox.plusSeparator;
    const tokenCandidates = recipients
      .map((r) => plusToken(r, deps.organiser.address, sep))
      .filter((t): t is string => t !== null);
    const byToken = tokenCandidates.length
      ? await tx.invitee.findMany({ where: { token: { in: tokenCandidates } }, select: { token: true, eventId: true, id: true } })
      : [];
    const calendarUid = anatomy.calendar?.uid ?? null;
    const calendarEvent = calendarUid ? await tx.event.findUnique({ where: { icalUid: calendarUid }, select: { id: true } }) : null;
    const open = await this.openEvents.list();
    this.mine = await this.batch.inviteesOf(from);
    const lookups: MatchLookups = {
      threads: new Map(sent.filter((s) => s.eventId).map((s) => [s.messageId, { eventId: s.eventId!, inviteeId: s.inviteeId }])),
      tokens: new Map(byToken.map((t) => [t.token, { eventId: t.eventId, inviteeId: t.id }])),
      calendarEvents: new Map(calendarEvent && calendarUid ? [[calendarUid, calendarEvent.id]] : []),
      senderInvitations: this.mine.map((m) => ({ eventId: m.eventId, inviteeId: m.id })),
      openEvents: open,
    };
    return matchReply(
      { from, inReplyTo: anatomy.inReplyTo, references: anatomy.references, recipients, calendarUid, subject: anatomy.subject },
      lookups,
      deps.organiser.address,
      sep,
    );
  }

  private async answer(eventId: string, inviteeId: string | null): Promise<ActResult> {
    const { tx, cls, deps } = this;
    const event = await this.batch.event(eventId);
    const invitee = inviteeId
      ? (this.mine.find((i) => i.id === inviteeId) ?? (await this.batch.flushInvitees(), await tx.invitee.findUniqueOrThrow({ where: { id: inviteeId } })))
      : await this.forwardedInvitee(event);
    // Only capacity needs the count of places taken.
    const acceptedPeople = event.capacity === null ? 0 : await this.acceptedPeople(event.id, invitee);
    const decision = decideRsvp(
      {
        status: invitee.status as RsvpStatus,
        partySize: invitee.partySize,
        attendees: (invitee.attendees as string[] | null) ?? [],
        respondedAt: invitee.respondedAt,
      },
      {
        endsAt: event.endsAt,
        rsvpDeadline: event.rsvpDeadline,
        capacity: event.capacity,
        cancelled: event.state === 'cancelled',
        acceptedPeopleExcludingInvitee: acceptedPeople,
      },
      { intent: cls.intent!, partySize: cls.partySize, attendees: cls.attendees, statedAt: this.statedAt },
      deps.now,
    );
    if (decision.action === 'ignore') {
      return {
        state: 'processed',
        outcome: decision.reason === 'unchanged' ? `no change: ${invitee.email} stays ${invitee.status}` : `ignored: older than the answer already recorded for ${invitee.email}`,
        counted: 'ignored',
        eventId,
        inviteeId: invitee.id,
      };
    }
    if (decision.action === 'review') {
      return this.review(eventId, invitee.id, decision.reason, decision.reason === 'after_event' ? 'an RSVP that arrived after the event' : 'an RSVP for a cancelled event');
    }

    // Written with the batch (BatchContext.flush); the batch's cached row shows the new state.
    this.batch.updateInvitee(invitee, {
      status: decision.status,
      partySize: decision.partySize,
      attendees: decision.attendees,
      respondedAt: this.statedAt,
      late: decision.late,
      waitlistedAt: decision.status === 'waitlisted' ? (invitee.waitlistedAt ?? this.statedAt) : null,
    });
    if (event.capacity !== null) {
      const held = (status: string, partySize: number | null) => (status === 'accepted' ? peopleOf(partySize) : 0);
      this.batch.adjustAccepted(eventId, held(decision.status, decision.partySize) - held(invitee.status, invitee.partySize));
    }
    this.batch.addRsvp({
      eventId,
      inviteeId: invitee.id,
      fromStatus: invitee.status,
      toStatus: decision.status,
      partySize: decision.partySize,
      attendees: decision.attendees,
      statedAt: this.statedAt,
      recordedAt: deps.now,
      late: decision.late,
      source: this.anatomy.calendar?.partstat ? 'calendar' : 'email',
      reasons: cls.reasons,
      messageId: this.messageRowId,
    });

    let confirmation = 'confirmation queued';
    if (await this.overReplyLimit(invitee.email)) {
      confirmation = 'no confirmation: too many automatic answers to this sender in the last hour';
      await tx.reviewItem.create({
        data: { reason: 'rate_limited', eventId, inviteeId: invitee.id, messageId: this.messageRowId, detail: confirmation, createdAt: deps.now },
      });
    } else {
      const mail = await composeRsvpMail(deps.renderer, {
        template: decision.confirmation,
        event,
        invitee: { ...invitee, status: decision.status, partySize: decision.partySize, attendees: decision.attendees },
        late: decision.late,
        cancelCalendar: decision.cancelCalendar,
        organiser: deps.organiser,
      });
      this.batch.addMail(outboxRow(deps.organiser.address, {
        kind: 'confirmation',
        dedupeKey: `confirmation:${this.messageRowId}`,
        eventId,
        inviteeId: invitee.id,
        to: { address: this.from!, name: this.anatomy.from?.name ?? invitee.name },
        ...mail,
        inReplyTo: this.anatomy.messageId,
        references: this.anatomy.messageId ? [...this.anatomy.references, this.anatomy.messageId] : this.anatomy.references,
        now: deps.now,
      }));
    }
    if (decision.freedPlaces) await this.promote(event);
    const people = decision.partySize === null ? '' : ` (${decision.partySize})`;
    return {
      state: 'processed',
      outcome: `${decision.status}${people} ${invitee.email}${decision.late ? ', late' : ''}; ${confirmation}`,
      counted: 'rsvps',
      eventId,
      inviteeId: invitee.id,
    };
  }

  /** Someone not on the list answered (a forwarded invitation): they join it. */
  private async forwardedInvitee(event: EventRow): Promise<InviteeRow> {
    await this.batch.forget(this.from!);
    const existing = await this.tx.invitee.findUnique({ where: { eventId_email: { eventId: event.id, email: this.from! } } });
    if (existing) return existing;
    // Linked to the organisation whose invitees share the sender's mail domain, if exactly one.
    const domain = domainOf(this.from!);
    const organisations = isPublicMailDomain(domain)
      ? []
      : await this.tx.organisation.findMany({ where: { domain }, select: { id: true }, take: 2 });
    return this.tx.invitee.create({
      data: {
        eventId: event.id,
        email: this.from!,
        organisationId: organisations.length === 1 ? organisations[0]!.id : null,
        name: this.cls.attendees[0] ?? this.anatomy.from?.name ?? null,
        origin: 'forwarded',
        status: 'not_invited',
        token: newToken(),
        createdAt: this.deps.now,
      },
    });
  }

  /** Places taken in the event, apart from the invitee's own (read once per batch, then kept up to date). */
  private async acceptedPeople(eventId: string, except: Pick<InviteeRow, 'status' | 'partySize'> | null): Promise<number> {
    const total = await this.batch.acceptedPeople(eventId);
    return except && except.status === 'accepted' ? total - peopleOf(except.partySize) : total;
  }

  /** Places freed: the waiting list moves up in arrival order, each told in a mail of their own. */
  private async promote(event: EventRow): Promise<void> {
    const { tx, deps } = this;
    await this.batch.flushInvitees();
    const waitlist = await tx.invitee.findMany({ where: { eventId: event.id, status: 'waitlisted' } });
    if (waitlist.length === 0) return;
    const accepted = await this.acceptedPeople(event.id, null);
    const promoted = promoteFromWaitlist(
      waitlist.map((w) => ({ id: w.id, partySize: w.partySize, waitlistedAt: w.waitlistedAt ?? w.updatedAt })),
      accepted,
      event.capacity,
    );
    for (const id of promoted) {
      const invitee = waitlist.find((w) => w.id === id)!;
      await this.batch.forget(invitee.email);
      this.batch.dropAccepted(event.id);
      await tx.invitee.update({ where: { id }, data: { status: 'accepted', waitlistedAt: null } });
      const rsvp = await tx.rsvp.create({
        data: {
          eventId: event.id,
          inviteeId: id,
          fromStatus: 'waitlisted',
          toStatus: 'accepted',
          partySize: invitee.partySize,
          attendees: invitee.attendees ?? [],
          statedAt: deps.now,
          recordedAt: deps.now,
          source: 'promotion',
          reasons: ['a place became free'],
        },
      });
      const mail = await composeRsvpMail(deps.renderer, {
        template: 'promoted',
        event,
        invitee: { ...invitee, status: 'accepted' },
        late: false,
        cancelCalendar: false,
        organiser: deps.organiser,
      });
      await enqueueMail(tx, deps.organiser.address, {
        kind: 'promotion',
        dedupeKey: `promotion:${rsvp.id}`,
        eventId: event.id,
        inviteeId: id,
        to: { address: invitee.email, name: invitee.name },
        ...mail,
        now: deps.now,
      });
    }
  }

  private async overReplyLimit(address: string): Promise<boolean> {
    return (await this.batch.recentReplies(address)) >= this.deps.config.limits.autoRepliesPerSenderPerHour;
  }

  private async markNeedsReview(inviteeId: string): Promise<void> {
    if (this.from) await this.batch.forget(this.from);
    else await this.batch.flushInvitees();
    await this.tx.invitee.updateMany({
      where: { id: inviteeId, status: { in: ['not_invited', 'invited'] } },
      data: { status: 'needs_review' },
    });
  }

  private async bounce(): Promise<ActResult> {
    const { tx, anatomy, deps } = this;
    const info = this.cls.bounce ?? anatomy.bounce;
    const original = info?.originalMessageId
      ? await tx.outboundMail.findUnique({ where: { messageId: info.originalMessageId }, select: { inviteeId: true, eventId: true, toAddress: true } })
      : null;
    const failed = (info?.recipients ?? []).filter((r) => r.action === 'failed' || (r.status ?? '').startsWith('5'));
    const addresses = new Set(failed.map((r) => r.address.toLowerCase()));
    if (original && failed.length > 0) addresses.add(original.toAddress);
    if (!info?.permanent || addresses.size === 0) {
      return ignored(`ignored: delivery report without a permanent failure (${(info?.recipients ?? []).map((r) => `${r.address} ${r.status ?? r.action ?? ''}`.trim()).join(', ') || 'no recipients'})`);
    }
    const reason = failed.map((r) => [r.status, r.diagnostic].filter(Boolean).join(' ')).find(Boolean) ?? 'permanent delivery failure';
    for (const address of addresses) {
      await this.batch.forget(address);
      await tx.suppression.upsert({
        where: { email: address },
        create: { email: address, reason: 'bounced', detail: reason.slice(0, 500), createdAt: deps.now },
        update: {},
      });
      await tx.invitee.updateMany({
        where: { email: address, status: { in: ['not_invited', 'invited', 'needs_review'] } },
        data: { status: 'bounced', bouncedAt: deps.now, bounceReason: reason.slice(0, 500) },
      });
      await tx.invitee.updateMany({
        where: { email: address, bouncedAt: null },
        data: { bouncedAt: deps.now, bounceReason: reason.slice(0, 500) },
      });
    }
    return {
      state: 'processed',
      outcome: `bounce: ${[...addresses].join(', ')} (${reason.slice(0, 120)})`,
      counted: 'bounces',
      eventId: original?.eventId ?? null,
      inviteeId: original?.inviteeId ?? null,
    };
  }

  private notAuthenticated(match: { eventId: string; inviteeId: string | null } | null): Promise<ActResult> {
    return this.review(match?.eventId ?? null, match?.inviteeId ?? null, 'sender_not_authenticated', this.auth?.detail ?? 'sender not authenticated');
  }

  private async review(eventId: string | null, inviteeId: string | null, reason: string, detail: string): Promise<ActResult> {
    await this.tx.reviewItem.create({
      data: { reason, detail, eventId, inviteeId, messageId: this.messageRowId, createdAt: this.deps.now },
    });
    return { state: 'review', outcome: `review: ${detail}`, counted: 'review', eventId, inviteeId };
  }
}

function ignored(outcome: string): ActResult {
  return { state: 'ignored', outcome, counted: 'ignored' };
}

/** An invitee's secret for plus-addressed replies: 12 url-safe characters, 72 bits. */
export function newToken(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * The events still ahead, with the mail domains of their invitees' organisations, read once per
 * poll rather than once per message: replies in a backlog are matched against the same list.
 */
class OpenEvents {
  private cached: Promise<OpenEvent[]> | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: Date,
  ) {}

  list(): Promise<OpenEvent[]> {
    this.cached ??= this.load();
    return this.cached;
  }

  private async load(): Promise<OpenEvent[]> {
    const events = await this.prisma.event.findMany({
      where: { state: 'scheduled', endsAt: { gt: this.now } },
      select: { id: true, title: true, slug: true },
    });
    const invitees = await this.prisma.invitee.findMany({
      where: { eventId: { in: events.map((e) => e.id) } },
      select: { eventId: true, email: true },
    });
    const domains = new Map<string, Set<string>>();
    for (const i of invitees) {
      const set = domains.get(i.eventId) ?? new Set<string>();
      set.add(domainOf(i.email));
      domains.set(i.eventId, set);
    }
    return events.map((e) => ({ eventId: e.id, title: e.title, slug: e.slug, domains: [...(domains.get(e.id) ?? [])] }));
  }
}

/**
 * What one transaction's batch of messages reads and writes in bulk: the threads and the
 * senders' invitations are read once for the whole batch, events once each, recent answers per
 * sender once; the RSVP history rows and the confirmations are inserted together at the end.
 * Anything written for a sender during the batch drops that sender's cached rows, so a second
 * message from them in the same batch reads what the first one wrote.
 */
interface InviteeAnswer {
  status: string;
  partySize: number | null;
  attendees: string[];
  respondedAt: Date;
  late: boolean;
  waitlistedAt: Date | null;
  updatedAt: Date;
}

const INVITEE_ANSWER_COLUMNS: Record<keyof InviteeAnswer, BulkColumnType> = {
  status: 'text',
  partySize: 'int',
  attendees: 'json',
  respondedAt: 'timestamp',
  late: 'bool',
  waitlistedAt: 'timestamp',
  updatedAt: 'timestamp',
};

/** What processing records on the message itself (actOn). */
const MESSAGE_OUTCOME_COLUMNS: Record<string, BulkColumnType> = {
  fromAddress: 'text',
  fromName: 'text',
  subject: 'text',
  date: 'timestamp',
  inReplyTo: 'text',
  references: 'json',
  kind: 'text',
  intent: 'text',
  partySize: 'int',
  attendees: 'json',
  replyText: 'text',
  confidence: 'float',
  reasons: 'json',
  state: 'text',
  outcome: 'text',
  eventId: 'text',
  inviteeId: 'text',
  processedAt: 'timestamp',
  claimedBy: 'text',
  error: 'text',
};

class BatchContext {
  private readonly threads = new Map<string, { eventId: string | null; inviteeId: string | null }>();
  private readonly invitees = new Map<string, InviteeRow[]>();
  private readonly events = new Map<string, EventRow>();
  private readonly repliesLastHour = new Map<string, number>();
  private readonly rsvps: Prisma.RsvpCreateManyInput[] = [];
  private readonly mails: Prisma.OutboundMailCreateManyInput[] = [];
  /** Invitees' new answers by invitee id, written together (one UPDATE) before anything reads them. */
  private readonly inviteeUpdates = new Map<string, InviteeAnswer>();
  /** The processed messages' outcomes, written together at the end, conditional on the claim. */
  private readonly messageUpdates: { key: string; values: Record<string, unknown> }[] = [];
  /** People accepted per event (capacity), read once and kept up to date by the batch's answers. */
  private readonly accepted = new Map<string, number>();
  private readonly now: Date;
  private readonly provider: 'sqlite' | 'postgresql';

  constructor(
    private readonly tx: Tx,
    private readonly deps: Pick<ProcessDeps, 'now' | 'workerId' | 'serializable' | 'provider'>,
    private readonly openEventIds: string[],
  ) {
    this.now = deps.now;
    this.provider = deps.provider ?? (deps.serializable ? 'postgresql' : 'sqlite');
  }

  async prefetch(messages: Prepared[]): Promise<void> {
    const ids = [...new Set(messages.flatMap((m) => [m.anatomy.inReplyTo, ...m.anatomy.references]).filter((x): x is string => !!x))];
    const senders = [...new Set(messages.map((m) => m.anatomy.from?.address.toLowerCase()).filter((x): x is string => !!x))];
    // One after the other: the queries of an interactive transaction share its connection.
    const sent = ids.length
      ? await this.tx.outboundMail.findMany({ where: { messageId: { in: ids } }, select: { messageId: true, eventId: true, inviteeId: true } })
      : [];
    const invitees = senders.length ? await this.tx.invitee.findMany({ where: { email: { in: senders }, eventId: { in: this.openEventIds } } }) : [];
    const recent = senders.length
      ? await this.tx.outboundMail.groupBy({
          by: ['toAddress'],
          where: { toAddress: { in: senders }, kind: { in: ['confirmation', 'promotion'] }, createdAt: { gte: new Date(this.now.getTime() - 3600_000) } },
          _count: { _all: true },
        })
      : [];
    for (const s of sent) this.threads.set(s.messageId, s);
    for (const email of senders) this.invitees.set(email, invitees.filter((i) => i.email === email));
    // Senders with no recent answer count 0 (groupBy returns no row for them): no count query later.
    for (const email of senders) this.repliesLastHour.set(email, 0);
    for (const r of recent) this.repliesLastHour.set(r.toAddress, r._count._all);
  }

  async sentMails(ids: string[]) {
    const missing = ids.filter((id) => !this.threads.has(id));
    if (missing.length) {
      const rows = await this.tx.outboundMail.findMany({ where: { messageId: { in: missing } }, select: { messageId: true, eventId: true, inviteeId: true } });
      for (const r of rows) this.threads.set(r.messageId, r);
      for (const id of missing) if (!this.threads.has(id)) this.threads.set(id, { eventId: null, inviteeId: null });
    }
    return ids.map((id) => ({ messageId: id, ...this.threads.get(id)! })).filter((t) => t.eventId);
  }

  async inviteesOf(email: string): Promise<InviteeRow[]> {
    let rows = this.invitees.get(email);
    if (!rows) {
      await this.flushInvitees();
      rows = await this.tx.invitee.findMany({ where: { email, eventId: { in: this.openEventIds } } });
      this.invitees.set(email, rows);
    }
    return rows;
  }

  /**
   * Something is about to be written for this address outside the batch's own answers: the
   * answers so far are written first, and the address's rows are read afresh next time.
   */
  async forget(email: string): Promise<void> {
    await this.flushInvitees();
    this.invitees.delete(email);
  }

  /** Records an invitee's new answer (written by flushInvitees) and shows it in the cached rows. */
  updateInvitee(row: InviteeRow, answer: Omit<InviteeAnswer, 'updatedAt'>): void {
    const values = { ...answer, updatedAt: this.now };
    this.inviteeUpdates.set(row.id, values);
    const cached = this.invitees.get(row.email);
    if (cached) this.invitees.set(row.email, cached.map((r) => (r.id === row.id ? { ...r, ...values } : r)));
  }

  async flushInvitees(): Promise<void> {
    if (this.inviteeUpdates.size === 0) return;
    const rows = [...this.inviteeUpdates].map(([key, values]) => ({ key, values }));
    this.inviteeUpdates.clear();
    const count = await bulkUpdate(this.tx, this.provider, { table: 'Invitee', columns: INVITEE_ANSWER_COLUMNS, rows });
    if (count !== rows.length) throw new Error(`invitee answers: ${count} of ${rows.length} rows written`);
  }

  /** People holding a place in the event (an unknown party size holds one, as in peopleOf). */
  async acceptedPeople(eventId: string): Promise<number> {
    let total = this.accepted.get(eventId);
    if (total === undefined) {
      await this.flushInvitees();
      const taken = await this.tx.invitee.aggregate({
        where: { eventId, status: 'accepted' },
        _sum: { partySize: true },
        _count: { _all: true, partySize: true },
      });
      total = (taken._sum.partySize ?? 0) + (taken._count._all - taken._count.partySize);
      this.accepted.set(eventId, total);
    }
    return total;
  }

  adjustAccepted(eventId: string, delta: number): void {
    const total = this.accepted.get(eventId);
    if (total !== undefined) this.accepted.set(eventId, total + delta);
  }

  dropAccepted(eventId: string): void {
    this.accepted.delete(eventId);
  }

  addMessageUpdate(id: string, values: Record<string, unknown>): void {
    this.messageUpdates.push({ key: id, values });
  }

  async event(id: string): Promise<EventRow> {
    let event = this.events.get(id);
    if (!event) {
      event = await this.tx.event.findUniqueOrThrow({ where: { id } });
      this.events.set(id, event);
    }
    return event;
  }

  /** Confirmations and promotions to this address in the last hour, counting this batch's own. */
  async recentReplies(address: string): Promise<number> {
    if (!this.repliesLastHour.has(address)) {
      const count = await this.tx.outboundMail.count({
        where: { toAddress: address, kind: { in: ['confirmation', 'promotion'] }, createdAt: { gte: new Date(this.now.getTime() - 3600_000) } },
      });
      this.repliesLastHour.set(address, count);
    }
    return this.repliesLastHour.get(address)!;
  }

  addRsvp(row: Prisma.RsvpCreateManyInput): void {
    this.rsvps.push(row);
  }

  addMail(row: Prisma.OutboundMailCreateManyInput): void {
    this.mails.push(row);
    this.repliesLastHour.set(row.toAddress, (this.repliesLastHour.get(row.toAddress) ?? 0) + 1);
  }

  async flush(): Promise<void> {
    await this.flushInvitees();
    if (this.rsvps.length) await this.tx.rsvp.createMany({ data: this.rsvps.splice(0) });
    if (this.mails.length) await this.tx.outboundMail.createMany({ data: this.mails.splice(0) });
    const rows = this.messageUpdates.splice(0);
    if (rows.length) {
      const count = await bulkUpdate(this.tx, this.provider, {
        table: 'InboundMessage',
        columns: MESSAGE_OUTCOME_COLUMNS,
        rows,
        where: { state: 'processing', claimedBy: this.deps.workerId },
      });
      if (count !== rows.length) throw new Error('claim lost to another worker');
    }
  }
}

export interface Resolution {
  intent: 'accept' | 'decline' | 'tentative';
  partySize: number | null;
  /** Names of who comes; null keeps what was read from the message. */
  attendees: string[] | null;
  eventId: string;
}

/**
 * Acts on a message as a coordinator decided: the same path as an understood reply (state
 * machine, history, confirmation threaded on the message), claimed like any other processing,
 * with `onDone` run in the same transaction (the review item marked resolved).
 */
export async function resolveMessage(deps: ProcessDeps, messageId: string, resolution: Resolution, onDone: (tx: Tx) => Promise<void>): Promise<string> {
  const claim = await withRetry(() =>
    deps.prisma.inboundMessage.updateMany({
      where: { id: messageId, state: { in: ['review', 'ignored', 'processed', 'failed'] } },
      data: { state: 'processing', claimedBy: deps.workerId, claimedAt: deps.now },
    }),
  );
  if (claim.count !== 1) throw new Error('the message is being processed right now, or does not exist');
  const row = await deps.prisma.inboundMessage.findUniqueOrThrow({ where: { id: messageId }, select: CLAIMED });
  const prepared = await prepare(deps, row);
  if ('error' in prepared) throw prepared.error;
  const classification: Classification = {
    ...prepared.classification,
    kind: 'rsvp',
    intent: resolution.intent,
    partySize: resolution.intent === 'decline' ? 0 : resolution.partySize,
    attendees: resolution.intent === 'decline' ? [] : (resolution.attendees ?? prepared.classification.attendees),
    confidence: 1,
    reasons: [...prepared.classification.reasons, `review:resolved as ${resolution.intent}`],
  };
  const openEvents = new OpenEvents(deps.prisma, deps.now);
  await openEvents.list();
  let outcome = '';
  try {
    await inTransaction(deps, async (tx) => {
      const batch = new BatchContext(tx, deps, (await openEvents.list()).map((e) => e.eventId));
      await actOn(deps, tx, batch, { ...prepared, classification }, openEvents, async (actor) => {
        const result = await actor.resolve(resolution.eventId);
        outcome = result.outcome;
        return result;
      });
      await batch.flush();
      await onDone(tx);
    });
  } catch (e) {
    await deps.prisma.inboundMessage.updateMany({ where: { id: messageId, claimedBy: deps.workerId }, data: { state: 'review', claimedBy: null } });
    throw e;
  }
  return outcome;
}
