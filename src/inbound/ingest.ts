/**
 * Taking messages from the mailbox into the database: the first half of a poll. Each batch is
 * stored in one transaction together with the mailbox position (MailboxState.lastUid), and only
 * then acknowledged to the mailbox (Maildir: moved to cur/). A crash before the commit leaves the
 * batch in the mailbox to be read again; after it, the Message-ID makes the second read a no-op.
 * Nothing is parsed here beyond the header lines needed to de-duplicate: understanding the
 * message is the second half (process.ts), which can be retried on its own.
 */
import { createHash } from 'node:crypto';
import type { Prisma, PrismaClient } from '../db/client.js';
import { isRetryableDbError, isUniqueViolation, withRetry } from '../db/client.js';
import type { Logger } from '../log.js';
import { firstHeader, readHeaderBlock, readMessageIds } from '../core/understand/parse.js';
import type { FetchedMessage, MailboxSource } from '../mailbox/types.js';
import { relieveHeap } from '../heap.js';

export interface IngestOptions {
  prisma: PrismaClient;
  mailbox: MailboxSource;
  logger: Logger;
  now: Date;
  batchSize: number;
  maxBytes: number;
  /** Makes the stored batch durable before the mailbox is told (Database.flush). */
  flush?: () => Promise<void>;
}

export interface IngestSummary {
  stored: number;
  duplicates: number;
  quarantined: number;
}

/**
 * The Message-ID header without <>, or null, read by the understanding core's own header reader
 * from the header block alone (a large message is not turned into a string whole).
 */
export function messageIdOf(raw: Buffer): string | null {
  let end = raw.indexOf('\r\n\r\n');
  if (end < 0) end = raw.indexOf('\n\n');
  const head = raw.subarray(0, end < 0 ? Math.min(raw.length, 64 * 1024) : end).toString('latin1');
  return readMessageIds(firstHeader(readHeaderBlock(head), 'message-id'))[0] ?? null;
}

/** The key a message is stored under: its Message-ID, or a digest of the source when it has none. */
export function storageKeyOf(raw: Buffer, sha256: string): string {
  return messageIdOf(raw) ?? `sha256:${sha256}@missing-message-id`;
}

/**
 * An error of the poll as one line that says what failed, for MailboxState.lastError, the
 * worker's log and the CLI's stderr. The mailbox sources already write one line; Prisma's
 * messages start with a blank line and the query, and end with the reason (the database
 * connection lost, a constraint), so the reason is what is kept. The original stays as `cause`.
 */
export function pollError(e: unknown): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  const lines = err.message.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.length === 1 && err.message.trim() === err.message) return err;
  const prisma = /^PrismaClient|^DriverAdapterError/.test(err.name) || /^P\d{4}$/.test(String((err as { code?: unknown }).code ?? ''));
  const reason = lines.at(-1) ?? err.name;
  const wrapped = new Error(prisma ? `database error while storing new mail: ${reason}` : reason, { cause: err });
  const code = (err as { code?: unknown }).code;
  if (code !== undefined) (wrapped as Error & { code?: unknown }).code = code;
  return wrapped;
}

export async function ingest(options: IngestOptions): Promise<IngestSummary> {
  try {
    return await ingestAll(options);
  } catch (e) {
    throw pollError(e);
  }
}

