import { describe, expect, it } from 'vitest';
import { addLocalDays, atLocalTime, formatDate, formatDateTime, formatEventWhen, formatTime, localDateOf } from './dates.js';

const AMS = 'Europe/Amsterdam';

describe('formatEventWhen', () => {
  const start = new Date('2018-11-26T15:00:00+01:00');
  const end = new Date('2018-11-26T17:00:00+01:00');

  it('writes Dutch with lower-case weekday and month, a dot in the time and "uur"', () => {
    expect(formatEventWhen(start, end, AMS, 'nl')).toBe('maandag 26 november 2018, 15.00–17.00 uur');
  });

  it('writes English with capitals and a colon, 24-hour', () => {
    expect(formatEventWhen(start, end, AMS, 'en')).toBe('Monday 26 November 2018, 15:00–17:00');
  });

  it('shows the wall-clock time of the event zone, not of UTC', () => {
    expect(formatEventWhen(start, end, 'UTC', 'en')).toBe('Monday 26 November 2018, 14:00–16:00');
    expect(formatEventWhen(start, end, 'America/New_York', 'en')).toBe('Monday 26 November 2018, 09:00–11:00');
  });

  it('uses summer time for a summer event', () => {
    const s = new Date('2022-04-06T12:00:00Z');
    const e = new Date('2022-04-06T14:30:00Z');
    expect(formatEventWhen(s, e, AMS, 'nl')).toBe('woensdag 6 april 2022, 14.00–16.30 uur');
  });

  it('names both days for an event that runs past midnight', () => {
    const s = new Date('2018-11-26T22:00:00+01:00');
    const e = new Date('2018-11-27T01:00:00+01:00');
    expect(formatEventWhen(s, e, AMS, 'nl')).toBe('maandag 26 november 2018, 22.00 uur – dinsdag 27 november 2018, 01.00 uur');
    expect(formatEventWhen(s, e, AMS, 'en')).toBe('Monday 26 November 2018, 22:00 – Tuesday 27 November 2018, 01:00');
  });
});

describe('formatDate / formatDateTime / formatTime', () => {
  const deadline = new Date('2018-11-16T23:59:00+01:00');

  it('formats the RSVP deadline in both languages', () => {
    expect(formatDate(deadline, AMS, 'nl')).toBe('vrijdag 16 november 2018');
    expect(formatDate(deadline, AMS, 'en')).toBe('Friday 16 November 2018');
    expect(formatDateTime(deadline, AMS, 'nl')).toBe('vrijdag 16 november 2018, 23.59 uur');
    expect(formatDateTime(deadline, AMS, 'en')).toBe('Friday 16 November 2018, 23:59');
  });

  it('takes the day in the event zone: 23:59 in Amsterdam is already the next day in Tokyo', () => {
    expect(formatDate(deadline, 'Asia/Tokyo', 'en')).toBe('Saturday 17 November 2018');
  });

  it('pads hours to two digits', () => {
    expect(formatTime(new Date('2018-11-26T08:05:00+01:00'), AMS, 'nl')).toBe('08.05');
  });

  it('rejects an unknown time zone instead of guessing', () => {
    expect(() => formatDate(deadline, 'Mars/Olympus', 'nl')).toThrow(/time zone/);
  });
});

describe('localDateOf', () => {
  it('gives the calendar day in the zone', () => {
    // 23:30 UTC on 25 November is already 26 November in Amsterdam.
    expect(localDateOf(new Date('2018-11-25T23:30:00Z'), AMS)).toBe('2018-11-26');
    expect(localDateOf(new Date('2018-11-25T23:30:00Z'), 'UTC')).toBe('2018-11-25');
  });
});

describe('atLocalTime across daylight-saving changes (Europe/Amsterdam)', () => {
  it('09:00 in winter is 08:00 UTC, in summer 07:00 UTC', () => {
    expect(atLocalTime('2018-11-19', '09:00', AMS).toISOString()).toBe('2018-11-19T08:00:00.000Z');
    expect(atLocalTime('2018-07-02', '09:00', AMS).toISOString()).toBe('2018-07-02T07:00:00.000Z');
  });

  it('09:00 on the last Sunday of October (clocks go back) is in winter time', () => {
    expect(atLocalTime('2018-10-28', '09:00', AMS).toISOString()).toBe('2018-10-28T08:00:00.000Z');
    expect(atLocalTime('2018-10-27', '09:00', AMS).toISOString()).toBe('2018-10-27T07:00:00.000Z');
  });

  it('09:00 on the last Sunday of March (clocks go forward) is in summer time', () => {
    expect(atLocalTime('2019-03-31', '09:00', AMS).toISOString()).toBe('2019-03-31T07:00:00.000Z');
    expect(atLocalTime('2019-03-30', '09:00', AMS).toISOString()).toBe('2019-03-30T08:00:00.000Z');
  });

  it('the day of a change is 23 or 25 hours long between two 09:00s', () => {
    const hours = (a: string, b: string) => (atLocalTime(b, '09:00', AMS).getTime() - atLocalTime(a, '09:00', AMS).getTime()) / 3_600_000;
    expect(hours('2019-03-30', '2019-03-31')).toBe(23);
    expect(hours('2018-10-27', '2018-10-28')).toBe(25);
    expect(hours('2018-11-18', '2018-11-19')).toBe(24);
  });

  it('moves a time in the skipped spring hour forward by the gap', () => {
    // 02:30 does not exist on 25 March 2018; 03:30 CEST is 01:30 UTC.
    expect(atLocalTime('2018-03-25', '02:30', AMS).toISOString()).toBe('2018-03-25T01:30:00.000Z');
  });

  it('round-trips with localDateOf and formatTime', () => {
    const at = atLocalTime('2018-10-28', '08:00', AMS);
    expect(localDateOf(at, AMS)).toBe('2018-10-28');
    expect(formatTime(at, AMS, 'en')).toBe('08:00');
  });

  it('rejects malformed input', () => {
    expect(() => atLocalTime('28-10-2018', '09:00', AMS)).toThrow(/YYYY-MM-DD/);
    expect(() => atLocalTime('2018-10-28', '9:00', AMS)).toThrow(/HH:mm/);
    expect(() => atLocalTime('2018-02-30', '09:00', AMS)).toThrow(/invalid/);
  });
});

describe('addLocalDays', () => {
  it('steps over month and year ends and leap days', () => {
    expect(addLocalDays('2018-11-16', -7)).toBe('2018-11-09');
    expect(addLocalDays('2018-11-01', -2)).toBe('2018-10-30');
    expect(addLocalDays('2018-12-31', 1)).toBe('2019-01-01');
    expect(addLocalDays('2020-03-01', -1)).toBe('2020-02-29');
    expect(addLocalDays('2019-03-01', -1)).toBe('2019-02-28');
  });

  it('counts calendar days, unaffected by a daylight-saving change in between', () => {
    expect(addLocalDays('2018-10-29', -1)).toBe('2018-10-28');
    expect(addLocalDays('2018-10-27', 2)).toBe('2018-10-29');
  });

  it('rejects fractional days', () => {
    expect(() => addLocalDays('2018-10-27', 1.5)).toThrow(/whole/);
  });
});
