/**
 * worker: runs the schedules of the config (node-cron, in schedules.timezone) and reacts to new
 * mail at once (Maildir watch, IMAP IDLE), until SIGTERM or SIGINT.
 *
 * - Jobs run one at a time in a process, and a job asked for while it is queued is not queued
 *   twice. Every schedule has node-cron's `noOverlap`: a fire that comes while the previous run
 *   of the same schedule is still going is skipped, not stacked.
 * - Several workers (PostgreSQL): remind, digest and retention are node-cron `distributed` tasks
 *   whose run coordinator is the ScheduledRun table (see run-coordinator.ts), so each fire runs on
 *   one worker only. Poll and send run on every worker: every row they act on is claimed first,
 *   and a second worker polling is what keeps replies near-instant when one is busy or gone.
 * - SIGHUP re-reads and validates the config file. A valid one replaces the schedules (the old
 *   tasks stop, the new ones start; a job that is running goes on to its end) and the job
 *   settings (reminders, digest, thresholds, limits, retention, rules); connections (database,
 *   mailbox, outbox, mailFrom, logging) keep their values until a restart. An invalid one is
 *   refused with one log line naming the field, and the worker goes on with the config it had.
 * - A mailbox watch that loses its connection reconnects by itself (src/mailbox/imap.ts); the
 *   worker records each failure and the recovery in MailboxState, which `rsvp status` shows.
 */
import cron, { type ScheduledTask, type Logger as CronLogger } from 'node-cron';
import type { App } from '../src/app.js';
import { type LoadedConfig, loadConfig } from '../src/config/load.js';
import { runPoll } from './poll.js';
import { runSend } from './send.js';
import { runRemind } from './remind.js';
import { runDigest } from './digest.js';
import { runRetention } from './retention.js';
import { createDatabaseRunCoordinator, pruneScheduledRuns, recordFinishedRun } from './run-coordinator.js';
import { startConfiguredWebServer } from '../src/web/configured.js';

export type JobName = 'poll' | 'send' | 'remind' | 'digest' | 'retention';

const JOBS: Record<JobName, (app: App) => Promise<object>> = {
  poll: runPoll,
  send: runSend,
  remind: runRemind,
  digest: runDigest,
  // The retention schedule also forgets the records of old fires (run-coordinator.ts).
  retention: async (app) => ({ ...(await runRetention(app)), firesForgotten: await pruneScheduledRuns(app.db.prisma) }),
};
const JOB_NAMES = Object.keys(JOBS) as JobName[];

/** Schedules whose fires must run once across all workers. */
const DISTRIBUTED: ReadonlySet<JobName> = new Set(['remind', 'digest', 'retention']);

/** Config keys that only a restart applies: they are wired into connections at start-up. */
const RESTART_ONLY = ['database', 'mailbox', 'outbox', 'dataDir', 'mailFrom', 'logging', 'web'] as const;

export interface WorkerOptions {
  /** Reads the config again for SIGHUP; throws a ConfigError when it is invalid. */
  reloadConfig?: () => LoadedConfig;
}

/** How the run that served a trigger ended. */
export type RunOutcome = { summary: object; error?: undefined } | { error: string; summary?: undefined };

export type ReloadResult = { applied: true; restartNeeded: string[] } | { applied: false; error: string };

export interface WorkerHandle {
  /** Asks for a job to run (coalesced with a queued one); resolves once it has run. */
  trigger(job: JobName): Promise<RunOutcome | null>;
  /** Resolves when the queue is empty. */
  idle(): Promise<void>;
  /** The cron expressions and time zone the worker runs now. */
  schedules(): Record<JobName, string> & { timezone: string };
  /** Re-reads the config (SIGHUP): replaces the schedules when it is valid, else keeps them. */
  reload(): ReloadResult;
  stop(): Promise<void>;
}

