/**
 * `rsvp status` and `rsvp schedules`: what an admin checks first. The last poll and its error per
 * mailbox, the queues (messages by state, outbox by state, open review items), and when each
 * schedule runs next.
 */
import cron from 'node-cron';
import type { App } from '../app.js';
import type { LoadedConfig } from '../config/load.js';

export interface ScheduleRow {
  name: string;
  cron: string;
  timezone: string;
  next: string | null;
}

const SCHEDULES = ['poll', 'send', 'remind', 'digest', 'retention'] as const;

export function listSchedules(config: LoadedConfig, from: Date = config.now()): ScheduleRow[] {
  return SCHEDULES.map((name) => {
    const expression = config.schedules[name];
    const task = cron.createTask(expression, () => {}, { timezone: config.schedules.timezone, name: `preview-${name}` });
    try {
      const next = nextRun(task.match.bind(task), from);
      return { name, cron: expression, timezone: config.schedules.timezone, next: next?.toISOString() ?? null };
    } finally {
      void task.destroy();
    }
  });
}

/** The first whole minute after `from` the expression matches (within a year), or null. */
function nextRun(matches: (d: Date) => boolean, from: Date): Date | null {
  const t = new Date(Math.floor(from.getTime() / 60_000) * 60_000 + 60_000);
  for (let i = 0; i < 366 * 24 * 60; i++, t.setTime(t.getTime() + 60_000)) {
    if (matches(t)) return new Date(t);
  }
  return null;
}

export async function readStatus(app: App) {
  const { prisma } = app.db;
  const [mailboxes, inbound, outbound, review] = await Promise.all([
    prisma.mailboxState.findMany({ orderBy: { id: 'asc' } }),
    prisma.inboundMessage.groupBy({ by: ['state'], _count: { _all: true } }),
    prisma.outboundMail.groupBy({ by: ['state'], _count: { _all: true } }),
    prisma.reviewItem.count({ where: { state: 'open' } }),
  ]);
  const counts = (rows: { state: string; _count: { _all: number } }[]) => Object.fromEntries(rows.map((r) => [r.state, r._count._all]));
  return {
    now: app.now().toISOString(),
    database: app.db.target.provider,
    mailboxes: mailboxes.map((m) => ({
      mailbox: m.id,
      lastPollAt: m.lastPollAt?.toISOString() ?? null,
      lastSuccessAt: m.lastSuccessAt?.toISOString() ?? null,
      lastError: m.lastError,
      lastErrorAt: m.lastErrorAt?.toISOString() ?? null,
      lastUid: m.lastUid.toString(),
    })),
    messages: counts(inbound),
    outbox: counts(outbound),
    openReviewItems: review,
    schedules: listSchedules(app.config),
  };
}
