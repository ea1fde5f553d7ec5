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

/**
 * Runs the send job whenever kicked, one run at a time; a kick during a run asks for one more.
 * Every mail it touches is claimed first (deliverDue), so it is as safe as a separate `send`.
 * Its errors are logged: the poll's own send at the end meets them again.
 */
export function backgroundSender(app: App) {
  const total = { sent: 0, retrying: 0, failed: 0 };
  let running: Promise<void> | null = null;
  let again = false;
  const loop = async () => {
    do {
      again = false;
      try {
        const r = await runSend(app);
        total.sent += r.sent;
        total.retrying += r.retrying;
        total.failed += r.failed;
      } catch (e) {
        app.logger.warn({ error: e instanceof Error ? e.message.split('\n')[0] : String(e) }, 'sending during the poll failed; retried after it');
        again = false;
      }
    } while (again);
    running = null;
  };
  return {
    kick() {
      if (running) again = true;
      else running = loop();
    },
    async finish() {
      while (running) await running;
      return total;
    },
  };
}
