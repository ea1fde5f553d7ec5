import { describe, expect, it } from 'vitest';
import { createDatabaseRunCoordinator, parseCoordinatorKey, pruneScheduledRuns, recordFinishedRun, type ScheduledRunStore } from './run-coordinator.js';

/** ScheduledRun as the database keeps it: unique (schedule, fireAt), P2002 on a second insert. */
type Row = { schedule: string; fireAt: Date; worker: string; finishedAt?: Date; summary?: object; error?: string | null };
function memoryStore(fail?: Error): ScheduledRunStore & { rows: Row[] } {
  const rows: Row[] = [];
  return {
    rows,
    scheduledRun: {
      async create({ data }) {
        if (fail) throw fail;
        if (rows.some((r) => r.schedule === data.schedule && r.fireAt.getTime() === data.fireAt.getTime())) {
          throw Object.assign(new Error('Unique constraint failed'), { code: 'P2002' });
        }
        rows.push({ ...data });
        return data;
      },
      async updateMany({ where, data }) {
        for (const r of rows) if (r.schedule === where.schedule && r.fireAt.getTime() === where.fireAt.getTime() && r.worker === where.worker) Object.assign(r, data);
        return {};
      },
      async deleteMany({ where }) {
        const keep = rows.filter((r) => r.fireAt.getTime() >= where.fireAt.lt.getTime());
        const count = rows.length - keep.length;
        rows.splice(0, rows.length, ...keep);
        return { count };
      },
    },
  };
}

describe('the run coordinator on ScheduledRun', () => {
  it('reads node-cron\'s key: task name and the fire\'s slot', () => {
    expect(parseCoordinatorKey('remind:2026-11-27T08:00:00.000Z')).toEqual({ schedule: 'remind', fireAt: new Date('2026-11-27T08:00:00Z') });
    expect(parseCoordinatorKey('a:b:2026-11-27T08:00:05.000Z')).toEqual({ schedule: 'a:b', fireAt: new Date('2026-11-27T08:00:05Z') });
    expect(parseCoordinatorKey('remind')).toBeNull();
    expect(parseCoordinatorKey(':2026-11-27T08:00:00.000Z')).toBeNull();
  });

  it('lets one worker run each fire, and each worker the next fire it claims first', async () => {
    const store = memoryStore();
    const a = createDatabaseRunCoordinator(store, 'host-a:1');
    const b = createDatabaseRunCoordinator(store, 'host-b:2');
    const key = 'digest:2026-11-27T07:00:00.000Z';
    const answers = await Promise.all([a.shouldRun(key, 30_000), b.shouldRun(key, 30_000)]);
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(await b.shouldRun('digest:2026-11-27T07:15:00.000Z', 30_000)).toBe(true);
    expect(await a.shouldRun('remind:2026-11-27T07:00:00.000Z', 30_000)).toBe(true);
    expect(store.rows.map((r) => [r.schedule, r.fireAt.toISOString()])).toEqual([
      ['digest', '2026-11-27T07:00:00.000Z'],
      ['digest', '2026-11-27T07:15:00.000Z'],
      ['remind', '2026-11-27T07:00:00.000Z'],
    ]);
  });

  it('records when the run finished and what it did, on the row of the worker that ran it', async () => {
    const store = memoryStore();
    const a = createDatabaseRunCoordinator(store, 'host-a:1');
    const fireAt = new Date('2026-11-27T02:30:00Z');
    await a.shouldRun('retention:2026-11-27T02:30:00.000Z', 30_000);
    await recordFinishedRun(store, { schedule: 'retention', fireAt, worker: 'host-b:2', finishedAt: new Date('2026-11-27T02:30:09Z'), summary: { rawRemoved: 9 } });
    expect(store.rows[0]!.finishedAt).toBeUndefined();
    await recordFinishedRun(store, { schedule: 'retention', fireAt, worker: 'host-a:1', finishedAt: new Date('2026-11-27T02:30:03Z'), summary: { rawRemoved: 1 } });
    expect(store.rows[0]).toMatchObject({ worker: 'host-a:1', finishedAt: new Date('2026-11-27T02:30:03Z'), summary: { rawRemoved: 1 }, error: null });
  });

  it('forgets fires older than the kept days, and only those', async () => {
    const store = memoryStore();
    const a = createDatabaseRunCoordinator(store, 'host-a:1');
    for (const day of ['2026-10-01', '2026-10-24', '2026-10-25', '2026-11-23']) await a.shouldRun(`remind:${day}T08:00:00.000Z`, 30_000);
    expect(await pruneScheduledRuns(store, new Date('2026-11-24T07:00:00Z'), 30)).toBe(2);
    expect(store.rows.map((r) => r.fireAt.toISOString().slice(0, 10))).toEqual(['2026-10-25', '2026-11-23']);
  });

  it('fails closed on a database error (node-cron then skips the fire)', async () => {
    const coordinator = createDatabaseRunCoordinator(memoryStore(new Error('connection refused')), 'host-a:1');
    await expect(coordinator.shouldRun('remind:2026-11-27T08:00:00.000Z', 30_000)).rejects.toThrow('connection refused');
  });
});
