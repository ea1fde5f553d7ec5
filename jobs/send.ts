/**
 * send: deliver every outbox mail that is due at "now" (new mail and retries).
 */
import type { App } from '../src/app.js';
import { deliverDue } from '../src/outbox/outbox.js';

export async function runSend(app: App) {
  const pending = await app.db.prisma.outboundMail.count({ where: { state: { in: ['pending', 'sending'] } } });
  if (pending === 0) return { sent: 0, retrying: 0, failed: 0, suppressed: 0 };
  return deliverDue({
    prisma: app.db.prisma,
    sender: await app.sender(),
    logger: app.logger,
    workerId: app.workerId,
    from: app.organiser,
    now: app.now(),
    maxAttempts: app.config.outbox.maxAttempts,
    retryBaseSeconds: app.config.outbox.retryBaseSeconds,
    retryMaxSeconds: app.config.outbox.retryMaxSeconds,
    concurrency: app.config.outbox.maxConnections,
  });
}
