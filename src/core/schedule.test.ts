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

// Daylight-saving change days in Europe/Amsterdam: summer time starts on the last Sunday of March
// (28 March 2027: 02:00 CET → 03:00 CEST) and ends on the last Sunday of October (25 October
// 2026: 03:00 CEST → 02:00 CET). An event whose deadline's and event's days put a reminder on
// those Sundays.
const springEvent = {
  rsvpDeadline: new Date('2027-03-30T23:59:00+02:00'), // Tuesday; 2 days before = Sunday 28 March
  startsAt: new Date('2027-04-04T10:00:00+02:00'), // Sunday 4 April; 7 days before = 28 March too
  endsAt: new Date('2027-04-04T12:00:00+02:00'),
  timezone: 'Europe/Amsterdam',
};
const autumnEvent = {
  rsvpDeadline: new Date('2026-10-27T23:59:00+01:00'), // Tuesday; 2 days before = Sunday 25 October
  startsAt: new Date('2026-10-26T15:00:00+01:00'), // Monday; the day before = Sunday 25 October
  endsAt: new Date('2026-10-26T17:00:00+01:00'),
  timezone: 'Europe/Amsterdam',
};

describe('reminders on the days the clocks change', () => {
  it('the last Sunday of March: 09:00 is already summer time (07:00 UTC), not a minute before', () => {
    const r = { ...rules, attendeesDaysBeforeEvent: [7] };
    // A minute before: the 7-day invitee reminder (Tuesday 23 March, winter time) is still the latest.
    expect(dueReminders(springEvent, r, new Date('2027-03-28T06:59:00Z'))).toEqual([
      { audience: 'invitees', rule: 'invitees-7d', dueAt: new Date('2027-03-23T08:00:00Z') },
    ]);
    expect(dueReminders(springEvent, r, new Date('2027-03-28T07:00:00Z'))).toEqual([
      { audience: 'invitees', rule: 'invitees-2d', dueAt: new Date('2027-03-28T07:00:00Z') },
      { audience: 'attendees', rule: 'attendees-7d', dueAt: new Date('2027-03-28T07:00:00Z') },
    ]);
  });

  it('the last Sunday of October: 09:00 is winter time again (08:00 UTC)', () => {
    // 07:30 UTC is 08:30 local after the change: not yet nine.
    expect(dueReminders(autumnEvent, rules, new Date('2026-10-25T07:30:00Z'))).toEqual([
      // The 7-day invitee reminder (Tuesday 20 October, summer time) is the latest one due so far.
      { audience: 'invitees', rule: 'invitees-7d', dueAt: new Date('2026-10-20T07:00:00Z') },
    ]);
    expect(dueReminders(autumnEvent, rules, new Date('2026-10-25T08:00:00Z'))).toEqual([
      { audience: 'invitees', rule: 'invitees-2d', dueAt: new Date('2026-10-25T08:00:00Z') },
      { audience: 'attendees', rule: 'attendees-1d', dueAt: new Date('2026-10-25T08:00:00Z') },
    ]);
  });

  it('a time inside the hour that does not exist moves forward by the gap', () => {
    const due = dueReminders(springEvent, { ...rules, at: '02:30' }, new Date('2027-03-28T12:00:00Z'));
    // 02:30 does not exist on 28 March; 03:30 CEST is 01:30 UTC.
    expect(due.find((d) => d.audience === 'invitees')?.dueAt).toEqual(new Date('2027-03-28T01:30:00Z'));
  });

  it('a time inside the hour that happens twice names one instant, so the reminder goes once', () => {
    const at = { ...rules, at: '02:30' };
    const first = dueReminders(autumnEvent, at, new Date('2026-10-25T12:00:00Z')).find((d) => d.audience === 'invitees')!;
    expect([new Date('2026-10-25T00:30:00Z'), new Date('2026-10-25T01:30:00Z')]).toContainEqual(first.dueAt);
    // Before that instant, the 2-day rule is not due; from it on, it is the same rule and instant.
    expect(dueReminders(autumnEvent, at, new Date(first.dueAt.getTime() - 60_000)).map((d) => d.rule)).not.toContain('invitees-2d');
    expect(dueReminders(autumnEvent, at, new Date(first.dueAt.getTime() + 3_600_000)).find((d) => d.audience === 'invitees')).toEqual(first);
  });

  it('the digest at 08:00 local on both change days', () => {
    const far = { ...event, endsAt: new Date('2027-12-31T00:00:00Z') };
    expect(dueDigest(far, '08:00', new Date('2027-03-28T05:59:00Z'))).toBeNull();
    expect(dueDigest(far, '08:00', new Date('2027-03-28T06:00:00Z'))).toEqual({ day: '2027-03-28', dueAt: new Date('2027-03-28T06:00:00Z') });
    expect(dueDigest(far, '08:00', new Date('2026-10-25T06:59:00Z'))).toBeNull();
    expect(dueDigest(far, '08:00', new Date('2026-10-25T07:00:00Z'))).toEqual({ day: '2026-10-25', dueAt: new Date('2026-10-25T07:00:00Z') });
  });
});

