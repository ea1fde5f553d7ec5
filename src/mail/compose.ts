/**
 * From the database's rows to the mails the jobs put in the outbox: the template data, the
 * event's language, and the calendar part where the contract asks for one (invitations and
 * acceptances carry METHOD:REQUEST; a decline after an acceptance METHOD:CANCEL).
 */
import type { Language } from '../core/dates.js';
import type { ConfirmationKind } from '../core/rsvp/state.js';
import { buildEventIcs, type IcsEvent } from './ics.js';
import type { ConfirmationStatus, DigestData, MailEvent, MailRenderer } from './templates.js';

export interface EventFields {
  title: string;
  organiser: string;
  description: string | null;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  location: string;
  rsvpDeadline: Date;
  capacity: number | null;
  language: string;
  icalUid: string;
  sequence: number;
}

export interface InviteeFields {
  email: string;
  name: string | null;
  status: string;
  partySize: number | null;
  attendees: unknown;
}

export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
  ics: { content: string; method: 'REQUEST' | 'CANCEL' } | null;
}

interface Organiser {
  address: string;
  name: string | null;
}

function languageOf(event: EventFields): Language {
  return event.language === 'en' ? 'en' : 'nl';
}

function mailEvent(event: EventFields): MailEvent {
  return {
    title: event.title,
    organiser: event.organiser,
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    timezone: event.timezone,
    location: event.location,
    rsvpDeadline: event.rsvpDeadline,
    description: event.description,
    capacity: event.capacity,
  };
}

function icsEvent(event: EventFields, organiser: Organiser): IcsEvent {
  return {
    icalUid: event.icalUid,
    sequence: event.sequence,
    title: event.title,
    description: event.description,
    location: event.location,
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    timezone: event.timezone,
    organiser: event.organiser,
    organiserEmail: organiser.address,
  };
}

function calendar(event: EventFields, invitee: InviteeFields, organiser: Organiser, method: 'REQUEST' | 'CANCEL', partstat?: 'ACCEPTED') {
  return {
    method,
    content: buildEventIcs({
      event: icsEvent(event, organiser),
      attendee: { email: invitee.email, name: invitee.name, ...(partstat ? { partstat } : {}) },
      method,
    }),
  };
}

function namesOf(invitee: InviteeFields): string[] {
  return Array.isArray(invitee.attendees) ? (invitee.attendees as string[]) : [];
}

export async function composeInvitation(
  renderer: MailRenderer,
  input: { event: EventFields; invitee: InviteeFields; organiser: Organiser },
): Promise<ComposedMail> {
  const mail = await renderer.render('invitation', languageOf(input.event), {
    event: mailEvent(input.event),
    recipientName: input.invitee.name,
    calendarAttached: true,
  });
  return { ...mail, ics: calendar(input.event, input.invitee, input.organiser, 'REQUEST') };
}

const CONFIRMATION_STATUS: Record<ConfirmationKind, ConfirmationStatus> = {
  'confirmation-accepted': 'accepted',
  'confirmation-declined': 'declined',
  'confirmation-tentative': 'tentative',
  waitlisted: 'waitlisted',
};

export async function composeRsvpMail(
  renderer: MailRenderer,
  input: {
    template: ConfirmationKind | 'promoted';
    event: EventFields;
    invitee: InviteeFields;
    late: boolean;
    /** A calendar entry sent earlier is withdrawn (METHOD:CANCEL). */
    cancelCalendar: boolean;
    organiser: Organiser;
  },
): Promise<ComposedMail> {
  const { event, invitee, organiser } = input;
  const language = languageOf(event);
  if (input.template === 'promoted') {
    const mail = await renderer.render('promoted', language, {
      event: mailEvent(event),
      recipientName: invitee.name,
      partySize: invitee.partySize,
      attendees: namesOf(invitee),
      calendarAttached: true,
    });
    return { ...mail, ics: calendar(event, invitee, organiser, 'REQUEST', 'ACCEPTED') };
  }
  const status = CONFIRMATION_STATUS[input.template];
  const ics =
    status === 'accepted'
      ? calendar(event, invitee, organiser, 'REQUEST', 'ACCEPTED')
      : input.cancelCalendar
        ? calendar(event, invitee, organiser, 'CANCEL')
        : null;
  const mail = await renderer.render('confirmation', language, {
    event: mailEvent(event),
    recipientName: invitee.name,
    status,
    partySize: status === 'declined' ? 0 : invitee.partySize,
    attendees: status === 'declined' ? [] : namesOf(invitee),
    late: input.late,
    calendar: ics ? (ics.method === 'REQUEST' ? 'request' : 'cancel') : null,
  });
  return { ...mail, ics };
}

