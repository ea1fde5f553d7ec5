import ICAL from 'ical.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildEventIcs, buildVtimezone, fold, type BuildEventIcsInput, type IcsEvent } from './ics.js';

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

describe('buildEventIcs text encoding (RFC 5545 3.1, 3.3.11; RFC 6868)', () => {
  const octets = (line: string) => Buffer.byteLength(line, 'utf8');

  /** Every physical line: CRLF-terminated (no bare CR or LF), at most 75 octets, no split character. */
  function expectWellFormedLines(ics: string) {
    expect(ics).toMatch(/^BEGIN:VCALENDAR\r\n[\s\S]*\r\nEND:VCALENDAR\r\n$/);
    const lines = ics.split('\r\n');
    for (const line of lines) {
      expect(line).not.toMatch(/[\r\n]/);
      expect(octets(line)).toBeLessThanOrEqual(75);
      // A multi-octet character cut in two would not survive a UTF-8 round trip.
      expect(Buffer.from(line, 'utf8').toString('utf8')).not.toContain('\ufffd');
      expect(line).not.toMatch(/[\ud800-\udbff]$|^ ?[\udc00-\udfff]/);
    }
    return lines;
  }

  it('gives back a title with commas, semicolons, backslashes, line breaks and non-ASCII', () => {
    const title = 'Overleg, ronde 2; zaal C:\\agenda\nTweede regel\r\nDerde — één café 日本語 😀';
    const ics = build({ event: { ...event, title } });
    expectWellFormedLines(ics);
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).toContain('SUMMARY:Overleg\\, ronde 2\\; zaal C:\\\\agenda\\nTweede regel\\nDerde — één café 日本語 😀\r\n');
    // CRLF in the input comes back as the one line break TEXT knows.
    expect(parse(ics).ev.summary).toBe(title.replace('\r\n', '\n'));
  });

  it('folds a long location at 75 octets without splitting characters, and ical.js unfolds it', () => {
    const location = `${'Stengeplein 1, Heinkenszand; zaal “De Schelde” — ingang Kerkstraat, '.repeat(5)}😀é日`;
    const ics = build({ event: { ...event, location, description: 'ß'.repeat(200) } });
    const lines = expectWellFormedLines(ics);
    const locationAt = lines.findIndex((l) => l.startsWith('LOCATION:'));
    expect(lines[locationAt + 1]).toMatch(/^ /);
    expect(lines.filter((l) => l.startsWith(' ')).length).toBeGreaterThanOrEqual(10);
    const { ev } = parse(ics);
    expect(ev.location).toBe(location);
    expect(ev.description).toBe('ß'.repeat(200));
  });

  it('quotes and caret-encodes names in CN so that ical.js reads them back whole', () => {
    const organiser = 'Gemeente "Borsele", afd. Inkoop; kamer 2:14 ^ noord';
    const name = 'Jansen, Jan "JJ"\nAanbieder B.V.';
    const ics = build({ event: { ...event, organiser }, attendee: { email: 'jan@aanbieder.nl', name } });
    expectWellFormedLines(ics);
    const { vevent } = parse(ics);
    expect(vevent.getFirstProperty('organizer')!.getParameter('cn')).toBe(organiser);
    const attendee = vevent.getFirstProperty('attendee')!;
    expect(attendee.getParameter('cn')).toBe(name);
    expect(attendee.getParameter('partstat')).toBe('NEEDS-ACTION');
    expect(String(attendee.getFirstValue()).toLowerCase()).toBe('mailto:jan@aanbieder.nl');
  });

  it('leaves out CN, LOCATION and DESCRIPTION when they are empty', () => {
    const ics = build({ event: { ...event, description: null, location: '' }, attendee: { email: 'jan@aanbieder.nl', name: null } });
    expect(ics).not.toMatch(/\r\n(LOCATION|DESCRIPTION)[:;]/);
    const { vevent } = parse(ics);
    const attendee = vevent.getFirstProperty('attendee')!;
    expect(String(attendee.getFirstValue()).toLowerCase()).toBe('mailto:jan@aanbieder.nl');
    expect(attendee.getParameter('cn')).toBeUndefined();
  });

  it('drops control characters from text and refuses them in an address', () => {
    const { ev } = parse(build({ event: { ...event, title: 'A\u0000B\u0007C\tD' } }));
    expect(ev.summary).toBe('ABC\tD');
    expect(() => build({ attendee: { email: 'jan@aanbieder.nl\r\nATTENDEE:mailto:x@y.z' } })).toThrow(/control character/);
  });
});

describe('fold', () => {
  it('keeps a line of 75 octets and folds one of 76', () => {
    const a75 = 'X'.repeat(75);
    expect(fold(a75)).toBe(a75);
    expect(fold(`${a75}Y`)).toBe(`${a75}\r\n Y`);
  });

  it('moves a character that would straddle the limit to the next line', () => {
    // 74 ASCII octets, then é (2 octets): 76 in all, and é may not be cut after its first octet.
    const line = `${'X'.repeat(74)}é`;
    expect(fold(line)).toBe(`${'X'.repeat(74)}\r\n é`);
    const emoji = `${'X'.repeat(73)}😀Z`;
    expect(fold(emoji)).toBe(`${'X'.repeat(73)}\r\n 😀Z`);
  });

  it('counts the leading space of continuation lines', () => {
    const folded = fold('Y'.repeat(75 + 74 + 10));
    expect(folded.split('\r\n').map((l) => l.length)).toEqual([75, 75, 11]);
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
