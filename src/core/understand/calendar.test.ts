import { describe, expect, it } from 'vitest';
import { partstatFromSubject, readCalendarReply } from './calendar.js';

function ics(lines: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...lines, 'END:VCALENDAR'].join('\r\n');
}
const event = (attendee: string, extra: string[] = []) => [
  'BEGIN:VEVENT',
  'UID:evt-1@ijz.example.test',
  'DTSTAMP:20181016T091200Z',
  'DTSTART:20181126T140000Z',
  attendee,
  ...extra,
  'END:VEVENT',
];

describe('readCalendarReply', () => {
  it.each(['ACCEPTED', 'DECLINED', 'TENTATIVE'] as const)('reads PARTSTAT=%s with UID, SEQUENCE, mailto and CN', (ps) => {
    const info = readCalendarReply(
      ics(['METHOD:REPLY', ...event(`ATTENDEE;PARTSTAT=${ps};CN="de Boer, Petra":mailto:Petra@Boer.example.test`, ['SEQUENCE:3'])]),
    );
    expect(info).toEqual({
      uid: 'evt-1@ijz.example.test',
      partstat: ps,
      attendeeEmail: 'petra@boer.example.test',
      attendeeName: 'de Boer, Petra',
      sequence: 3,
    });
  });

  it('ignores a REQUEST (a forwarded invitation is not an answer)', () => {
    expect(readCalendarReply(ics(['METHOD:REQUEST', ...event('ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:a@b.test')]))).toBeNull();
  });

  it('gives partstat null for NEEDS-ACTION and sequence null when absent', () => {
    const info = readCalendarReply(ics(['METHOD:REPLY', ...event('ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:a@b.test')]));
    expect(info?.partstat).toBeNull();
    expect(info?.sequence).toBeNull();
    expect(info?.attendeeName).toBeNull();
  });

  it('takes the attendee that carries a PARTSTAT when a client copies several', () => {
    const info = readCalendarReply(
      ics(['METHOD:REPLY', ...event('ATTENDEE:mailto:other@b.test', ['ATTENDEE;PARTSTAT=DECLINED:mailto:me@b.test'])]),
    );
    expect(info?.attendeeEmail).toBe('me@b.test');
    expect(info?.partstat).toBe('DECLINED');
  });

  it('reads iCalendar that ical.js rejects, line by line', () => {
    const broken = 'BEGIN:VCALENDAR\nMETHOD:REPLY\nBEGIN:VEVENT\nthis is not a property\nUID:x-1\nATTENDEE;CN=Jan;PARTSTAT=ACCEPTED:mailto:jan@x.test\nSEQUENCE:1\nEND:VEVENT\nEND:VCALENDAR';
    expect(readCalendarReply(broken)).toEqual({ uid: 'x-1', partstat: 'ACCEPTED', attendeeEmail: 'jan@x.test', attendeeName: 'Jan', sequence: 1 });
  });

  it('returns null for text that is not iCalendar', () => {
    expect(readCalendarReply('hallo')).toBeNull();
  });
});

describe('partstatFromSubject (Outlook, Gmail)', () => {
  const cases: Array<[string, string | null]> = [
    ['Geaccepteerd: Consultatiebijeenkomst', 'ACCEPTED'],
    ['Accepted: Consultation', 'ACCEPTED'],
    ['Afgewezen: Consultatiebijeenkomst', 'DECLINED'],
    ['Declined: Consultation @ Mon 26 Nov', 'DECLINED'],
    ['Voorlopig: Consultatiebijeenkomst', 'TENTATIVE'],
    ['Voorlopig geaccepteerd: Consultatiebijeenkomst', 'TENTATIVE'],
    ['Tentative: Consultation', 'TENTATIVE'],
    ['Re: Geaccepteerd: x', null],
    ['Uitnodiging geaccepteerd', null],
  ];
  it.each(cases)('%s', (subject, expected) => {
    expect(partstatFromSubject(subject)).toBe(expected);
  });
});