export async function composeReminder(
  renderer: MailRenderer,
  input: { template: 'reminder-invitee' | 'reminder-attendee'; event: EventFields; invitee: InviteeFields; organiser: Organiser },
): Promise<ComposedMail> {
  const { event, invitee } = input;
  const data = { event: mailEvent(event), recipientName: invitee.name };
  const mail =
    input.template === 'reminder-invitee'
      ? await renderer.render('reminder-invitee', languageOf(event), data)
      : await renderer.render('reminder-attendee', languageOf(event), { ...data, partySize: invitee.partySize, attendees: namesOf(invitee) });
  // The attendee's reminder carries the calendar entry again (same UID and SEQUENCE as the
  // confirmation's, RFC 5546 REQUEST), so it is one tap to put in an agenda that lost it.
  return { ...mail, ics: input.template === 'reminder-attendee' ? calendar(event, invitee, input.organiser, 'REQUEST', 'ACCEPTED') : null };
}

/** What the digest job gathered from the database for one event. */
export interface DigestFacts {
  invitees: {
    email: string;
    name: string | null;
    status: string;
    partySize: number | null;
    attendees: string[];
    late: boolean;
    bounceReason: string | null;
    bouncedAt: Date | null;
  }[];
  changes: { email: string; name: string | null; from: string; to: string; partySize: number | null; late: boolean; at: Date }[];
  reviews: { reason: string; detail: string | null; from: string | null; subject: string | null; at: Date }[];
  since?: Date | null;
}

export function digestData(facts: DigestFacts, day: string): Omit<DigestData, 'event'> {
  const count = (status: string) => facts.invitees.filter((i) => i.status === status).length;
  const accepted = facts.invitees.filter((i) => i.status === 'accepted');
  return {
    day,
    since: facts.since ?? null,
    totals: {
      accepted: accepted.length,
      declined: count('declined'),
      tentative: count('tentative'),
      waitlisted: count('waitlisted'),
      noAnswer: count('invited') + count('not_invited') + count('needs_review'),
      bounced: count('bounced'),
      people: accepted.reduce((n, i) => n + (i.partySize ?? 1), 0),
    },
    attending: accepted.map((i) => ({ email: i.email, name: i.name, partySize: i.partySize, attendees: i.attendees })),
    changes: facts.changes.map((c) => ({ at: c.at, email: c.email, name: c.name, from: c.from, to: c.to, partySize: c.partySize, late: c.late })),
    reviewItems: facts.reviews.map((r) => ({ at: r.at, reason: r.reason, email: r.from, detail: r.detail ?? r.subject })),
    bounces: facts.invitees
      .filter((i): i is typeof i & { bouncedAt: Date } => i.status === 'bounced' && i.bouncedAt !== null)
      .map((i) => ({ at: i.bouncedAt, email: i.email, name: i.name, reason: i.bounceReason })),
  };
}

export async function composeDigest(
  renderer: MailRenderer,
  input: { event: EventFields; facts: DigestFacts; day: string; organiser: Organiser },
): Promise<ComposedMail> {
  const mail = await renderer.render('digest', languageOf(input.event), { event: mailEvent(input.event), ...digestData(input.facts, input.day) });
  return { ...mail, ics: null };
}

/** Time or place changed: the new details and a calendar update (same UID, higher SEQUENCE). */
export async function composeEventUpdate(
  renderer: MailRenderer,
  input: { event: EventFields; invitee: InviteeFields; previous: { startsAt: Date; endsAt: Date; location: string }; organiser: Organiser },
): Promise<ComposedMail> {
  const { event, invitee, previous } = input;
  const changed: { startsAt?: Date; endsAt?: Date; location?: string } = {};
  if (previous.startsAt.getTime() !== event.startsAt.getTime()) changed.startsAt = previous.startsAt;
  if (previous.endsAt.getTime() !== event.endsAt.getTime()) changed.endsAt = previous.endsAt;
  if (previous.location !== event.location) changed.location = previous.location;
  const mail = await renderer.render('event-update', languageOf(event), {
    event: mailEvent(event),
    recipientName: invitee.name,
    previous: changed,
    calendarAttached: true,
  });
  return { ...mail, ics: calendar(event, invitee, input.organiser, 'REQUEST', invitee.status === 'accepted' ? 'ACCEPTED' : undefined) };
}

/** The event is cancelled: the calendar entry is withdrawn (METHOD:CANCEL). */
export async function composeEventCancelled(
  renderer: MailRenderer,
  input: { event: EventFields; invitee: InviteeFields; reason: string | null; organiser: Organiser },
): Promise<ComposedMail> {
  const mail = await renderer.render('event-cancelled', languageOf(input.event), {
    event: mailEvent(input.event),
    recipientName: input.invitee.name,
    reason: input.reason,
    calendarAttached: true,
  });
  return { ...mail, ics: calendar(input.event, input.invitee, input.organiser, 'CANCEL') };
}
