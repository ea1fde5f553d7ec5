/**
 * Arrival → confirmation leaving, with the worker running on IMAP IDLE: replies are appended to
 * the private Dovecot one at a time, each once the previous one's answer has reached the SMTP
 * receiver, and the time from the APPEND to the answer's arrival is taken for each. The same is
 * done against the least work (bench/idle-reference.mjs: IDLE, fetch, parse, one short reply).
 */
import { ImapFlow } from 'imapflow';
import { performance } from 'node:perf_hooks';
import { imapOptionsOf } from '../test/support/dovecot.js';
import type { SmtpReceiver } from '../test/support/smtp-receiver.js';
import { shortReply } from './fill-mailbox.js';
import { benchEnv, seededDatabase } from './poll.js';
import { startChild } from './spawn.js';

export interface LatencyFigures {
  messages: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
}

function figures(samples: number[]): LatencyFigures {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { messages: sorted.length, medianMs: Math.round(at(0.5)), p99Ms: Math.round(at(0.99)), maxMs: Math.round(sorted[sorted.length - 1]!) };
}

async function appendOneByOne(imapUrl: string, receiver: SmtpReceiver, count: number): Promise<number[]> {
  const { mailbox, ...connection } = imapOptionsOf(imapUrl);
  const client = new ImapFlow({ ...connection, logger: false });
  await client.connect();
  const samples: number[] = [];
  try {
    receiver.clear();
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await client.append(mailbox, shortReply(i));
      await receiver.waitFor(i + 1, 60_000);
      samples.push(performance.now() - started);
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return samples;
}

async function createMailbox(imapUrl: string): Promise<void> {
  const { mailbox, ...connection } = imapOptionsOf(imapUrl);
  const client = new ImapFlow({ ...connection, logger: false });
  await client.connect();
  await client.mailboxCreate(mailbox).catch(() => {});
  await client.logout().catch(() => client.close());
}

/** SIGTERM, and wait for the exit unless it has already happened. */
async function stop(child: import('node:child_process').ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

export async function benchLatency(options: {
  imapUrl: (name: string) => string;
  receiver: SmtpReceiver;
  count: number;
}): Promise<{ worker: LatencyFigures; reference: LatencyFigures; workerPeakRssMb: number | null }> {
  const { receiver, count } = options;

  const db = await seededDatabase('sqlite', count);
  const workerUrl = options.imapUrl(`latency-worker-${Date.now()}`);
  await createMailbox(workerUrl);
  let worker: LatencyFigures;
  let workerPeakRssMb: number | null = null;
  try {
    const child = startChild(['bench/child.mjs', 'worker'], benchEnv(db.url, workerUrl, receiver.url()));
    try {
      await child.line('ready');
      worker = figures(await appendOneByOne(workerUrl, receiver, count).catch((e: Error) => {
        throw new Error(`${e.message}; worker: ${child.stderr().slice(-1500)}`);
      }));
    } finally {
      await stop(child.process);
      const m = child.stderr().match(/\{"peakRssMb":(\d+)\}/);
      workerPeakRssMb = m ? Number(m[1]) : null;
    }
  } finally {
    await db.drop();
  }

  const referenceUrl = options.imapUrl(`latency-reference-${Date.now()}`);
  await createMailbox(referenceUrl);
  const child = startChild(['bench/idle-reference.mjs'], { IMAP_URL: referenceUrl, SMTP_URL: receiver.url() });
  let reference: LatencyFigures;
  try {
    await child.line('ready');
    reference = figures(await appendOneByOne(referenceUrl, receiver, count));
  } finally {
    await stop(child.process);
  }
  return { worker, reference, workerPeakRssMb };
}
