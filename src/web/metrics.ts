/**
 * /metrics in the Prometheus text exposition format (version 0.0.4) and /healthz. Both read the
 * database, not this process's memory, so every worker reports the same figures for the shared
 * queues whichever one is scraped; only the process_* series are about the process itself.
 */
import type { App } from '../app.js';

export interface Sample {
  labels?: Record<string, string>;
  value: number;
}

export interface Metric {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: Sample[];
}

/** A label value as the text format wants it: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export function formatPrometheus(metrics: readonly Metric[]): string {
  const lines: string[] = [];
  for (const m of metrics) {
    lines.push(`# HELP ${m.name} ${m.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    lines.push(`# TYPE ${m.name} ${m.type}`);
    for (const s of m.samples) {
      const labels = Object.entries(s.labels ?? {});
      const set = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}` : '';
      lines.push(`${m.name}${set} ${formatValue(s.value)}`);
    }
  }
  return lines.join('\n') + '\n';
}

const MESSAGE_STATES = ['received', 'processing', 'processed', 'review', 'ignored', 'quarantined', 'failed'];
const MAIL_STATES = ['pending', 'sending', 'sent', 'failed', 'cancelled'];

/** Seconds since the epoch, as Prometheus timestamps are given. */
const seconds = (d: Date) => d.getTime() / 1000;

