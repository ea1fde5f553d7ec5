/**
 * The poll job's throughput on a backlog: a Dovecot mailbox holding `count` short replies from
 * `count` invitees of one event, worked through by one `poll` (store, understand, match, record,
 * confirm over SMTP) on a fresh database, in a process of its own on the built program
 * (bench/child.mjs), which also reports its peak RSS (the kernel's VmHWM) and the peak per 2,000
 * messages stored and processed. The caller sets the time beside the baseline
 * (bench/baseline.ts) measured on the same mailbox in the same run.
 */
import { loadConfig } from '../src/config/load.js';
import { createApp, type App } from '../src/app.js';
import { silentLogger } from '../src/log.js';
import { freshDatabase, type Provider, type TestDatabase } from '../test/support/databases.js';
import { seedEvent, EVENT_YAML } from '../test/support/harness.js';
import type { SmtpReceiver } from '../test/support/smtp-receiver.js';
import { runChild } from './spawn.js';

export interface PollBenchResult {
  provider: Provider;
  messages: number;
  rsvps: number;
  sent: number;
  seconds: number;
  perSecond: number;
  peakRssMb: number;
  /** Peak RSS per 2,000 messages stored, then processed. */
  windows: { stage: string; upTo: number | 'end'; peakRssMb: number }[];
}

/** The invitees the bench replies come from (bench/fill-mailbox.ts shortReply). */
export function benchInvitees(count: number): string {
  const rows = ['email;naam;organisatie'];
  for (let i = 0; i < count; i++) rows.push(`invitee${i}@zorg.example;Invitee ${i};Zorg ${i % 50}`);
  return rows.join('\n') + '\n';
}

export const BENCH_NOW = '2026-11-23T09:00:00Z';

/** The service's environment for a bench database, mailbox and receiver. */
export function benchEnv(databaseUrl: string, imapUrl: string | null, smtpUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    ...(imapUrl ? { IMAP_URL: imapUrl } : {}),
    SMTP_URL: smtpUrl,
    MAIL_FROM: 'Inkooporganisatie <info@inkoop.example>',
    RSVP_NOW: BENCH_NOW,
    RSVP_CONFIG: 'config/rsvp.yaml',
  };
}

/** A fresh database with the bench event and `invitees` invitees; `prepare` may add more. */
export async function seededDatabase(
  provider: Provider,
  invitees: number,
  prepare?: (app: App) => Promise<void>,
): Promise<TestDatabase> {
  const db = await freshDatabase(provider);
  const config = loadConfig({ env: benchEnv(db.url, null, 'smtp://127.0.0.1:1'), cwd: process.cwd(), file: 'config/rsvp.yaml' });
  const app = await createApp(config, silentLogger());
  try {
    await seedEvent(app, EVENT_YAML.replace('capacity: 4', 'capacity: 100000'), benchInvitees(invitees));
    await prepare?.(app);
  } finally {
    await app.close();
  }
  return db;
}

interface ChildPoll {
  seconds: number;
  summary: { stored: number; rsvps: number; sent: number };
  peakRssMb: number;
  windows: PollBenchResult['windows'];
}

export async function benchPoll(options: {
  provider: Provider;
  imapUrl: string;
  receiver: SmtpReceiver;
  count: number;
}): Promise<PollBenchResult> {
  const db = await seededDatabase(options.provider, options.count);
  try {
    options.receiver.clear();
    const r = await runChild<ChildPoll>(['poll'], benchEnv(db.url, options.imapUrl, options.receiver.url()));
    return {
      provider: options.provider,
      messages: r.summary.stored,
      rsvps: r.summary.rsvps,
      sent: r.summary.sent,
      seconds: r.seconds,
      perSecond: r.summary.stored / r.seconds,
      peakRssMb: r.peakRssMb,
      windows: r.windows,
    };
  } finally {
    await db.drop();
  }
}
