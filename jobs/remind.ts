/**
 * remind: every reminder due at "now" (src/core/schedule.ts), each person once per rule: the
 * dedupe key `reminder:<invitee>:<rule>` makes a second run, or a second worker, a no-op.
 */
import type { App } from '../src/app.js';
import { dueReminders } from '../src/core/schedule.js';
import { enqueueMailOnce } from '../src/outbox/outbox.js';
import { composeReminder } from '../src/mail/compose.js';
import { runSend } from './send.js';

interface ReminderOverrides {
  at?: string;
  inviteesDaysBeforeDeadline?: number[];
  attendeesDaysBeforeEvent?: number[];
}

export async function runRemind(app: App) {
  const { prisma } = app.db;
  const now = app.now();
  const events = await prisma.event.findMany({ where: { state: 'scheduled', startsAt: { gt: now } } });
  let queued = 0;
  for (const event of events) {
    const rules = { ...app.config.reminders, ...((event.reminders as ReminderOverrides | null) ?? {}) };
    for (const due of dueReminders(event, rules, now)) {
      const invitees = await prisma.invitee.findMany({
        where: { eventId: event.id, status: due.audience === 'invitees' ? 'invited' : 'accepted' },
      });
      for (const invitee of invitees) {
        const dedupeKey = `reminder:${invitee.id}:${due.rule}`;
        if (await prisma.outboundMail.findUnique({ where: { dedupeKey }, select: { id: true } })) continue;
        const mail = await composeReminder(app.renderer, {
          template: due.audience === 'invitees' ? 'reminder-invitee' : 'reminder-attendee',
          event,
          invitee,
          organiser: app.organiser,
        });
        const id = await enqueueMailOnce(prisma, app.organiser.address, {
          kind: 'reminder',
          dedupeKey,
          eventId: event.id,
          inviteeId: invitee.id,
          to: { address: invitee.email, name: invitee.name },
          ...mail,
          now,
          fresh: true,
        });
        if (id) queued++;
      }
    }
  }
  const sent = queued > 0 ? await runSend(app) : { sent: 0, retrying: 0 };
  return { reminders: queued, sent: sent.sent, retrying: sent.retrying };
}
