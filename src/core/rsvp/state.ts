/**
 * The RSVP state machine: what an understood answer does to an invitee's status, as a pure
 * function of the invitee, the event and "now". The caller stores the decision and the mails it
 * names in one transaction.
 *
 *   not_invited / invited ──accept──▶ accepted (or waitlisted beyond capacity)
 *                         ──decline─▶ declined
 *                         ──maybe───▶ tentative
 *   any answered status moves again on a later answer (a change of mind); an answer stated
 *   before the current one (an out-of-order older message) changes nothing.
 */
import type { Intent } from '../understand/types.js';

export const STATUSES = [
  'not_invited',
  'invited',
  'accepted',
  'declined',
  'tentative',
  'waitlisted',
  'bounced',
  'needs_review',
] as const;
export type RsvpStatus = (typeof STATUSES)[number];

export type ConfirmationKind = 'confirmation-accepted' | 'confirmation-declined' | 'confirmation-tentative' | 'waitlisted';

export interface InviteeSnapshot {
  status: RsvpStatus;
  partySize: number | null;
  attendees: string[];
  /** When the current answer was stated; null before any answer. */
  respondedAt: Date | null;
}

export interface EventSnapshot {
  endsAt: Date;
  rsvpDeadline: Date;
  capacity: number | null;
  cancelled: boolean;
  /** People holding a place (accepted), not counting this invitee. */
  acceptedPeopleExcludingInvitee: number;
}

export interface Answer {
  intent: Intent;
  partySize: number | null;
  attendees: string[];
  /** When the sender stated it (the message's Date, or arrival when missing). */
  statedAt: Date;
}

export type Decision =
  | {
      action: 'apply';
      status: 'accepted' | 'declined' | 'tentative' | 'waitlisted';
      partySize: number | null;
      attendees: string[];
      /** Stated after the RSVP deadline: accepted all the same, marked, coordinators told. */
      late: boolean;
      confirmation: ConfirmationKind;
      /** Withdraws a calendar entry sent earlier (METHOD:CANCEL). */
      cancelCalendar: boolean;
      /** Places were freed: the waiting list may move up. */
      freedPlaces: boolean;
    }
  | { action: 'ignore'; reason: 'older_than_current' | 'unchanged' }
  | { action: 'review'; reason: 'after_event' | 'event_cancelled' };

/** People an answer counts for against capacity: unknown party size counts as one. */
export function peopleOf(partySize: number | null): number {
  return partySize === null ? 1 : Math.max(0, partySize);
}

export function decideRsvp(invitee: InviteeSnapshot, event: EventSnapshot, answer: Answer, now: Date): Decision {
  if (event.cancelled) return { action: 'review', reason: 'event_cancelled' };
  if (now.getTime() > event.endsAt.getTime()) return { action: 'review', reason: 'after_event' };
  if (invitee.respondedAt && answer.statedAt.getTime() < invitee.respondedAt.getTime()) {
    return { action: 'ignore', reason: 'older_than_current' };
  }
  const late = answer.statedAt.getTime() > event.rsvpDeadline.getTime();
  const wasAccepted = invitee.status === 'accepted';

  let status: 'accepted' | 'declined' | 'tentative' | 'waitlisted';
  let partySize = answer.partySize;
  let attendees = answer.attendees;
  switch (answer.intent) {
    case 'decline':
      status = 'declined';
      partySize = 0;
      attendees = [];
      break;
    case 'tentative':
      status = 'tentative';
      break;
    case 'accept': {
      // A repeated acceptance without a number keeps the number given before.
      if (partySize === null && (wasAccepted || invitee.status === 'waitlisted')) partySize = invitee.partySize;
      if (attendees.length === 0 && (wasAccepted || invitee.status === 'waitlisted')) attendees = invitee.attendees;
      const fits =
        event.capacity === null || event.acceptedPeopleExcludingInvitee + peopleOf(partySize) <= event.capacity;
      // Someone who already holds a place keeps it; someone on the waiting list keeps their
      // turn (promotion moves them up when places free); a newcomer gets a place if it fits.
      if (wasAccepted) status = 'accepted';
      else if (invitee.status === 'waitlisted') status = 'waitlisted';
      else status = fits ? 'accepted' : 'waitlisted';
      break;
    }
  }

  if (
    status === invitee.status &&
    (partySize ?? null) === (invitee.partySize ?? null) &&
    sameNames(attendees, invitee.attendees)
  ) {
    return { action: 'ignore', reason: 'unchanged' };
  }

  const confirmation: ConfirmationKind =
    status === 'accepted'
      ? 'confirmation-accepted'
      : status === 'declined'
        ? 'confirmation-declined'
        : status === 'tentative'
          ? 'confirmation-tentative'
          : 'waitlisted';
  return {
    action: 'apply',
    status,
    partySize,
    attendees,
    late,
    confirmation,
    cancelCalendar: wasAccepted && status !== 'accepted',
    freedPlaces: wasAccepted && (status !== 'accepted' || peopleOf(partySize) < peopleOf(invitee.partySize)),
  };
}

function sameNames(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

export interface WaitlistEntry {
  id: string;
  partySize: number | null;
  waitlistedAt: Date;
}

/**
 * Who moves up from the waiting list when places free up: in order of arrival, while the next
 * one fits. The first who does not fit blocks those behind (no overtaking by smaller parties).
 */
export function promoteFromWaitlist(waitlist: WaitlistEntry[], acceptedPeople: number, capacity: number | null): string[] {
  const ordered = [...waitlist].sort((a, b) => a.waitlistedAt.getTime() - b.waitlistedAt.getTime() || a.id.localeCompare(b.id));
  const promoted: string[] = [];
  let taken = acceptedPeople;
  for (const entry of ordered) {
    if (capacity !== null && taken + peopleOf(entry.partySize) > capacity) break;
    taken += peopleOf(entry.partySize);
    promoted.push(entry.id);
  }
  return promoted;
}
