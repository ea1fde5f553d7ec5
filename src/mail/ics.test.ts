import ICAL from 'ical.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildEventIcs, buildVtimezone, type BuildEventIcsInput, type IcsEvent } from './ics.js';

const event: IcsEvent = {
  icalUid: 'consultatie-2018@rsvp.example.test',
  sequence: 0,
  title: "Consultatiebijeenkomst 'Inkoopstrategie Jeugdhulp 2020'",
  description: 'Informatie- en consultatiebijeenkomst; graag tot dan.',
  location: 'De Stenge, Stengeplein 1, Heinkenszand',
  startsAt: new Date('2018-11-26T15:00:00+01:00'),
  endsAt: new Date('2018-11-26T17:00:00+01:00'),
  timezone: 'Europe/Amsterdam',
  organiser: 'Inkooporganisatie Jeugdhulp Zeeland',
  organiserEmail: 'info@inkoop.example.test',
};
const now = new Date('2018-10-14T08:00:00Z');

function parse(ics: string) {
  const cal = new ICAL.Component(ICAL.parse(ics));
  // ical.js knows no Olson zones of its own: registering the VTIMEZONE we sent is the only way it
  // can turn TZID times into instants, so a wrong VTIMEZONE shows up as a wrong instant.
  for (const vtz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(vtz);
  const vevent = cal.getFirstSubcomponent('vevent')!;
  return { cal, vevent, ev: new ICAL.Event(vevent) };
}

function build(overrides: Partial<BuildEventIcsInput> = {}) {
  return buildEventIcs({ event, attendee: { email: 'jan@aanbieder.nl', name: 'Jan Jansen' }, method: 'REQUEST', now, ...overrides });
}

beforeEach(() => {
  ICAL.TimezoneService.reset();
});

describe('buildEventIcs REQUEST', () => {
  it('carries METHOD, UID, SEQUENCE, summary, place, organiser and an attendee asked to RSVP', () => {
    const { cal, vevent, ev } = parse(build({ event: { ...event, sequence: 3 } }));
    expect(cal.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(ev.uid).toBe('consultatie-2018@rsvp.example.test');
    expect(ev.sequence).toBe(3);
    expect(ev.summary).toBe(event.title);
    expect(ev.location).toBe(event.location);
    expect(ev.description).toBe(event.description);
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');
    const organizer = vevent.getFirstProperty('organizer')!;
    expect(String(organizer.getFirstValue()).toLowerCase()).toBe('mailto:info@inkoop.example.test');
    expect(organizer.getParameter('cn')).toBe(event.organiser);
    const attendees = vevent.getAllProperties('attendee');
    expect(attendees).toHaveLength(1);
    const attendee = attendees[0]!;
    expect(String(attendee.getFirstValue()).toLowerCase()).toBe('mailto:jan@aanbieder.nl');
    expect(attendee.getParameter('cn')).toBe('Jan Jansen');
    expect(attendee.getParameter('rsvp')).toBe('TRUE');
    expect(attendee.getParameter('partstat')).toBe('NEEDS-ACTION');
  });

  it('writes local times with the event TZID and a VTIMEZONE that gives back the right instants', () => {
    const ics = build();
    expect(ics).toContain('DTSTART;TZID=Europe/Amsterdam:20181126T150000');
    expect(ics).toContain('DTEND;TZID=Europe/Amsterdam:20181126T170000');
    const { ev } = parse(ics);
    expect(ev.startDate.zone?.tzid).toBe('Europe/Amsterdam');
    expect(ev.startDate.toJSDate().toISOString()).toBe(event.startsAt.toISOString());
    expect(ev.endDate.toJSDate().toISOString()).toBe(event.endsAt.toISOString());
  });

  it('writes DTSTAMP in UTC (RFC 5545 3.8.7.2)', () => {
    expect(build()).toMatch(/\r\nDTSTAMP:20181014T080000Z\r\n/);
  });

  it('keeps the UID stable across versions and sends the given PARTSTAT', () => {
    const first = parse(build()).ev;
    const second = parse(build({ event: { ...event, sequence: 1, location: 'Elders' }, attendee: { email: 'jan@aanbieder.nl', partstat: 'ACCEPTED' } }));
    expect(second.ev.uid).toBe(first.uid);
    expect(second.ev.sequence).toBe(1);
    expect(second.vevent.getFirstProperty('attendee')!.getParameter('partstat')).toBe('ACCEPTED');
  });

  it('escapes commas, semicolons and line breaks in text (RFC 5545 3.3.11)', () => {
    const { ev } = parse(build({ event: { ...event, title: 'A, B; C', description: 'regel 1\nregel 2' } }));
    expect(ev.summary).toBe('A, B; C');
    expect(ev.description).toBe('regel 1\nregel 2');
  });

  it.each([
    ['summer time in Amsterdam', 'Europe/Amsterdam', '2022-04-06T12:00:00Z', '2022-04-06T14:30:00Z', '20220406T140000'],
    ['the day clocks go back', 'Europe/Amsterdam', '2018-10-28T09:00:00Z', '2018-10-28T11:00:00Z', '20181028T100000'],
    ['the day clocks go forward', 'Europe/Amsterdam', '2019-03-31T08:00:00Z', '2019-03-31T10:00:00Z', '20190331T100000'],
    ['New York', 'America/New_York', '2018-11-01T14:00:00Z', '2018-11-01T16:00:00Z', '20181101T100000'],
    ['Sydney (southern summer time)', 'Australia/Sydney', '2018-12-03T22:00:00Z', '2018-12-04T00:00:00Z', '20181204T090000'],
    ['Tokyo (no daylight saving)', 'Asia/Tokyo', '2018-11-26T06:00:00Z', '2018-11-26T08:00:00Z', '20181126T150000'],
  ])('is right for %s', (_label, timezone, start, end, local) => {
    const e = { ...event, timezone, startsAt: new Date(start), endsAt: new Date(end) };
    const ics = build({ event: e });
    expect(ics).toContain(`DTSTART;TZID=${timezone}:${local}`);
    const { ev } = parse(ics);
    expect(ev.startDate.toJSDate().toISOString()).toBe(new Date(start).toISOString());
    expect(ev.endDate.toJSDate().toISOString()).toBe(new Date(end).toISOString());
  });

  it('rejects an unknown zone and an event that ends before it starts', () => {
    expect(() => build({ event: { ...event, timezone: 'Europe/Nowhere' } })).toThrow(/time zone/);
    expect(() => build({ event: { ...event, endsAt: event.startsAt } })).toThrow(/end after/);
  });
});

describe('buildEventIcs CANCEL', () => {
  it('carries METHOD:CANCEL, STATUS:CANCELLED, the same UID and no RSVP request', () => {
    const { cal, vevent, ev } = parse(build({ method: 'CANCEL', event: { ...event, sequence: 2 } }));
    expect(cal.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(ev.uid).toBe(event.icalUid);
    expect(ev.sequence).toBe(2);
    expect(vevent.getFirstProperty('attendee')!.getParameter('rsvp')).not.toBe('TRUE');
  });
});

describe('buildVtimezone', () => {
  it('lists the real Amsterdam transitions of the years around the event', () => {
    const vtz = buildVtimezone('Europe/Amsterdam', 2018, 2018);
    expect(vtz).toContain('BEGIN:DAYLIGHT\r\nDTSTART:20180325T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nEND:DAYLIGHT');
    expect(vtz).toContain('BEGIN:STANDARD\r\nDTSTART:20181028T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nEND:STANDARD');
    expect(vtz.match(/BEGIN:(DAYLIGHT|STANDARD)/g)).toHaveLength(2);
  });

  it('gives a zone without transitions one STANDARD observance', () => {
    const vtz = buildVtimezone('Asia/Tokyo', 2018, 2019);
    expect(vtz).toContain('TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900');
    expect(vtz.match(/BEGIN:(DAYLIGHT|STANDARD)/g)).toHaveLength(1);
  });

  it('handles half-hour offsets', () => {
    expect(buildVtimezone('Asia/Kolkata', 2018, 2018)).toContain('TZOFFSETTO:+0530');
  });
});
