/**
 * Calendar replies (iTIP, RFC 5546 §3.2.3 METHOD:REPLY): the attendee's PARTSTAT (RFC 5545
 * §3.2.12) for the event's UID. Outlook, Gmail and Apple Calendar send one when the invitee
 * presses Accept / Decline / Tentative on our METHOD:REQUEST invitation.
 */
import ICAL from 'ical.js';
import type { CalendarReplyInfo } from './types.js';

type Partstat = CalendarReplyInfo['partstat'];

function toPartstat(value: unknown): Partstat {
  const v = String(value ?? '').toUpperCase();
  return v === 'ACCEPTED' || v === 'DECLINED' || v === 'TENTATIVE' ? v : null;
}

/**
 * The answer a calendar client puts in front of the subject: Outlook NL "Geaccepteerd:",
 * "Afgewezen:", "Voorlopig:" (older: "Voorlopig geaccepteerd:"), EN "Accepted:", "Declined:",
 * "Tentative:", Gmail "Accepted: … @ …", "Updated invitation with note" excluded.
 */
export function partstatFromSubject(subject: string): Partstat {
  const s = subject.trim();
  if (/^(voorlopig(\s+geaccepteerd)?|tentative(ly accepted)?|tentatively accepted|mit vorbehalt angenommen|vorläufig)\s*:/i.test(s)) return 'TENTATIVE';
  if (/^(geaccepteerd|geaccepteerd door|accepted|angenommen|accepté)\s*:/i.test(s)) return 'ACCEPTED';
  if (/^(afgewezen|geweigerd|declined|abgelehnt|refusé)\s*:/i.test(s)) return 'DECLINED';
  return null;
}

/**
 * Reads a METHOD:REPLY iCalendar object. Returns null when the text is not iCalendar, cannot be
 * parsed, or is not a reply (a forwarded REQUEST is not an answer).
 */
export function readCalendarReply(icsText: string): CalendarReplyInfo | null {
  if (!/BEGIN:VCALENDAR/i.test(icsText)) return null;
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(icsText.replace(/\r?\n/g, '\r\n')) as unknown[]);
  } catch {
    return fallbackRead(icsText);
  }
  const method = String(root.getFirstPropertyValue('method') ?? '').toUpperCase();
  if (method && method !== 'REPLY') return null;
  const vevent = root.getFirstSubcomponent('vevent');
  if (!vevent) return null;
  const attendees = vevent.getAllProperties('attendee');
  // A REPLY carries the replying attendee (RFC 5546 §3.2.3: exactly one); take the first with a
  // PARTSTAT in case a client copies more.
  const attendee = attendees.find((a) => toPartstat(a.getParameter('partstat')) !== null) ?? attendees[0] ?? null;
  const uid = vevent.getFirstPropertyValue('uid');
  const seq = vevent.getFirstPropertyValue('sequence');
  const mailto = attendee ? String(attendee.getFirstValue() ?? '') : '';
  const cn = attendee?.getParameter('cn');
  const sequence = seq === null || seq === undefined ? null : Number(seq);
  return {
    uid: uid === null || uid === undefined ? null : String(uid),
    partstat: attendee ? toPartstat(attendee.getParameter('partstat')) : null,
    attendeeEmail: mailto ? mailto.replace(/^mailto:/i, '').trim().toLowerCase() || null : null,
    attendeeName: cn ? String(Array.isArray(cn) ? cn[0] : cn).trim() || null : null,
    sequence: sequence !== null && Number.isFinite(sequence) ? sequence : null,
  };
}

/** Line-based reading for iCalendar that ical.js rejects (bad folding, stray lines). */
function fallbackRead(icsText: string): CalendarReplyInfo | null {
  const text = icsText.replace(/\r?\n[ \t]/g, '');
  const method = /^METHOD:(.*)$/im.exec(text)?.[1]?.trim().toUpperCase();
  if (method && method !== 'REPLY') return null;
  const att = /^ATTENDEE([^:\n]*):(.*)$/im.exec(text);
  const params = att?.[1] ?? '';
  const seq = /^SEQUENCE:(\d+)/im.exec(text)?.[1];
  return {
    uid: /^UID:(.*)$/im.exec(text)?.[1]?.trim() ?? null,
    partstat: toPartstat(/;PARTSTAT=([A-Z-]+)/i.exec(params)?.[1]),
    attendeeEmail: att?.[2]?.replace(/^mailto:/i, '').trim().toLowerCase() || null,
    attendeeName: /;CN="?([^";:]+)"?/i.exec(params)?.[1]?.trim() ?? null,
    sequence: seq ? Number(seq) : null,
  };
}
