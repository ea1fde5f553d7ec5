/**
 * node-cron's run coordinator (node-cron 4.x `distributed: true`, `runCoordinator`), kept in the
 * database every worker shares, so each scheduled fire runs on one worker only.
 *
 * node-cron asks `shouldRun(key)` on every fire of a distributed task, with the key
 * "<task name>:<the fire's slot as ISO-8601>" (its `onComplete` hook is not used: the worker
 * records the end of the run itself, with the job's summary, see recordFinishedRun). The slot
 * is the matched time to the second, computed by each worker from its own clock, so workers whose
 * clocks differ by less than the schedule's interval produce the same key for the same fire.
 *
 * The claim is an INSERT of (schedule, fireAt) into ScheduledRun, whose unique key lets exactly
 * one insert succeed on SQLite and PostgreSQL alike; the losers see a unique violation (P2002)
 * and skip. The row stays as the record of the run (who, when, finished), not as a lease:
 * node-cron's lease TTL is ignored. A worker that dies during a claimed run does not hand the fire
 * to another; the jobs that use this (remind, digest, retention) compute what is due at "now"
 * and are idempotent by their dedupe keys, so the next fire, or the catch-up at the next start,
 * does what the lost run left undone. A database error fails closed (node-cron skips the fire):
 * a skipped reminder check is caught up a quarter of an hour later, a double one never happens.
 */
import type { RunCoordinator } from 'node-cron';

export interface ScheduledRunStore {
  scheduledRun: {
    create(args: { data: { schedule: string; fireAt: Date; worker: string } }): Promise<unknown>;
    updateMany(args: {
      where: { schedule: string; fireAt: Date; worker: string };
      data: { finishedAt: Date; summary?: object; error?: string | null };
    }): Promise<unknown>;
    deleteMany(args: { where: { fireAt: { lt: Date } } }): Promise<{ count: number }>;
  };
}

/** "remind:2026-11-27T08:00:00.000Z" → { schedule: "remind", fireAt }; null for anything else. */
export function parseCoordinatorKey(key: string): { schedule: string; fireAt: Date } | null {
  // The task name may itself hold a colon; the ISO instant is everything after the last
  // "name:" separator, which is the one followed by a date.
  const m = /^(.*):(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)$/.exec(key);
  if (!m || !m[1]) return null;
  const fireAt = new Date(m[2]!);
  return Number.isNaN(fireAt.getTime()) ? null : { schedule: m[1], fireAt };
}

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; cause?: { code?: string; originalCode?: string } };
  return err?.code === 'P2002' || err?.cause?.code === '23505' || err?.cause?.originalCode === '23505';
}

/** A RunCoordinator on the ScheduledRun table. `worker` names this process in the rows (host:pid). */
export function createDatabaseRunCoordinator(store: ScheduledRunStore, worker: string): RunCoordinator {
  return {
    async shouldRun(key: string): Promise<boolean> {
      const fire = parseCoordinatorKey(key);
      if (!fire) throw new Error(`run coordinator: unexpected key "${key}"`);
      try {
        await store.scheduledRun.create({ data: { schedule: fire.schedule, fireAt: fire.fireAt, worker } });
        return true;
      } catch (e) {
        if (isUniqueViolation(e)) return false;
        throw e;
      }
    },
  };
}

/** Records on the claimed fire's row when its run ended and what it did (or why it failed). */
export async function recordFinishedRun(
  store: ScheduledRunStore,
  run: { schedule: string; fireAt: Date; worker: string; finishedAt: Date; summary?: object; error?: string },
): Promise<void> {
  await store.scheduledRun.updateMany({
    where: { schedule: run.schedule, fireAt: run.fireAt, worker: run.worker },
    data: { finishedAt: run.finishedAt, ...(run.summary ? { summary: run.summary } : {}), error: run.error ?? null },
  });
}

/** Days a fire's record is kept: long enough to see what ran, short enough to stay small. */
export const SCHEDULED_RUN_KEEP_DAYS = 30;

/**
 * Removes the records of fires older than `keepDays` before `now` (the clock's, as the slots
 * are); run with the retention schedule. A removed record cannot be claimed again: its slot lies
 * far in the past, and node-cron only fires slots that are due now.
 */
export async function pruneScheduledRuns(store: ScheduledRunStore, now: Date = new Date(), keepDays = SCHEDULED_RUN_KEEP_DAYS): Promise<number> {
  const { count } = await store.scheduledRun.deleteMany({ where: { fireAt: { lt: new Date(now.getTime() - keepDays * 86_400_000) } } });
  return count;
}
