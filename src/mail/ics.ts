/**
 * The iCalendar part that goes with invitations and confirmations (RFC 5546 iTIP over e-mail,
 * RFC 6047 iMIP): METHOD:REQUEST puts the meeting in the invitee's calendar, METHOD:CANCEL takes
 * it out again. The UID stays the same for the life of the event and SEQUENCE goes up with every
 * change (RFC 5546 2.1.4), so a client updates its entry instead of adding a second one.
 *
 * Times are written in the event's own zone with TZID and a VTIMEZONE (RFC 5545 3.6.5), not in
 * UTC: Outlook shows a floating UTC time correctly, but "Europe/Amsterdam" keeps the meeting at
 * 15:00 if the rules of the zone ever change. The VTIMEZONE is built here from luxon's zone data
 * (the runtime's ICU tz database), with the actual transitions of the years around the event.
 *
 * The text is written directly rather than through ical-generator: this runs for every invitation
 * and acceptance the poll job sends, and the generic builder (object model, per-character folding)
 * cost over a millisecond a call. What a general library would otherwise do for us is here, each
 * against its clause: CRLF line ends and folding at 75 octets (RFC 5545 3.1), TEXT escaping
 * (3.3.11), quoted parameter values with RFC 6868 caret encoding, DTSTAMP in UTC (3.8.7.2).
 */
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

const PARTSTATS: ReadonlySet<string> = new Set<IcsPartstat>(['NEEDS-ACTION', 'ACCEPTED', 'DECLINED', 'TENTATIVE']);

