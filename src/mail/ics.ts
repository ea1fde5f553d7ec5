/**
 * The iCalendar part that goes with invitations and confirmations (RFC 5546 iTIP over e-mail,
 * RFC 6047 iMIP): METHOD:REQUEST puts the meeting in the invitee's calendar, METHOD:CANCEL takes
 * it out again. The UID stays the same for the life of the event and SEQUENCE goes up with every
 * change (RFC 5546 2.1.4), so a client updates its entry instead of adding a second one.
 *
 * Times are written in the event's own zone with TZID and a VTIMEZONE (RFC 5545 3.6.5), not in
 * UTC: Outlook shows a floating UTC time correctly, but "Europe/Amsterdam" keeps the meeting at
 * 15:00 if the rules of the zone ever change. The VTIMEZONE is built here from luxon's zone data
 * (the runtime's ICU tz database), with the actual transitions of the years around the event;
 * ical-generator leaves that to a "generator" function and ships none.
 */
import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { DateTime, IANAZone } from 'luxon';

export type IcsMethod = 'REQUEST' | 'CANCEL';
export type IcsPartstat = 'NEEDS-ACTION' | 'ACCEPTED' | 'DECLINED' | 'TENTATIVE';

export interface IcsEvent {
  /** Stable for the life of the event, e.g. "consultatie-2018@rsvp.example.nl". */
  icalUid: string;
  /** 0 for the first version; raised with every change the invitees must see. */
  sequence: number;
  title: string;
  description?: string | null;
  location: string;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  /** The organising body's name (CN of ORGANIZER). */
  organiser: string;
  /** Where calendar replies go: the address mails are sent from. */
  organiserEmail: string;
}

export interface IcsAttendee {
  email: string;
  name?: string | null;
  /** Default NEEDS-ACTION: the invitee has not answered in their calendar yet. */
  partstat?: IcsPartstat;
}

export interface BuildEventIcsInput {
  event: IcsEvent;
  attendee: IcsAttendee;
  method: IcsMethod;
  /** DTSTAMP; defaults to the clock. Fixed in tests. */
  now?: Date;
}

const PARTSTAT: Record<IcsPartstat, ICalAttendeeStatus> = {
  'NEEDS-ACTION': ICalAttendeeStatus.NEEDSACTION,
  ACCEPTED: ICalAttendeeStatus.ACCEPTED,
  DECLINED: ICalAttendeeStatus.DECLINED,
  TENTATIVE: ICalAttendeeStatus.TENTATIVE,
};