/** Everything /metrics shows, read in one go from the database (and the process). */
export async function readMetrics(app: App, processStartedAt: Date): Promise<Metric[]> {
  const { prisma } = app.db;
  const [messages, mails, reviews, mailboxes, invitees, events] = await Promise.all([
    prisma.inboundMessage.groupBy({ by: ['state'], _count: { _all: true } }),
    prisma.outboundMail.groupBy({ by: ['kind', 'state'], _count: { _all: true } }),
    prisma.reviewItem.groupBy({ by: ['reason'], where: { state: 'open' }, _count: { _all: true } }),
    prisma.mailboxState.findMany({ orderBy: { id: 'asc' } }),
    prisma.invitee.groupBy({ by: ['eventId', 'status'], _count: { _all: true, partySize: true }, _sum: { partySize: true } }),
    prisma.event.findMany({ where: { state: 'scheduled' }, select: { id: true, slug: true } }),
  ]);

  const byState = new Map(messages.map((m) => [m.state, m._count._all]));
  const mailStates = new Map<string, number>();
  for (const m of mails) mailStates.set(m.state, (mailStates.get(m.state) ?? 0) + m._count._all);
  const slugs = new Map(events.map((e) => [e.id, e.slug]));
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();

  return [
    {
      name: 'rsvp_inbound_messages',
      help: 'Messages taken from the mailbox, by state (processed, review, ignored, ...).',
      type: 'gauge',
      samples: [...new Set([...MESSAGE_STATES, ...byState.keys()])].map((state) => ({ labels: { state }, value: byState.get(state) ?? 0 })),
    },
    {
      name: 'rsvp_outbound_mails',
      help: 'Mails in the outbox, by state (pending, sending, sent, failed, cancelled).',
      type: 'gauge',
      samples: [...new Set([...MAIL_STATES, ...mailStates.keys()])].map((state) => ({ labels: { state }, value: mailStates.get(state) ?? 0 })),
    },
    {
      name: 'rsvp_outbound_mails_by_kind',
      help: 'Mails in the outbox, by kind and state.',
      type: 'gauge',
      samples: mails.map((m) => ({ labels: { kind: m.kind, state: m.state }, value: m._count._all })),
    },
    {
      name: 'rsvp_review_queue_open',
      help: 'Open items in the coordinators\' review queue.',
      type: 'gauge',
      samples: [{ value: reviews.reduce((n, r) => n + r._count._all, 0) }],
    },
    {
      name: 'rsvp_review_queue_open_by_reason',
      help: 'Open review items, by reason.',
      type: 'gauge',
      samples: reviews.map((r) => ({ labels: { reason: r.reason }, value: r._count._all })),
    },
    {
      name: 'rsvp_mailbox_last_poll_timestamp_seconds',
      help: 'When each mailbox was last polled (successfully or not).',
      type: 'gauge',
      samples: mailboxes.filter((m) => m.lastPollAt).map((m) => ({ labels: { mailbox: m.id }, value: seconds(m.lastPollAt!) })),
    },
    {
      name: 'rsvp_mailbox_last_success_timestamp_seconds',
      help: 'When each mailbox was last polled without an error.',
      type: 'gauge',
      samples: mailboxes.filter((m) => m.lastSuccessAt).map((m) => ({ labels: { mailbox: m.id }, value: seconds(m.lastSuccessAt!) })),
    },
    {
      name: 'rsvp_mailbox_last_error_timestamp_seconds',
      help: 'When polling each mailbox last failed; the error is the label of rsvp_mailbox_last_error_info.',
      type: 'gauge',
      samples: mailboxes.filter((m) => m.lastErrorAt).map((m) => ({ labels: { mailbox: m.id }, value: seconds(m.lastErrorAt!) })),
    },
    {
      name: 'rsvp_mailbox_last_error_info',
      help: 'The last polling error of each mailbox that has one (value 1).',
      type: 'gauge',
      samples: mailboxes.filter((m) => m.lastError).map((m) => ({ labels: { mailbox: m.id, error: m.lastError!.slice(0, 200) }, value: 1 })),
    },
    {
      name: 'rsvp_invitees',
      help: 'People on the list of each scheduled event, by status.',
      type: 'gauge',
      samples: invitees.filter((i) => slugs.has(i.eventId)).map((i) => ({ labels: { event: slugs.get(i.eventId)!, status: i.status }, value: i._count._all })),
    },
    {
      name: 'rsvp_people_coming',
      help: 'People coming to each scheduled event (party sizes of everyone accepted; 1 when none was stated).',
      type: 'gauge',
      samples: [...slugs].map(([id, slug]) => ({
        labels: { event: slug },
        value: invitees.filter((i) => i.eventId === id && i.status === 'accepted').reduce((n, i) => n + (i._sum.partySize ?? 0) + (i._count._all - i._count.partySize), 0),
      })),
    },
    { name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.', type: 'gauge', samples: [{ value: memory.rss }] },
    { name: 'nodejs_heap_used_bytes', help: 'V8 heap in use, in bytes.', type: 'gauge', samples: [{ value: memory.heapUsed }] },
    { name: 'process_cpu_seconds_total', help: 'User and system CPU time spent, in seconds.', type: 'counter', samples: [{ value: (cpu.user + cpu.system) / 1e6 }] },
    { name: 'process_start_time_seconds', help: 'Start time of the process since the epoch, in seconds.', type: 'gauge', samples: [{ value: Math.floor(seconds(processStartedAt)) }] },
  ];
}

export interface Health {
  status: 'ok' | 'unhealthy';
  database: 'ok' | string;
  /** The most recent successful poll of any mailbox. */
  lastPollAt: string | null;
  pollAgeSeconds: number | null;
  maxPollAgeSeconds: number;
  problems: string[];
  now: string;
}

/** Healthy when the database answers within the timeout and a mailbox was polled successfully lately. */
export async function checkHealth(app: App, options: { maxPollAgeSeconds: number; timeoutMs?: number }): Promise<Health> {
  const now = app.now();
  const problems: string[] = [];
  let database = 'ok';
  let lastPollAt: Date | null = null;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${options.timeoutMs ?? 5000} ms`)), options.timeoutMs ?? 5000);
    });
    const mailboxes = await Promise.race([
      app.db.prisma.mailboxState.findMany({ select: { lastSuccessAt: true } }),
      timeout,
    ]);
    for (const m of mailboxes) if (m.lastSuccessAt && (!lastPollAt || m.lastSuccessAt > lastPollAt)) lastPollAt = m.lastSuccessAt;
  } catch (e) {
    database = (e instanceof Error ? e.message : String(e)).split('\n').filter(Boolean).pop() ?? 'error';
    problems.push(`database: ${database}`);
  } finally {
    clearTimeout(timer);
  }
  const age = lastPollAt ? Math.max(0, Math.round((now.getTime() - (lastPollAt as Date).getTime()) / 1000)) : null;
  if (database === 'ok') {
    if (age === null) problems.push('no mailbox has been polled successfully yet');
    else if (age > options.maxPollAgeSeconds) problems.push(`last successful poll ${age} s ago (more than ${options.maxPollAgeSeconds} s)`);
  }
  return {
    status: problems.length ? 'unhealthy' : 'ok',
    database,
    lastPollAt: lastPollAt ? (lastPollAt as Date).toISOString() : null,
    pollAgeSeconds: age,
    maxPollAgeSeconds: options.maxPollAgeSeconds,
    problems,
    now: now.toISOString(),
  };
}
