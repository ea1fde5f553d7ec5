/**
 * The poll job's throughput on a backlog: a Dovecot mailbox holding `count` short replies from
 * `count` invitees of one event, worked through by one `poll` (store, understand, match, record,
 * confirm over SMTP) on a fresh database. Returns the wall time; the caller sets it beside the
 * baseline (bench/baseline.ts) measured on the same mailbox in the same run.
 */
import { loadConfig } from '../src/config/load.js';
import { createApp } from '../src/app.js';
import { silentLogger } from '../src/log.js';
import { runPoll } from '../jobs/poll.js';
import { freshDatabase, type Provider } from '../test/support/databases.js';
import { seedEvent, EVENT_YAML } from '../test/support/harness.js';
import type { SmtpReceiver } from '../test/support/smtp-receiver.js';

export interface PollBenchResult {
  provider: Provider;
  messages: number;
  rsvps: number;
  sent: number;
  seconds: number;
  perSecond: number;
  peakRssMb: number;
}

/** The invitees the bench replies come from (bench/fill-mailbox.ts shortReply). */
export function benchInvitees(count: number): string {
  const rows = ['email;naam;organisatie'];
  for (let i = 0; i < count; i++) rows.push(`invitee${i}@zorg.example;Invitee ${i};Zorg ${i % 50}`);
  return rows.join('\n') + '\n';
}

export async function benchPoll(options: {
  provider: Provider;
  imapUrl: string;
  receiver: SmtpReceiver;
  count: number;
}): Promise<PollBenchResult> {
  const db = await freshDatabase(options.provider);
  const config = loadConfig({
    env: {
      DATABASE_URL: db.url,
      IMAP_URL: options.imapUrl,
      SMTP_URL: options.receiver.url(),
      MAIL_FROM: 'Inkooporganisatie <info@inkoop.example>',
      RSVP_NOW: '2026-11-23T09:00:00Z',
    },
    cwd: process.cwd(),
    file: 'config/rsvp.yaml',
  });
  const app = await createApp(config, silentLogger());
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    await seedEvent(app, EVENT_YAML.replace('capacity: 4', 'capacity: 100000'), benchInvitees(options.count));
    options.receiver.clear();
    const started = process.hrtime.bigint();
    const summary = await runPoll(app);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      provider: options.provider,
      messages: summary.stored,
      rsvps: summary.rsvps,
      sent: summary.sent,
      seconds,
      perSecond: summary.stored / seconds,
      peakRssMb: Math.round(peak / 1024 / 1024),
    };
  } finally {
    clearInterval(sampler);
    await app.close();
    await db.drop();
  }
}
