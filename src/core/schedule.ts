/**
 * When reminders and digests are due, as pure functions of the event, the rules and "now".
 * Every time is a wall-clock time in the event's own time zone ("09:00 on its day"), so a
 * reminder stays at nine across a daylight-saving change.
 */
import { addLocalDays, atLocalTime, localDateOf } from './dates.js';

export interface ScheduledEvent {
  startsAt: Date;
  endsAt: Date;
  rsvpDeadline: Date;
  timezone: string;
}

export interface ReminderRules {
  at: string;
  inviteesDaysBeforeDeadline: number[];
  attendeesDaysBeforeEvent: number[];
}

export type ReminderAudience = 'invitees' | 'attendees';

export interface DueReminder {
  audience: ReminderAudience;
  /** Stable name of the rule, part of the dedupe key: "invitees-7d". */
  rule: string;
  dueAt: Date;
}

/**
 * The reminder of each audience that is due at `now`: the latest rule whose time has come and
 * whose window is still open. Invitee reminders close at the RSVP deadline, attendee reminders
 * when the event starts. When the worker was down past one rule's time and the next one is due
 * too, only the later one is sent: two reminders at once would say the same thing twice.
 */
export function dueReminders(event: ScheduledEvent, rules: ReminderRules, now: Date): DueReminder[] {
  const due: DueReminder[] = [];
  const invitee = latestDue(rules.inviteesDaysBeforeDeadline, event.rsvpDeadline, event.timezone, rules.at, now);
  if (invitee && now.getTime() < event.rsvpDeadline.getTime()) {
    due.push({ audience: 'invitees', rule: `invitees-${invitee.days}d`, dueAt: invitee.dueAt });
  }
  const attendee = latestDue(rules.attendeesDaysBeforeEvent, event.startsAt, event.timezone, rules.at, now);
  if (attendee && now.getTime() < event.startsAt.getTime()) {
    due.push({ audience: 'attendees', rule: `attendees-${attendee.days}d`, dueAt: attendee.dueAt });
  }
  return due;
}

function latestDue(daysBefore: number[], anchor: Date, timezone: string, at: string, now: Date): { days: number; dueAt: Date } | null {
  const anchorDay = localDateOf(anchor, timezone);
  let best: { days: number; dueAt: Date } | null = null;
  for (const days of daysBefore) {
    const dueAt = atLocalTime(addLocalDays(anchorDay, -days), at, timezone);
    if (dueAt.getTime() > now.getTime()) continue;
    if (!best || dueAt.getTime() > best.dueAt.getTime()) best = { days, dueAt };
  }
  return best;
}

/**
 * The digest due at `now` for an event: today's, once its time has come, while the event is
 * ahead. Returns the local date that names it (one digest per coordinator per day), or null.
 */
export function dueDigest(event: ScheduledEvent, at: string, now: Date): { day: string; dueAt: Date } | null {
  if (now.getTime() >= event.endsAt.getTime()) return null;
  const day = localDateOf(now, event.timezone);
  const dueAt = atLocalTime(day, at, event.timezone);
  return now.getTime() >= dueAt.getTime() ? { day, dueAt } : null;
}
