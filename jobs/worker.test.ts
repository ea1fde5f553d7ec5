/**
 * The worker's schedules without a database: which tasks it creates, in which time zone, and
 * what SIGHUP's reload does with a valid and an invalid config. The jobs themselves fail at once
 * here (the database is a stub that refuses), which the worker logs and survives.
 */
import cron from 'node-cron';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { ConfigError, type LoadedConfig, loadConfig } from '../src/config/load.js';
import { silentLogger } from '../src/log.js';
import { startWorker, type WorkerHandle } from './worker.js';

const refuse = new Proxy({}, { get: () => { throw new Error('no database in this test'); } });

function fakeApp(config: LoadedConfig): App {
  return {
    config,
    logger: silentLogger(),
    db: { prisma: refuse, target: { provider: 'sqlite' }, close: async () => {} } as unknown as App['db'],
    organiser: { address: 'info@inkoop.example', name: null },
    workerId: 'test:1',
    renderer: {} as App['renderer'],
    mailbox: () => Promise.resolve({ key: 'maildir:/nowhere', kind: 'maildir', fetchNew: () => { throw new Error('no mailbox'); }, acknowledge: async () => {}, close: async () => {} }),
    sender: () => Promise.reject(new Error('no sender')),
    now: () => new Date('2026-11-23T09:00:00Z'),
    close: async () => {},
  } as App;
}

/** The built-in defaults (no file, no environment) with some schedules changed. */
function configOf(schedules: Record<string, string>): LoadedConfig {
  const defaults = loadConfig({ env: {}, cwd: '/nonexistent' });
  return { ...defaults, schedules: { ...defaults.schedules, ...schedules } };
}
const tasksNamed = (name: string) => [...cron.getTasks().values()].filter((t) => t.name === name);

let worker: WorkerHandle | null = null;
afterEach(async () => {
  await worker?.stop();
  worker = null;
});

describe('worker schedules', () => {
  it('creates one task per schedule, read in the configured time zone across daylight saving', async () => {
    worker = startWorker(fakeApp(configOf({ remind: '0 9 * * *' })));
    for (const name of ['poll', 'send', 'remind', 'digest', 'retention']) expect(tasksNamed(name)).toHaveLength(1);
    const remind = tasksNamed('remind')[0]!;
    // 09:00 in Amsterdam: 08:00 UTC in winter, 07:00 UTC in summer; the change days included.
    expect(remind.match(new Date('2026-11-23T08:00:00Z'))).toBe(true);
    expect(remind.match(new Date('2026-11-23T09:00:00Z'))).toBe(false);
    expect(remind.match(new Date('2027-03-28T07:00:00Z'))).toBe(true);
    expect(remind.match(new Date('2027-03-28T08:00:00Z'))).toBe(false);
    expect(remind.match(new Date('2026-10-25T08:00:00Z'))).toBe(true);
    expect(worker.schedules()).toMatchObject({ remind: '0 9 * * *', timezone: 'Europe/Amsterdam' });
  });

  it('replaces the tasks with those of a valid config, and keeps them when the config is invalid', async () => {
    let next: () => LoadedConfig = () => configOf({ remind: '*/5 * * * *', digest: '0 8 * * *' });
    worker = startWorker(fakeApp(configOf({ remind: '0 9 * * *' })), { reloadConfig: () => next() });
    expect(worker.reload()).toEqual({ applied: true, restartNeeded: [] });
    expect(worker.schedules()).toMatchObject({ remind: '*/5 * * * *', digest: '0 8 * * *' });
    expect(tasksNamed('remind').map((t) => t.getPattern())).toEqual(['*/5 * * * *']);

    next = () => {
      throw new ConfigError('invalid config: schedules.remind: invalid cron expression "every minute": …');
    };
    expect(worker.reload()).toEqual({ applied: false, error: 'invalid config: schedules.remind: invalid cron expression "every minute": …' });
    expect(tasksNamed('remind').map((t) => t.getPattern())).toEqual(['*/5 * * * *']);
    expect(worker.schedules()).toMatchObject({ remind: '*/5 * * * *' });
  });

  it('says which settings only a restart applies', async () => {
    worker = startWorker(fakeApp(configOf({})), { reloadConfig: () => ({ ...configOf({}), database: { url: 'file:./other.db', busyTimeoutMs: 1, poolSize: 1 } }) });
    expect(worker.reload()).toEqual({ applied: true, restartNeeded: ['database'] });
  });

  it('stops every task on stop', async () => {
    const w = startWorker(fakeApp(configOf({})));
    await w.stop();
    expect(tasksNamed('poll')).toEqual([]);
  });
});
