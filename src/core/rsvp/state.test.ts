import { describe, expect, it } from 'vitest';
import { type Answer, type EventSnapshot, type InviteeSnapshot, decideRsvp, promoteFromWaitlist } from './state.js';

const t = (iso: string) => new Date(iso);
const event: EventSnapshot = {
  endsAt: t('2018-11-26T16:00:00Z'),
  rsvpDeadline: t('2018-11-16T22:59:00Z'),
  capacity: null,
  cancelled: false,
  acceptedPeopleExcludingInvitee: 0,
};
const invited: InviteeSnapshot = { status: 'invited', partySize: null, attendees: [], respondedAt: null };
const answer = (intent: Answer['intent'], statedAt = '2018-10-20T09:00:00Z', partySize: number | null = 1, attendees: string[] = []): Answer => ({
  intent,
  partySize,
  attendees,
  statedAt: t(statedAt),
});
const now = t('2018-10-20T09:05:00Z');

describe('decideRsvp', () => {
  it('accepts, declines and marks tentative from invited', () => {
    expect(decideRsvp(invited, event, answer('accept', undefined, 2, ['Jan Jansen', 'Petra de Boer']), now)).toMatchObject({
      action: 'apply', status: 'accepted', partySize: 2, attendees: ['Jan Jansen', 'Petra de Boer'], late: false, confirmation: 'confirmation-accepted', cancelCalendar: false,
    });
    expect(decideRsvp(invited, event, answer('decline', undefined, 3, ['X']), now)).toMatchObject({
      action: 'apply', status: 'declined', partySize: 0, attendees: [], confirmation: 'confirmation-declined', cancelCalendar: false,
    });
    expect(decideRsvp(invited, event, answer('tentative'), now)).toMatchObject({ action: 'apply', status: 'tentative', confirmation: 'confirmation-tentative' });
  });

  it('lets a later answer change the mind and withdraws the calendar entry on a decline after an acceptance', () => {
    const accepted: InviteeSnapshot = { status: 'accepted', partySize: 2, attendees: ['A', 'B'], respondedAt: t('2018-10-20T09:00:00Z') };
    expect(decideRsvp(accepted, event, answer('decline', '2018-10-25T10:00:00Z'), now)).toMatchObject({
      action: 'apply', status: 'declined', cancelCalendar: true, freedPlaces: true,
    });
  });

  it('ignores an out-of-order older message and an unchanged repeat', () => {
    const accepted: InviteeSnapshot = { status: 'accepted', partySize: 1, attendees: [], respondedAt: t('2018-10-25T10:00:00Z') };
    expect(decideRsvp(accepted, event, answer('decline', '2018-10-21T10:00:00Z'), now)).toEqual({ action: 'ignore', reason: 'older_than_current' });
    expect(decideRsvp(accepted, event, answer('accept', '2018-10-26T10:00:00Z', null), now)).toEqual({ action: 'ignore', reason: 'unchanged' });
  });

  it('treats a new party size as a change that gets its own confirmation', () => {
    const accepted: InviteeSnapshot = { status: 'accepted', partySize: 1, attendees: [], respondedAt: t('2018-10-20T10:00:00Z') };
    expect(decideRsvp(accepted, event, answer('accept', '2018-10-22T10:00:00Z', 3), now)).toMatchObject({ action: 'apply', status: 'accepted', partySize: 3 });
  });

  it('marks an answer after the deadline as late but still records it', () => {
    expect(decideRsvp(invited, event, answer('accept', '2018-11-20T10:00:00Z'), t('2018-11-20T10:01:00Z'))).toMatchObject({ action: 'apply', status: 'accepted', late: true });
  });

  it('sends answers after the event and for a cancelled event to review', () => {
    expect(decideRsvp(invited, event, answer('accept', '2018-11-27T10:00:00Z'), t('2018-11-27T10:00:00Z'))).toEqual({ action: 'review', reason: 'after_event' });
    expect(decideRsvp(invited, { ...event, cancelled: true }, answer('accept'), now)).toEqual({ action: 'review', reason: 'event_cancelled' });
  });

  it('waitlists a newcomer beyond capacity but lets an accepted invitee keep their place', () => {
    const full = { ...event, capacity: 10, acceptedPeopleExcludingInvitee: 9 };
    expect(decideRsvp(invited, full, answer('accept', undefined, 2), now)).toMatchObject({ status: 'waitlisted', confirmation: 'waitlisted' });
    expect(decideRsvp(invited, full, answer('accept', undefined, 1), now)).toMatchObject({ status: 'accepted' });
    const holder: InviteeSnapshot = { status: 'accepted', partySize: 1, attendees: [], respondedAt: t('2018-10-01T00:00:00Z') };
    expect(decideRsvp(holder, full, answer('accept', undefined, 2), now)).toMatchObject({ status: 'accepted', partySize: 2 });
  });

  it('counts an unknown party size as one person against capacity', () => {
    const full = { ...event, capacity: 10, acceptedPeopleExcludingInvitee: 10 };
    expect(decideRsvp(invited, full, answer('accept', undefined, null), now)).toMatchObject({ status: 'waitlisted' });
  });
});

describe('promoteFromWaitlist', () => {
  const w = (id: string, size: number | null, at: string) => ({ id, partySize: size, waitlistedAt: t(at) });
  it('moves up in order of arrival while the next one fits, without overtaking', () => {
    const list = [w('c', 1, '2018-10-03T00:00:00Z'), w('a', 1, '2018-10-01T00:00:00Z'), w('b', 3, '2018-10-02T00:00:00Z')];
    expect(promoteFromWaitlist(list, 8, 10)).toEqual(['a']);
    expect(promoteFromWaitlist(list, 5, 10)).toEqual(['a', 'b', 'c']);
    expect(promoteFromWaitlist(list, 10, 10)).toEqual([]);
  });
  it('promotes everyone when there is no capacity', () => {
    expect(promoteFromWaitlist([w('a', 5, '2018-10-01T00:00:00Z')], 500, null)).toEqual(['a']);
  });
});
