/**
 * worker: runs the schedules of the config (node-cron, in schedules.timezone) and reacts to new
 * mail at once (Maildir watch, IMAP IDLE), until SIGTERM or SIGINT. Jobs run one at a time in a
 * process, and a job asked for while it is queued is not queued twice. With several workers on
 * PostgreSQL each scheduled fire is recorded in ScheduledRun, and only the worker whose record
 * lands runs it; poll and send are safe to run anywhere, as every row they act on is claimed.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { App } from '../src/app.js';
import { runPoll } from './poll.js';
import { runSend } from './send.js';
import { runRemind } from './remind.js';
import { runDigest } from './digest.js';
import { runRetention } from './retention.js';

type JobName = 'poll' | 'send' | 'remind' | 'digest' | 'retention';

const JOBS: Record<JobName, (app: App) => Promise<object>> = {
  poll: runPoll,
  send: runSend,
  remind: runRemind,
  digest: runDigest,
  retention: runRetention,
};

export interface WorkerHandle {
  /** Asks for a job to run (coalesced with a queued one). */
  trigger(job: JobName): void;
  /** Resolves when the queue is empty. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function startWorker(app: App): WorkerHandle {
  const queue: JobName[] = [];
  let running: Promise<void> | null = null;
  let stopping = false;
  let idleWaiters: (() => void)[] = [];

  const drain = async () => {
    while (queue.length > 0 && !stopping) {
      const job = queue.shift()!;
      const started = Date.now();
      try {
        const summary = await JOBS[job](app);
        app.logger.info({ job, ms: Date.now() - started, ...summary }, `${job} done`);
      } catch (e) {
        app.logger.error({ job, error: e instanceof Error ? e.message.split('\n')[0] : String(e) }, `${job} failed`);
      }
    }
    running = null;
    const waiters = idleWaiters;
    idleWaiters = [];
    waiters.forEach((w) => w());
  };

  const trigger = (job: JobName) => {
    if (stopping || queue.includes(job)) return;
    queue.push(job);
    running ??= drain();
  };

  const tasks: ScheduledTask[] = [];
  const { schedules } = app.config;
  for (const job of Object.keys(JOBS) as JobName[]) {
    tasks.push(
      cron.schedule(
        schedules[job],
        async (context) => {
          if (job === 'remind' || job === 'digest' || job === 'retention') {
            if (!(await claimFire(app, job, context.date))) return;
          }
          trigger(job);
        },
        { timezone: schedules.timezone, name: job, noOverlap: true },
      ),
    );
  }

  let unwatch: (() => Promise<void>) | null = null;
  void app.mailbox().then(async (mailbox) => {
    if (mailbox.watch && !stopping) unwatch = await mailbox.watch(() => trigger('poll'));
  }).catch((e: Error) => app.logger.error({ error: e.message }, 'cannot watch the mailbox; polling on schedule only'));

  // Catch up at start: mail that arrived while the worker was down, reminders and digests due.
  trigger('poll');
  trigger('remind');
  trigger('digest');

  return {
    trigger,
    idle: () => (running ? new Promise<void>((r) => idleWaiters.push(r)) : Promise.resolve()),
    async stop() {
      stopping = true;
      await Promise.all(tasks.map((t) => t.destroy()));
      if (unwatch) await (unwatch as () => Promise<void>)();
      if (running) await running;
    },
  };
}

/** One record per schedule and minute: true for the worker that wrote it. */
async function claimFire(app: App, schedule: string, date: Date): Promise<boolean> {
  const fireAt = new Date(Math.floor(date.getTime() / 60_000) * 60_000);
  try {
    await app.db.prisma.scheduledRun.create({ data: { schedule, fireAt, worker: app.workerId } });
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === 'P2002') return false;
    throw e;
  }
}

/** Runs until SIGTERM or SIGINT, then lets the running job finish and returns. */
export async function runWorker(app: App): Promise<void> {
  const worker = startWorker(app);
  app.logger.warn({ worker: app.workerId, mailbox: (await app.mailbox()).key }, 'worker started');
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      app.logger.warn({ signal }, 'stopping: finishing the running job');
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      resolve();
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
  await worker.stop();
  app.logger.warn('worker stopped');
}
