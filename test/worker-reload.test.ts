/**
 * SIGHUP: the running worker re-reads its config file. A valid file replaces the schedules (seen
 * in the log and in the ScheduledRun rows the new schedule's fires leave); an invalid one is
 * refused with one log line naming the field, and the worker keeps running the old schedules.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, createHarness, eventually, rsvp, seedEvent, spawnWorker } from './support/harness.js';

let h: Harness;
let dir: string;
const env = () => ({ DATABASE_URL: h.db.url, RSVP_NOW: '2026-11-23T09:00:00Z', MAIL_FROM: 'info@inkoop.example', RSVP_CONFIG: join(dir, 'rsvp.yaml') });
const config = (remind: string) => `schedules:\n  timezone: Europe/Amsterdam\n  remind: "${remind}"\n  retention: "0 0 1 1 *"\n`;

beforeAll(async () => {
  h = await createHarness('sqlite', { RSVP_NOW: '2026-11-23T09:00:00Z' });
  dir = h.dir;
  await seedEvent(h.app);
  await writeFile(join(dir, 'rsvp.yaml'), config('0 0 1 1 *'));
});
afterAll(async () => {
  await h?.close();
});

const remindRuns = () => h.app.db.prisma.scheduledRun.findMany({ where: { schedule: 'remind' }, orderBy: { fireAt: 'asc' } });

it('replaces the schedules on SIGHUP, and keeps them when the new file is invalid', async () => {
  const worker = spawnWorker(dir, env());
  try {
    await worker.waitForLog((l) => l.msg === 'worker started');
    const started = await worker.waitForLog((l) => l.msg === 'schedules started');
    expect(started.schedules).toMatchObject({ remind: '0 0 1 1 *', timezone: 'Europe/Amsterdam', poll: '* * * * *' });
    expect(await remindRuns()).toEqual([]);

    // Every second: each fire leaves its ScheduledRun row (the run coordinator's claim).
    await writeFile(join(dir, 'rsvp.yaml'), config('* * * * * *'));
    const sighup = Date.now();
    worker.child.kill('SIGHUP');
    const reloaded = await worker.waitForLog((l) => l.msg === 'config reloaded, schedules replaced');
    expect(reloaded.schedules).toMatchObject({ remind: '* * * * * *' });
    const runs = await eventually(async () => {
      const rows = await remindRuns();
      return rows.length >= 2 && rows;
    }, 10_000, 'two fires of the new remind schedule');
    expect(runs.every((r) => r.fireAt.getTime() >= Math.floor(sighup / 1000) * 1000 && r.worker.endsWith(`:${worker.child.pid}`))).toBe(true);
    expect(new Set(runs.map((r) => r.fireAt.getTime())).size).toBe(runs.length);
    // Each claimed fire's row gets the end of its run and the job's summary.
    const finished = await eventually(async () => (await remindRuns()).find((r) => r.finishedAt), 10_000, 'a finished remind run');
    expect(finished.summary).toMatchObject({ reminders: 0 });
    expect(finished.error).toBeNull();
    expect(finished.finishedAt!.getTime()).toBeGreaterThanOrEqual(finished.fireAt.getTime());
    expect(JSON.parse(await rsvp(dir, env(), 'schedules', '--json'))).toContainEqual(expect.objectContaining({ name: 'remind', cron: '* * * * * *' }));

    // An invalid expression: one line naming the field; the every-second schedule goes on.
    await writeFile(join(dir, 'rsvp.yaml'), config('every minute'));
    const logged = worker.logs().length;
    worker.child.kill('SIGHUP');
    const refused = await worker.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('config not reloaded'), 10_000, logged);
    expect(refused.msg).toMatch(/schedules\.remind: invalid cron expression "every minute"/);
    expect(worker.logs().slice(logged).filter((l) => l.msg === 'config reloaded, schedules replaced')).toEqual([]);
    const before = (await remindRuns()).length;
    await eventually(async () => (await remindRuns()).length >= before + 2, 10_000, 'the old schedule to keep firing');
  } finally {
    expect(await worker.stop()).toBe(0);
  }
  expect(worker.logs().some((l) => l.msg === 'worker stopped')).toBe(true);
});

it('refuses to start on an invalid schedule, with one line naming the field and the reason', async () => {
  await writeFile(join(dir, 'bad.yaml'), 'schedules:\n  digest: "0 8 * * 8"\n');
  const worker = spawnWorker(dir, { ...env(), RSVP_CONFIG: join(dir, 'bad.yaml') });
  expect(await worker.exited).not.toBe(0);
  expect(worker.logs()).toHaveLength(1);
  expect(worker.logs()[0]!.msg).toMatch(/^rsvp: invalid config: schedules\.digest: invalid cron expression "0 8 \* \* 8": .+/);
});