function firstLine(e: unknown): string {
  // Prisma's messages open with a blank line and "Invalid `prisma.x.y()` invocation", and end
  // with the reason (a lost database connection); the first line alone would be empty.
  const lines = (e instanceof Error ? e.message : String(e)).split('\n').map((l) => l.trim()).filter(Boolean);
  return (/^Invalid `/.test(lines[0] ?? '') ? lines.at(-1) : lines[0]) ?? String(e);
}

export function startWorker(app: App, options: WorkerOptions = {}): WorkerHandle {
  const logger = app.logger;
  /** The App the jobs see: the running one, with the job settings of the last valid config. */
  let current: App = app;
  const queue: { job: JobName; done: ((outcome: RunOutcome | null) => void)[] }[] = [];
  /** Scheduled fires between their start and the record of their end, for stop() to wait on. */
  const inflight = new Set<Promise<unknown>>();
  let running: Promise<void> | null = null;
  let stopping = false;
  let idleWaiters: (() => void)[] = [];

  const drain = async () => {
    while (queue.length > 0 && !stopping) {
      const { job, done } = queue.shift()!;
      const started = Date.now();
      let outcome: RunOutcome;
      try {
        const summary = await JOBS[job](current);
        logger.info({ job, ms: Date.now() - started, ...summary }, `${job} done`);
        outcome = { summary };
      } catch (e) {
        logger.error({ job, error: firstLine(e) }, `${job} failed`);
        outcome = { error: firstLine(e) };
      }
      done.forEach((d) => d(outcome));
    }
    // Stopped with jobs still queued: they do not run.
    for (const { done } of queue.splice(0)) done.forEach((d) => d(null));
    running = null;
    const waiters = idleWaiters;
    idleWaiters = [];
    waiters.forEach((w) => w());
  };

  const trigger = (job: JobName): Promise<RunOutcome | null> => {
    if (stopping) return Promise.resolve(null);
    return new Promise<RunOutcome | null>((resolve) => {
      const queued = queue.find((q) => q.job === job);
      if (queued) queued.done.push(resolve);
      else queue.push({ job, done: [resolve] });
      running ??= drain();
    });
  };

  const coordinator = createDatabaseRunCoordinator(app.db.prisma, app.workerId);
  const cronLogger: CronLogger = {
    info: (m) => logger.info({ component: 'cron' }, String(m)),
    warn: (m) => logger.warn({ component: 'cron' }, String(m)),
    error: (m, err) => logger.error({ component: 'cron', error: firstLine(err ?? m) }, typeof m === 'string' ? m : 'cron error'),
    debug: (m) => logger.debug({ component: 'cron' }, String(m)),
  };

  /**
   * One fire of a schedule: the job runs (or joins the queued run), and for a distributed
   * schedule the claimed ScheduledRun row gets its end and summary. node-cron waits for this
   * promise, which is what makes noOverlap skip a fire while the previous one is still going.
   */
  const fire = (job: JobName, slot: Date): Promise<void> => {
    const run = (async () => {
      const outcome = await trigger(job);
      if (!DISTRIBUTED.has(job) || !outcome) return;
      await recordFinishedRun(app.db.prisma, { schedule: job, fireAt: slot, worker: app.workerId, finishedAt: new Date(), ...outcome }).catch((e: unknown) =>
        logger.warn({ job, error: firstLine(e) }, 'cannot record the end of the scheduled run'),
      );
    })();
    inflight.add(run);
    return run.finally(() => inflight.delete(run));
  };

  /** Creates (not starts) a task per schedule; a schedule node-cron refuses names its field. */
  const createTasks = (config: LoadedConfig): ScheduledTask[] => {
    const created: ScheduledTask[] = [];
    try {
      for (const job of JOB_NAMES) {
        const expression = config.schedules[job];
        try {
          created.push(
            cron.createTask(expression, (context) => fire(job, context.date), {
              name: job,
              timezone: config.schedules.timezone,
              noOverlap: true,
              logger: cronLogger,
              ...(DISTRIBUTED.has(job) ? { distributed: true, runCoordinator: coordinator } : {}),
            }),
          );
        } catch (e) {
          throw new Error(`invalid config: schedules.${job}: ${firstLine(e)}`);
        }
      }
      return created;
    } catch (e) {
      created.forEach((t) => void t.destroy());
      throw e;
    }
  };

  const describe = (config: LoadedConfig) => ({
    timezone: config.schedules.timezone,
    ...Object.fromEntries(JOB_NAMES.map((j) => [j, config.schedules[j]])),
  }) as Record<JobName, string> & { timezone: string };

  let active = app.config;
  let tasks = createTasks(active);
  tasks.forEach((t) => void t.start());
  logger.info({ schedules: describe(active) }, 'schedules started');

  const reloadConfig =
    options.reloadConfig ?? (() => loadConfig(app.config.source ? { file: app.config.source } : {}));

  const reload = (): ReloadResult => {
    let next: LoadedConfig;
    let nextTasks: ScheduledTask[];
    try {
      next = reloadConfig();
      nextTasks = createTasks(next);
    } catch (e) {
      const error = firstLine(e);
      logger.error({ error }, `config not reloaded, the running schedules stay: ${error}`);
      return { applied: false, error };
    }
    // The old tasks stop firing; a job they started runs on in the queue to its end.
    const old = tasks;
    tasks = nextTasks;
    old.forEach((t) => void t.destroy());
    tasks.forEach((t) => void t.start());
    const restartNeeded = RESTART_ONLY.filter((k) => JSON.stringify(next[k]) !== JSON.stringify(app.config[k]));
    const kept: Pick<LoadedConfig, (typeof RESTART_ONLY)[number] | 'paths' | 'now' | 'fixedNow' | 'source'> = {
      database: app.config.database,
      mailbox: app.config.mailbox,
      outbox: app.config.outbox,
      dataDir: app.config.dataDir,
      mailFrom: app.config.mailFrom,
      logging: app.config.logging,
      web: app.config.web,
      paths: app.config.paths,
      now: app.config.now,
      fixedNow: app.config.fixedNow,
      source: next.source,
    };
    active = { ...next, ...kept };
    current = { ...app, config: active };
    logger.info({ schedules: describe(active), ...(restartNeeded.length ? { restartNeeded } : {}) }, 'config reloaded, schedules replaced');
    if (restartNeeded.length) logger.warn({ keys: restartNeeded }, `changed settings that apply after a restart: ${restartNeeded.join(', ')}`);
    return { applied: true, restartNeeded };
  };

  let unwatch: (() => Promise<void>) | null = null;
  void app
    .mailbox()
    .then(async (mailbox) => {
      if (!mailbox.watch || stopping) return;
      const record = (data: { lastError: string | null; lastErrorAt?: Date }) =>
        app.db.prisma.mailboxState
          .upsert({ where: { id: mailbox.key }, create: { id: mailbox.key, ...data }, update: data })
          .catch((e: unknown) => logger.warn({ error: firstLine(e) }, 'cannot record the mailbox state'));
      unwatch = await mailbox.watch(() => void trigger('poll'), {
        onError: (error) => {
          logger.warn({ mailbox: mailbox.key, error }, 'mailbox watch lost its connection; reconnecting');
          void record({ lastError: error, lastErrorAt: app.now() });
        },
        onRestored: () => {
          logger.info({ mailbox: mailbox.key }, 'mailbox watch reconnected');
          // The poll this causes records lastSuccessAt and clears lastError.
          void trigger('poll');
        },
      });
    })
    .catch((e: unknown) => logger.error({ error: firstLine(e) }, 'cannot watch the mailbox; polling on schedule only'));

  // The coordinators' page, /healthz and /metrics when web.port is set (src/web/server.ts); a
  // decision taken there is sent through this worker's queue. A port that cannot be had is
  // logged, and the worker goes on with the mail.
  const web = startConfiguredWebServer(app, { afterResolve: () => trigger('send') }).catch((e: unknown) => {
    logger.error({ error: firstLine(e) }, 'cannot serve the web page');
    return null;
  });

  // Catch up at start: mail that arrived while the worker was down, reminders and digests due.
  void trigger('poll');
  void trigger('remind');
  void trigger('digest');
  // (Not claimed: each of them does only what is due at "now" and not done yet.)

  return {
    trigger,
    idle: () => (running ? new Promise<void>((r) => idleWaiters.push(r)) : Promise.resolve()),
    schedules: () => describe(active),
    reload,
    async stop() {
      stopping = true;
      await Promise.all(tasks.map((t) => t.destroy()));
      if (unwatch) await (unwatch as () => Promise<void>)();
      await web.then((server) => server?.close());
      if (running) await running;
      await Promise.all([...inflight]);
    },
  };
}

/** Runs until SIGTERM or SIGINT, then lets the running job finish and returns. SIGHUP reloads. */
export async function runWorker(app: App, options: WorkerOptions = {}): Promise<void> {
  // Every handler is in place before anything starts: a SIGHUP that came first would otherwise
  // end the process (its default action).
  let worker: WorkerHandle | null = null;
  let stopRequested: ((signal: string) => void) | null = null;
  let early: string | null = null;
  const onHup = () => {
    app.logger.info({ signal: 'SIGHUP' }, 'reloading the config');
    worker?.reload();
  };
  const onTerm = () => (stopRequested ? stopRequested('SIGTERM') : (early = 'SIGTERM'));
  const onInt = () => (stopRequested ? stopRequested('SIGINT') : (early = 'SIGINT'));
  process.on('SIGHUP', onHup);
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  try {
    worker = startWorker(app, options);
    app.logger.warn({ worker: app.workerId, mailbox: (await app.mailbox()).key }, 'worker started');
    const signal = await new Promise<string>((resolve) => {
      stopRequested = resolve;
      if (early) resolve(early);
    });
    app.logger.warn({ signal }, 'stopping: finishing the running job');
  } catch (e) {
    await worker?.stop();
    throw e;
  } finally {
    process.off('SIGHUP', onHup);
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
  }
  await worker.stop();
  app.logger.warn('worker stopped');
}