async function ingestAll(options: IngestOptions): Promise<IngestSummary> {
  const { prisma, mailbox, logger } = options;
  const summary: IngestSummary = { stored: 0, duplicates: 0, quarantined: 0 };
  for (;;) {
    const state = await prisma.mailboxState.findUnique({ where: { id: mailbox.key } });
    const cursor = { uidValidity: state?.uidValidity ?? null, lastUid: state?.lastUid ?? 0n };
    const batch: (FetchedMessage & { truncated?: boolean })[] = [];
    for await (const message of mailbox.fetchNew(cursor, { maxBytes: options.maxBytes, limit: options.batchSize })) {
      batch.push(message);
    }
    if (batch.length === 0) break;

    // Two workers that fetched the same new mail both look for it and both insert it; the second
    // insert fails on the unique Message-ID once the first commits. Running the batch again then
    // finds those messages stored and counts them as duplicates.
    const result = await withRetry(
      () => storeBatch(prisma, mailbox, batch, options.now),
      8,
      (e) => isRetryableDbError(e) || isUniqueViolation(e),
    );
    summary.stored += result.stored;
    summary.duplicates += result.duplicates;
    summary.quarantined += result.quarantined;
    await options.flush?.();
    for (const message of batch) await mailbox.acknowledge(message);
    logger.debug({ mailbox: mailbox.key, ...result }, 'batch stored');
    relieveHeap();
    // A source that ignores the cursor (Maildir) returns nothing more once acknowledged; an IMAP
    // source continues after the stored UID.
    if (batch.length < options.batchSize) break;
  }
  await prisma.mailboxState.upsert({
    where: { id: mailbox.key },
    create: { id: mailbox.key, lastPollAt: options.now, lastSuccessAt: options.now },
    update: { lastPollAt: options.now, lastSuccessAt: options.now, lastError: null },
  });
  return summary;
}

async function storeBatch(
  prisma: PrismaClient,
  mailbox: MailboxSource,
  batch: (FetchedMessage & { truncated?: boolean })[],
  now: Date,
): Promise<IngestSummary> {
  return prisma.$transaction(
    async (tx) => {
      const summary: IngestSummary = { stored: 0, duplicates: 0, quarantined: 0 };
      let uidValidity: bigint | null = null;
      let lastUid: bigint | null = null;
      // The batch's keys are looked up together and its new messages inserted together: two
      // statements per batch instead of two per message.
      const keyed = batch.map((message) => {
        const sha256 = createHash('sha256').update(message.raw).digest('hex');
        return { message, sha256, key: storageKeyOf(message.raw, sha256) };
      });
      const known = new Set(
        (await tx.inboundMessage.findMany({ where: { messageId: { in: [...new Set(keyed.map((k) => k.key))] } }, select: { messageId: true } })).map(
          (m) => m.messageId,
        ),
      );
      const rows: Prisma.InboundMessageCreateManyInput[] = [];
      for (const { message, sha256, key } of keyed) {
        if (message.uid !== undefined) {
          uidValidity = message.uidValidity ?? null;
          if (lastUid === null || message.uid > lastUid) lastUid = message.uid;
        }
        if (known.has(key)) {
          summary.duplicates++;
          continue;
        }
        known.add(key);
        const quarantined = message.truncated === true;
        const data = {
          messageId: key,
          sha256,
          source: mailbox.kind,
          mailbox: mailbox.key,
          uidValidity: message.uidValidity ?? null,
          uid: message.uid ?? null,
          maildirKey: message.maildirKey ?? null,
          raw: new Uint8Array(message.raw),
          size: message.size,
          receivedAt: message.receivedAt ?? now,
          state: quarantined ? 'quarantined' : 'received',
          outcome: quarantined ? `quarantined: ${message.size} bytes is over the limit; the original stays in the mailbox` : null,
        };
        if (!quarantined) {
          rows.push(data);
          summary.stored++;
          continue;
        }
        // Rare: created alone, as its review item needs the row's id.
        const created = await tx.inboundMessage.create({ data, select: { id: true } });
        summary.quarantined++;
        await tx.reviewItem.create({
          data: {
            reason: 'quarantined',
            messageId: created.id,
            detail: `message of ${message.size} bytes is over mailbox.maxMessageBytes; only its start is stored, the original stays in ${mailbox.key}`,
            createdAt: now,
          },
        });
      }
      if (rows.length > 0) await tx.inboundMessage.createMany({ data: rows });
      if (lastUid !== null) {
        await tx.mailboxState.upsert({
          where: { id: mailbox.key },
          create: { id: mailbox.key, uidValidity, lastUid },
          update: { uidValidity, lastUid },
        });
      }
      return summary;
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}