describe('reminders after downtime and at the edges', () => {
  it('after downtime past both invitee rules, only the most recent is due, under the same name however late', () => {
    // Down from 8 November until 15 November 10:00 UTC: both the 7-day (9 Nov) and the 2-day
    // (14 Nov) reminders passed; only the 2-day one is sent, and it stays one rule (one dedupe key).
    const late = dueReminders(event, rules, new Date('2018-11-15T10:00:00Z'));
    const later = dueReminders(event, rules, new Date('2018-11-16T22:00:00Z'));
    expect(late).toEqual([{ audience: 'invitees', rule: 'invitees-2d', dueAt: new Date('2018-11-14T08:00:00Z') }]);
    expect(later).toEqual(late);
  });

  it('after downtime that ended past the deadline, no invitee reminder at all', () => {
    expect(dueReminders(event, rules, new Date('2018-11-16T22:58:00Z')).map((d) => d.rule)).toEqual(['invitees-2d']);
    // The deadline is 23:59 local = 22:59 UTC: from that minute on, nothing for invitees.
    expect(dueReminders(event, rules, new Date('2018-11-16T22:59:00Z'))).toEqual([]);
  });

  it('a rule of 0 days is due on the deadline\'s own day, until the deadline', () => {
    const zero = { ...rules, inviteesDaysBeforeDeadline: [0] };
    expect(dueReminders(event, zero, new Date('2018-11-16T07:59:00Z'))).toEqual([]);
    expect(dueReminders(event, zero, new Date('2018-11-16T08:00:00Z')).map((d) => d.rule)).toEqual(['invitees-0d']);
  });

  it('the attendee reminder is due at 09:00 the day before, not for an event that already started', () => {
    expect(dueReminders(event, rules, new Date('2018-11-25T07:59:00Z'))).toEqual([]);
    expect(dueReminders(event, rules, new Date('2018-11-25T08:00:00Z'))).toEqual([
      { audience: 'attendees', rule: 'attendees-1d', dueAt: new Date('2018-11-25T08:00:00Z') },
    ]);
    expect(dueReminders(event, rules, new Date('2018-11-26T14:00:00Z'))).toEqual([]);
  });

  it('an event starting before nine still gets its attendee reminder the day before', () => {
    const early = { ...event, startsAt: new Date('2018-11-26T07:30:00+01:00'), endsAt: new Date('2018-11-26T09:00:00+01:00') };
    expect(dueReminders(early, rules, new Date('2018-11-26T06:00:00Z')).map((d) => [d.rule, d.dueAt.toISOString()])).toEqual([
      ['attendees-1d', '2018-11-25T08:00:00.000Z'],
    ]);
    expect(dueReminders(early, rules, new Date('2018-11-26T06:30:00Z'))).toEqual([]);
  });

  it('no rules, no reminders', () => {
    expect(dueReminders(event, { at: '09:00', inviteesDaysBeforeDeadline: [], attendeesDaysBeforeEvent: [] }, new Date('2018-11-25T10:00:00Z'))).toEqual([]);
  });
});
