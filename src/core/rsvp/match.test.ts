import { describe, expect, it } from 'vitest';
import { type MatchLookups, type ReplyFacts, eventsNamedBySubject, matchReply, plusAddress, plusToken } from './match.js';

const organiser = 'info@inkoop.example';

function facts(over: Partial<ReplyFacts> = {}): ReplyFacts {
  return { from: 'jan@aanbieder.example', inReplyTo: null, references: [], recipients: [organiser], calendarUid: null, subject: 'Re: iets', ...over };
}

function lookups(over: Partial<MatchLookups> = {}): MatchLookups {
  return {
    threads: new Map(),
    tokens: new Map(),
    calendarEvents: new Map(),
    senderInvitations: [],
    openEvents: [
      { eventId: 'e1', title: "Consultatiebijeenkomst 'Inkoopstrategie Jeugdhulp 2020'", slug: 'consultatie-2018', domains: ['aanbieder.example'] },
      { eventId: 'e2', title: 'Dialoogsessie Wmo 2023', slug: 'dialoog-2023', domains: ['zorg.example', 'aanbieder.example'] },
    ],
    ...over,
  };
}

describe('plus tokens', () => {
  it('reads the token from a plus address of the organiser, case-insensitively', () => {
    expect(plusToken('info+Ab12@INKOOP.example', organiser)).toBe('Ab12');
    expect(plusToken(plusAddress(organiser, 'xyz'), organiser)).toBe('xyz');
  });
  it('ignores other mailboxes and the plain address', () => {
    expect(plusToken('info@inkoop.example', organiser)).toBeNull();
    expect(plusToken('info+abc@elders.example', organiser)).toBeNull();
    expect(plusToken('sales+abc@inkoop.example', organiser)).toBeNull();
  });
});

describe('matching a reply to an event and invitee', () => {
  it('prefers the thread of a mail the service sent', () => {
    const m = matchReply(
      facts({ inReplyTo: 'inv-1@inkoop.example' }),
      lookups({
        threads: new Map([['inv-1@inkoop.example', { eventId: 'e2', inviteeId: 'i9' }]]),
        senderInvitations: [{ eventId: 'e1', inviteeId: 'i1' }, { eventId: 'e2', inviteeId: 'i2' }],
      }),
      organiser,
    );
    expect(m).toEqual({ matched: true, eventId: 'e2', inviteeId: 'i2', method: 'thread' });
  });

  it('a colleague replying in someone else\'s thread matches the event but no invitee', () => {
    const m = matchReply(facts({ references: ['x@y', 'inv-1@inkoop.example'] }), lookups({ threads: new Map([['inv-1@inkoop.example', { eventId: 'e1', inviteeId: 'i9' }]]) }), organiser);
    expect(m).toEqual({ matched: true, eventId: 'e1', inviteeId: null, method: 'thread' });
  });

  it('uses the plus token when the thread headers were lost', () => {
    const m = matchReply(
      facts({ recipients: ['info+tok1@inkoop.example'] }),
      lookups({ tokens: new Map([['tok1', { eventId: 'e1', inviteeId: 'i1' }]]), senderInvitations: [{ eventId: 'e1', inviteeId: 'i1' }] }),
      organiser,
    );
    expect(m).toMatchObject({ matched: true, eventId: 'e1', inviteeId: 'i1', method: 'token' });
  });

  it('matches a calendar reply by its UID', () => {
    const m = matchReply(facts({ calendarUid: 'uid-e2' }), lookups({ calendarEvents: new Map([['uid-e2', 'e2']]) }), organiser);
    expect(m).toMatchObject({ matched: true, eventId: 'e2', method: 'calendar' });
  });

  it('matches the sender\'s only open invitation', () => {
    const m = matchReply(facts(), lookups({ senderInvitations: [{ eventId: 'e2', inviteeId: 'i2' }] }), organiser);
    expect(m).toEqual({ matched: true, eventId: 'e2', inviteeId: 'i2', method: 'sender' });
  });

  it('lets the subject choose between several invitations of the sender, else asks for review', () => {
    const inv = [{ eventId: 'e1', inviteeId: 'i1' }, { eventId: 'e2', inviteeId: 'i2' }];
    expect(matchReply(facts({ subject: 'RE: Dialoogsessie Wmo 2023' }), lookups({ senderInvitations: inv }), organiser)).toMatchObject({ eventId: 'e2', inviteeId: 'i2' });
    expect(matchReply(facts({ subject: 'Aanmelding' }), lookups({ senderInvitations: inv }), organiser)).toEqual({ matched: false, reason: 'ambiguous', candidates: ['e1', 'e2'] });
  });

  it('matches a forwarded invitation by the event named in the subject', () => {
    const m = matchReply(facts({ from: 'piet@gmail.com', subject: "FW: Consultatiebijeenkomst 'Inkoopstrategie Jeugdhulp 2020'" }), lookups(), organiser);
    expect(m).toEqual({ matched: true, eventId: 'e1', inviteeId: null, method: 'subject' });
  });

  it('matches a colleague by organisation domain only when one event fits and never by a public domain', () => {
    expect(matchReply(facts({ from: 'kees@zorg.example' }), lookups(), organiser)).toMatchObject({ matched: true, eventId: 'e2', method: 'domain' });
    expect(matchReply(facts({ from: 'kees@aanbieder.example' }), lookups(), organiser)).toMatchObject({ matched: false, reason: 'ambiguous' });
    const withGmail = lookups({ openEvents: [{ eventId: 'e1', title: 'Bijeenkomst', slug: 'b', domains: ['gmail.com'] }] });
    expect(matchReply(facts({ from: 'x@gmail.com' }), withGmail, organiser)).toEqual({ matched: false, reason: 'unmatched', candidates: [] });
  });

  it('does not take short titles as named by any subject', () => {
    expect(eventsNamedBySubject('Re: Overleg', [{ eventId: 'a', title: 'Overleg', slug: 'overleg-2024', domains: [] }])).toEqual([]);
  });
});