export function buildEventIcs(input: BuildEventIcsInput): string {
  const { event, attendee, method } = input;
  const zone = IANAZone.create(event.timezone);
  if (!zone.isValid) throw new RangeError(`unknown time zone "${event.timezone}"`);
  const startMs = event.startsAt.getTime();
  const endMs = event.endsAt.getTime();
  if (!(endMs > startMs)) throw new RangeError('event must end after it starts');
  if (!Number.isInteger(event.sequence) || event.sequence < 0) throw new RangeError(`SEQUENCE must be a whole number ≥ 0, got ${event.sequence}`);
  if (method !== 'REQUEST' && method !== 'CANCEL') throw new RangeError(`unsupported METHOD "${String(method)}"`);
  const partstat = attendee.partstat ?? 'NEEDS-ACTION';
  if (!PARTSTATS.has(partstat)) throw new RangeError(`unsupported PARTSTAT "${String(partstat)}"`);
  const stampMs = (input.now ?? new Date()).getTime();
  if (!Number.isFinite(stampMs)) throw new RangeError('DTSTAMP must be a valid date');

  // Wall-clock times under the zone's offset at each instant: the same offsets the VTIMEZONE
  // below lists, so a client that applies it gets the instant back.
  const startLocalMs = startMs + offsetAt(zone, startMs) * 60_000;
  const endLocalMs = endMs + offsetAt(zone, endMs) * 60_000;
  const fromYear = new Date(startLocalMs).getUTCFullYear() - 1;
  const toYear = new Date(endLocalMs).getUTCFullYear() + 1;
  const tzid = event.timezone;

  const lines: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//inbox-rsvp//rsvp//NL',
    `METHOD:${method}`,
    buildVtimezone(tzid, fromYear, toYear),
    'BEGIN:VEVENT',
    fold(`UID:${escapeText(event.icalUid)}`),
    `SEQUENCE:${event.sequence}`,
    `DTSTAMP:${formatDateTime(stampMs)}Z`,
    // TZID is a parameter: quoted if a zone name ever held a character that needs it.
    fold(`DTSTART;TZID=${paramValue(tzid)}:${formatDateTime(startLocalMs)}`),
    fold(`DTEND;TZID=${paramValue(tzid)}:${formatDateTime(endLocalMs)}`),
    fold(`SUMMARY:${escapeText(event.title)}`),
  ];
  // Empty location or description: left out, as ical-generator did, rather than an empty property.
  if (event.location) lines.push(fold(`LOCATION:${escapeText(event.location)}`));
  if (event.description) lines.push(fold(`DESCRIPTION:${escapeText(event.description)}`));
  lines.push(
    fold(`ORGANIZER${event.organiser ? `;CN=${paramValue(event.organiser)}` : ''}:mailto:${mailtoAddress(event.organiserEmail)}`),
    // RSVP=TRUE asks the client for a METHOD:REPLY; pointless on a cancellation.
    fold(
      `ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=${partstat};RSVP=${method === 'REQUEST' ? 'TRUE' : 'FALSE'}` +
        `${attendee.name ? `;CN=${paramValue(attendee.name)}` : ''}:mailto:${mailtoAddress(attendee.email)}`,
    ),
    `STATUS:${method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    'END:VEVENT',
    'END:VCALENDAR',
    // Every content line ends in CRLF, the last one too (RFC 5545 3.1).
    '',
  );
  return lines.join('\r\n');
}

/**
 * The zone's UTC offset in minutes at an instant. luxon asks Intl for it (some 8 µs, half the cost
 * of a whole call), and the same few event start and end times come back for every invitee, so the
 * answers are remembered; bounded like the VTIMEZONE memo below.
 */
function offsetAt(zone: IANAZone, ms: number): number {
  const key = `${zone.name}|${ms}`;
  let offset = offsetMemo.get(key);
  if (offset === undefined) {
    offset = zone.offset(ms);
    if (offsetMemo.size >= 256) offsetMemo.delete(offsetMemo.keys().next().value!);
    offsetMemo.set(key, offset);
  }
  return offset;
}

const offsetMemo = new Map<string, number>();

// Control characters other than HTAB are not allowed in TEXT (TSAFE-CHAR, RFC 5545 3.3.11) nor in
// parameter values (SAFE-CHAR/QSAFE-CHAR, 3.1); line breaks are handled before this is applied.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;
const LINE_BREAK = /\r\n|\r|\n/g;
// Anything either encoding below would change (no g flag: .test() then keeps no state).
const TEXT_SPECIAL = /[\\;,\x00-\x08\x0a-\x1f\x7f]/;
const PARAM_SPECIAL = /[\^":;,\x00-\x08\x0a-\x1f\x7f]/;

/** RFC 5545 3.3.11: backslash, semicolon and comma escaped, line breaks as \n. */
export function escapeText(value: string): string {
  if (!TEXT_SPECIAL.test(value)) return value;
  return value.replace(/[\\;,]/g, '\\$&').replace(LINE_BREAK, '\\n').replace(CONTROL, '');
}

/**
 * A parameter value such as CN. Line breaks, double quotes and carets are caret-encoded
 * (RFC 6868; a backslash is no escape inside a parameter), and the value is quoted when it holds
 * a colon, semicolon or comma, which would otherwise end it (RFC 5545 3.2).
 */
function paramValue(value: string): string {
  if (!PARAM_SPECIAL.test(value)) return value;
  const encoded = value.replace(/\^/g, '^^').replace(LINE_BREAK, '^n').replace(/"/g, "^'").replace(CONTROL, '');
  return /[:;,]/.test(encoded) ? `"${encoded}"` : encoded;
}

/** A cal-address: a raw line break here would start a property of the sender's choosing. */
function mailtoAddress(email: string): string {
  if (/[\x00-\x1f\x7f]/.test(email)) throw new RangeError('e-mail address holds a control character');
  return email;
}

/**
 * RFC 5545 3.1: a content line longer than 75 octets (UTF-8) is split by CRLF + one space, and
 * never inside a multi-octet character. Every physical line, continuation space included, stays
 * within 75 octets.
 */
export function fold(line: string): string {
  // Nearly every line is short ASCII. A line of more than 75 UTF-16 units has more than 75 octets,
  // so the (cheap) octet count is only taken for the others.
  if (line.length <= 75 && Buffer.byteLength(line, 'utf8') <= 75) return line;
  let out = '';
  let segmentStart = 0;
  let octets = 0;
  let limit = 75;
  for (let i = 0; i < line.length; ) {
    const code = line.codePointAt(i)!;
    const units = code > 0xffff ? 2 : 1;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (octets + size > limit) {
      out += `${line.slice(segmentStart, i)}\r\n `;
      segmentStart = i;
      octets = 0;
      limit = 74; // the leading space counts
    }
    octets += size;
    i += units;
  }
  return out + line.slice(segmentStart);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "yyyyMMddTHHmmss" of the UTC fields of `ms` (callers shift by the zone offset for local time). */
function formatDateTime(ms: number): string {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  return (
    String(year).padStart(4, '0') +
    pad2(d.getUTCMonth() + 1) +
    pad2(d.getUTCDate()) +
    'T' +
    pad2(d.getUTCHours()) +
    pad2(d.getUTCMinutes()) +
    pad2(d.getUTCSeconds())
  );
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
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
      `DTSTART:${formatDateTime(hi + prevOffset * 60_000)}`,
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
