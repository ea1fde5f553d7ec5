/**
 * poll: take every new message from the mailbox, act on each once, and send what that caused.
 */
import type { App } from '../src/app.js';
import { ingest } from '../src/inbound/ingest.js';
import { processDepsOf, processPending } from '../src/inbound/process.js';
import { runSend } from './send.js';

export async function runPoll(app: App) {
  const now = app.now();
  const mailbox = await app.mailbox();
  let fetched;
  try {
    fetched = await ingest({
      prisma: app.db.prisma,
      mailbox,
      logger: app.logger,
      now,
      batchSize: app.config.mailbox.batchSize,
      maxBytes: app.config.mailbox.maxMessageBytes,
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
  const processed = await processPending(processDepsOf(app, now));
  const sent = await runSend(app);
  return { ...fetched, ...processed, sent: sent.sent, retrying: sent.retrying, sendFailed: sent.failed };
}
