/**
 * poll: take every new message from the mailbox, act on each once, and send what that caused.
 */
import type { App } from '../src/app.js';
import { ingest } from '../src/inbound/ingest.js';
import { processDepsOf, processPending } from '../src/inbound/process.js';
import type { MailboxSource } from '../src/mailbox/types.js';
import { backgroundSender, runSend } from './send.js';

export interface PollOptions {
  /**
   * A progress bar's counters: while storing, messages taken from the mailbox so far (the total
   * is not known in advance); while processing, messages handled of those waiting.
   */
  onProgress?: (stage: 'storing' | 'processing', done: number, total: number | null) => void;
}

export async function runPoll(app: App, options: PollOptions = {}) {
  const now = app.now();
  const mailbox = await app.mailbox();
  const onProgress = options.onProgress;
  let fetched;
  try {
    fetched = await ingest({
      prisma: app.db.prisma,
      mailbox: onProgress ? countingAcknowledgements(mailbox, (n) => onProgress('storing', n, null)) : mailbox,
      logger: app.logger,
      now,
      batchSize: app.config.mailbox.batchSize,
      maxBytes: app.config.mailbox.maxMessageBytes,
      flush: () => app.db.flush(),
    });
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    await app.db.prisma.mailboxState
      .upsert({
        where: { id: mailbox.key },
        create: { id: mailbox.key, lastError: message, lastErrorAt: now, lastPollAt: now },
        update: { lastError: message, lastErrorAt: now, lastPollAt: now },
      })
      .catch(() => {});
    throw e;
  }
  const deps = processDepsOf(app, now);
  let progress: ((handled: number) => void) | undefined;
  if (onProgress) {
    const waiting = await app.db.prisma.inboundMessage.count({ where: { state: 'received' } });
    progress = (handled) => onProgress('processing', handled, Math.max(waiting, handled));
  }
  // The confirmations of each committed batch go out while the next batches are processed.
  const early = backgroundSender(app);
  deps.onProgress = (handled) => {
    progress?.(handled);
    early.kick();
  };
  const processed = await processPending(deps);
  const before = await early.finish();
  const sent = await runSend(app);
  return {
    ...fetched,
    ...processed,
    sent: before.sent + sent.sent,
    retrying: before.retrying + sent.retrying,
    sendFailed: before.failed + sent.failed,
  };
}

/** The same source, counting each stored (acknowledged) message. */
function countingAcknowledgements(source: MailboxSource, onCount: (n: number) => void): MailboxSource {
  let count = 0;
  return {
    key: source.key,
    kind: source.kind,
    fetchNew: (cursor, fetchOptions) => source.fetchNew(cursor, fetchOptions),
    async acknowledge(message) {
      await source.acknowledge(message);
      onCount(++count);
    },
    close: () => source.close(),
  };
}
