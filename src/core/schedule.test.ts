import { describe, expect, it } from 'vitest';
import { dueDigest, dueReminders } from './schedule.js';

// The seed's consultation: deadline Friday 16 November 2018, event Monday 26 November 15:00.
const event = {
  startsAt: new Date('2018-11-26T15:00:00+01:00'),
  endsAt: new Date('2018-11-26T17:00:00+01:00'),
  rsvpDeadline: new Date('2018-11-16T23:59:00+01:00'),
  timezone: 'Europe/Amsterdam',
};
const rules = { at: '09:00', inviteesDaysBeforeDeadline: [7, 2], attendeesDaysBeforeEvent: [1] };

describe('reminders due', () => {
  it('nothing before the first reminder day at nine', () => {
    expect(dueReminders(event, rules, new Date('2018-11-09T07:59:00Z'))).toEqual([]);
  });
  it('the 7-day invitee reminder at 09:00 Amsterdam time, 7 days before the deadline day', () => {
    expect(dueReminders(event, rules, new Date('2018-11-09T08:00:00Z'))).toEqual([
      { audience: 'invitees', rule: 'invitees-7d', dueAt: new Date('2018-11-09T08:00:00Z') },
    ]);
  });
  it('only the later rule when both are due', () => {
    const due = dueReminders(event, rules, new Date('2018-11-15T10:00:00Z'));
    expect(due.map((d) => d.rule)).toEqual(['invitees-2d']);
  });
  it('no invitee reminder after the deadline; the attendee reminder the day before the event', () => {
    expect(dueReminders(event, rules, new Date('2018-11-17T09:00:00Z'))).toEqual([]);
    expect(dueReminders(event, rules, new Date('2018-11-25T08:30:00Z')).map((d) => d.rule)).toEqual(['attendees-1d']);
    expect(dueReminders(event, rules, new Date('2018-11-26T14:00:00Z'))).toEqual([]);
  });
  it('keeps nine o\'clock local across the change to winter time', () => {
    const autumn = { ...event, rsvpDeadline: new Date('2026-10-30T12:00:00+01:00'), startsAt: new Date('2026-11-02T10:00:00+01:00'), endsAt: new Date('2026-11-02T12:00:00+01:00') };
    // 7 days before Friday 30 October 2026 is Friday 23 October, still summer time (UTC+2).
    expect(dueReminders(autumn, rules, new Date('2026-10-23T07:00:00Z'))[0]?.dueAt).toEqual(new Date('2026-10-23T07:00:00Z'));
    // 2 days before is Wednesday 28 October, winter time (UTC+1).
    expect(dueReminders(autumn, rules, new Date('2026-10-28T08:00:00Z'))[0]?.dueAt).toEqual(new Date('2026-10-28T08:00:00Z'));
  });
});

describe('digest due', () => {
  it('daily from 08:00 local while the event is ahead', () => {
    expect(dueDigest(event, '08:00', new Date('2018-11-10T06:59:00Z'))).toBeNull();
    expect(dueDigest(event, '08:00', new Date('2018-11-10T07:00:00Z'))).toEqual({ day: '2018-11-10', dueAt: new Date('2018-11-10T07:00:00Z') });
    expect(dueDigest(event, '08:00', new Date('2018-11-26T16:59:00Z'))).toBeNull();
  });
});
