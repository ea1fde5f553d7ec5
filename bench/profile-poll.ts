/**
 * Profiling aid for the poll path (not part of `npm run bench`): fills a private Dovecot with
 * `count` short replies, then runs the poll's three phases one after the other (ingest, process,
 * send) in this process and prints the time and RSS of each. Run it under the profiler:
 *   node --cpu-prof --cpu-prof-dir=bench/output/prof --import tsx bench/profile-poll.ts [count] [sqlite|postgresql]
 *   node --heap-prof --heap-prof-dir=bench/output/prof --import tsx bench/profile-poll.ts 2000
 */
import { loadConfig } from '../src/config/load.js';
import { createApp } from '../src/app.js';
import { silentLogger } from '../src/log.js';
import { ingest } from '../src/inbound/ingest.js';
import { processDepsOf, processPending } from '../src/inbound/process.js';
import { runSend } from '../jobs/send.js';
import { freshDatabase, type Provider } from '../test/support/databases.js';
import { seedEvent, EVENT_YAML } from '../test/support/harness.js';
import { startDovecot } from '../test/support/dovecot.js';
import { startSmtpReceiver } from '../test/support/smtp-receiver.js';
import { fillMailbox, shortReply } from './fill-mailbox.js';
import { benchInvitees } from './poll.js';

const mb = () => Math.round(process.memoryUsage().rss / 1048576);

async function main() {
  const count = Number(process.argv[2] ?? 2000);
  const provider = (process.argv[3] ?? 'sqlite') as Provider;
  const dovecot = await startDovecot();
  const receiver = await startSmtpReceiver();
  const db = await freshDatabase(provider);
  try {
    const imapUrl = dovecot.imapUrl('bench@example.test', `profile-${Date.now()}`);
    await fillMailbox(imapUrl, count, shortReply);
    const config = loadConfig({
      env: { DATABASE_URL: db.url, IMAP_URL: imapUrl, SMTP_URL: receiver.url(), MAIL_FROM: 'Inkooporganisatie <info@inkoop.example>', RSVP_NOW: '2026-11-23T09:00:00Z' },
      cwd: process.cwd(),
      file: 'config/rsvp.yaml',
    });
    const base = await createApp(config, silentLogger());
    // PROFILE_QUERIES=1: time spent per model and operation (a Prisma query extension).
    const perQuery = new Map<string, { n: number; ms: number }>();
    const app = process.env.PROFILE_QUERIES
      ? {
          ...base,
          db: {
            ...base.db,
            prisma: base.db.prisma.$extends({
              query: {
                async $allOperations({ model, operation, args, query }) {
                  const t = performance.now();
                  try {
                    return await query(args);
                  } finally {
                    const key = `${model ?? ''}.${operation}`;
                    const e = perQuery.get(key) ?? { n: 0, ms: 0 };
                    e.n++;
                    e.ms += performance.now() - t;
                    perQuery.set(key, e);
                  }
                },
              },
            }) as unknown as typeof base.db.prisma,
          },
        }
      : base;
    await seedEvent(app, EVENT_YAML.replace('capacity: 4', 'capacity: 100000'), benchInvitees(count));
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const timed = async <T>(name: string, work: () => Promise<T>) => {
      const t = process.hrtime.bigint();
      const r = await work();
      console.log(`${name}: ${(Number(process.hrtime.bigint() - t) / 1e6).toFixed(0)} ms, rss ${mb()} MB, peak ${Math.round(peak / 1048576)} MB`, JSON.stringify(r));
      return r;
    };
    const now = app.now();
    const mailbox = await app.mailbox();
    await timed('ingest', () => ingest({ prisma: app.db.prisma, mailbox, logger: app.logger, now, batchSize: config.mailbox.batchSize, maxBytes: config.mailbox.maxMessageBytes }));
    await timed('process', () => processPending(processDepsOf(app, now)));
    await timed('send', () => runSend(app));
    clearInterval(sampler);
    for (const [k, v] of [...perQuery].sort((a, b) => b[1].ms - a[1].ms)) console.log(`${v.ms.toFixed(0).padStart(7)} ms ${String(v.n).padStart(6)}× ${k}`);
    await base.close();
  } finally {
    await db.drop();
    await receiver.stop();
    await dovecot.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