export function buildEventIcs(input: BuildEventIcsInput): string {
  const { event, attendee, method } = input;
  const zone = IANAZone.create(event.timezone);
  if (!zone.isValid) throw new RangeError(`unknown time zone "${event.timezone}"`);
  if (!(event.endsAt.getTime() > event.startsAt.getTime())) throw new RangeError('event must end after it starts');
  if (!Number.isInteger(event.sequence) || event.sequence < 0) throw new RangeError(`SEQUENCE must be a whole number ≥ 0, got ${event.sequence}`);

  const cal = ical({
    prodId: { company: 'inbox-rsvp', product: 'rsvp', language: 'NL' },
    method: method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
  });
  const fromYear = DateTime.fromJSDate(event.startsAt, { zone }).year - 1;
  const toYear = DateTime.fromJSDate(event.endsAt, { zone }).year + 1;
  // No calendar-wide zone, only the event's: with one, ical-generator would also write DTSTAMP
  // as a local time, and RFC 5545 3.8.7.2 wants DTSTAMP in UTC. The VTIMEZONE is still emitted
  // for every zone an event uses.
  cal.timezone({ name: null, generator: (tz) => buildVtimezone(tz, fromYear, toYear) });

  const ev = cal.createEvent({
    id: event.icalUid,
    sequence: event.sequence,
    // luxon DateTimes in the zone: ical-generator then writes local time with TZID. A plain Date
    // would be written in the *process's* local time (it calls getHours()).
    start: DateTime.fromJSDate(event.startsAt, { zone }),
    end: DateTime.fromJSDate(event.endsAt, { zone }),
    timezone: event.timezone,
    stamp: input.now ?? new Date(),
    summary: event.title,
    location: event.location,
    description: event.description ?? null,
    organizer: { name: event.organiser, email: event.organiserEmail },
    status: method === 'CANCEL' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  ev.createAttendee({
    email: attendee.email,
    name: attendee.name ?? null,
    role: ICalAttendeeRole.REQ,
    status: PARTSTAT[attendee.partstat ?? 'NEEDS-ACTION'],
    // RSVP=TRUE asks the client for a METHOD:REPLY; pointless on a cancellation.
    rsvp: method === 'REQUEST',
  });
  return cal.toString();
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

function localStamp(ms: number, offsetMinutes: number): string {
  // The wall-clock time under the given offset, as an RFC 5545 local DATE-TIME.
  return DateTime.fromMillis(ms + offsetMinutes * 60_000, { zone: 'UTC' }).toFormat("yyyyLLdd'T'HHmmss");
}

/**
 * A VTIMEZONE with one observance per actual transition between 1 January `fromYear` and
 * 31 December `toYear` (no RRULEs: exact dates are always right, even in years when a zone's rule
 * changed). Each observance's DTSTART is the local time just before the change, under
 * TZOFFSETFROM, as RFC 5545 3.6.5 asks. A zone without transitions in that span gets a single
 * STANDARD observance.
 */
export function buildVtimezone(timezone: string, fromYear: number, toYear: number): string {
  const key = `${timezone}|${fromYear}|${toYear}`;
  let vtz = vtimezoneMemo.get(key);
  if (vtz === undefined) {
    vtz = scanVtimezone(timezone, fromYear, toYear);
    // A pure function of its arguments, and about 1,000 zone look-ups to work out: remember it.
    // Bounded, since a long-running worker sees only a handful of zones and years.
    if (vtimezoneMemo.size >= 64) vtimezoneMemo.delete(vtimezoneMemo.keys().next().value!);
    vtimezoneMemo.set(key, vtz);
  }
  return vtz;
}

const vtimezoneMemo = new Map<string, string>();

function scanVtimezone(timezone: string, fromYear: number, toYear: number): string {
  const zone = IANAZone.create(timezone);
  if (!zone.isValid) throw new RangeError(`unknown time zone "${timezone}"`);
  const start = Date.UTC(fromYear, 0, 1);
  const end = Date.UTC(toYear + 1, 0, 1);
  const DAY = 86_400_000;
  const lines = ['BEGIN:VTIMEZONE', `TZID:${timezone}`];
  // TZNAME is informative only. en-GB knows "CET"/"CEST" where en-US says "GMT+1", and en-US
  // knows "EDT" where en-GB says "GMT-4": take whichever is an abbreviation.
  const name = (ms: number) => {
    const names = ['en-GB', 'en-US'].map((locale) => zone.offsetName(ms, { format: 'short', locale }) ?? '');
    return names.find((n) => n && !/^(GMT|UTC)[+-]/.test(n)) ?? names[0] ?? timezone;
  };
  const isDst = (ms: number) => DateTime.fromMillis(ms, { zone }).isInDST;

  let transitions = 0;
  let prevOffset = zone.offset(start);
  for (let day = start; day < end; day += DAY) {
    const next = Math.min(day + DAY, end);
    const nextOffset = zone.offset(next);
    if (nextOffset === prevOffset) continue;
    // Binary search to the minute of the change within this day.
    let lo = day;
    let hi = next;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (zone.offset(mid) === prevOffset) lo = mid;
      else hi = mid;
    }
    const kind = isDst(hi) ? 'DAYLIGHT' : 'STANDARD';
    lines.push(
      `BEGIN:${kind}`,
      `DTSTART:${localStamp(hi, prevOffset)}`,
      `TZOFFSETFROM:${formatOffset(prevOffset)}`,
      `TZOFFSETTO:${formatOffset(nextOffset)}`,
      `TZNAME:${name(hi)}`,
      `END:${kind}`,
    );
    transitions++;
    prevOffset = nextOffset;
  }
  if (transitions === 0) {
    const offset = formatOffset(prevOffset);
    lines.push('BEGIN:STANDARD', 'DTSTART:19700101T000000', `TZOFFSETFROM:${offset}`, `TZOFFSETTO:${offset}`, `TZNAME:${name(start)}`, 'END:STANDARD');
  }
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n');
}
