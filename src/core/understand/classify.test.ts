import { describe, expect, it } from 'vitest';
import { intentRuleSchema } from '../../config/schema.js';
import { classifyMessage } from './classify.js';
import type { MessageAnatomy } from './types.js';

function anatomy(overrides: Partial<MessageAnatomy> = {}): MessageAnatomy {
  return {
    messageId: 'r1@aanbieder.example',
    from: { address: 'roel.sinke@tragel.example', name: 'Sinke, Roel' },
    replyTo: null,
    to: [],
    cc: [],
    subject: 'RE: UITNODIGING - 26 november consultatiebijeenkomst',
    date: null,
    inReplyTo: null,
    references: [],
    bodyText: '',
    replyText: '',
    signature: null,
    automatic: { autoReply: false, list: false, noReply: false, reasons: [] },
    bounce: null,
    calendar: null,
    forwarded: false,
    problems: [],
    ...overrides,
  };
}

describe('classifyMessage', () => {
  it('takes a delivery report as a bounce, whatever its text says', () => {
    const bounce = { recipients: [{ address: 'a@b.example', action: 'failed', status: '5.1.1', diagnostic: null }], originalMessageId: null, permanent: true };
    const c = classifyMessage(anatomy({ replyText: 'Ik kom graag.', bounce }));
    expect(c).toMatchObject({ kind: 'bounce', intent: null, partySize: null, attendees: [], bounce });
    expect(c.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('takes an automatic reply as auto_reply, even when it sounds like an answer', () => {
    const c = classifyMessage(
      anatomy({
        replyText: 'Ik ben afwezig tot 1 november en kan uw mail niet lezen.',
        automatic: { autoReply: true, list: false, noReply: false, reasons: ['header:auto-submitted=auto-replied'] },
      }),
    );
    expect(c).toMatchObject({ kind: 'auto_reply', intent: null, attendees: [] });
    expect(c.reasons).toEqual(['header:auto-submitted=auto-replied']);
  });

  it.each([
    ['ACCEPTED', 'accept', 1, ['Roel Sinke']],
    ['DECLINED', 'decline', 0, []],
    // Tentative: the one attendee who may come (the corpus labels count them, CONTRACT.md partySize).
    ['TENTATIVE', 'tentative', 1, ['Roel Sinke']],
  ] as const)('reads a calendar reply with PARTSTAT=%s', (partstat, intent, partySize, attendees) => {
    const calendar = { uid: 'evt-1', partstat, attendeeEmail: 'roel.sinke@tragel.example', attendeeName: 'Sinke, Roel', sequence: 0 };
    const c = classifyMessage(anatomy({ calendar, replyText: '' }));
    expect(c).toMatchObject({ kind: 'rsvp', intent, partySize, attendees: [...attendees], calendar });
    expect(c.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('reads the text when a calendar part has no PARTSTAT', () => {
    const calendar = { uid: 'evt-1', partstat: null, attendeeEmail: null, attendeeName: null, sequence: null };
    expect(classifyMessage(anatomy({ calendar, replyText: 'Helaas verhinderd.' })).intent).toBe('decline');
  });

  it('makes an RSVP of the sender\'s text, with party and names', () => {
    const c = classifyMessage(anatomy({ replyText: '  Ik kom met 2 collega\'s.\n' }));
    expect(c).toMatchObject({ kind: 'rsvp', intent: 'accept', partySize: 3, attendees: ['Roel Sinke'], replyText: "Ik kom met 2 collega's." });
    expect(c.reasons[0]).toBe('nl.accept:ik kom');
  });

  it('gives questions, thanks and empty mails kind other', () => {
    for (const replyText of ['Is er parkeergelegenheid?', 'Dank u wel!', '']) {
      expect(classifyMessage(anatomy({ replyText }))).toMatchObject({ kind: 'other', intent: null, partySize: null, attendees: [] });
    }
  });

  it('falls back on a calendar client\'s subject when the body is empty', () => {
    const c = classifyMessage(anatomy({ subject: 'Geaccepteerd: Consultatiebijeenkomst Inkoopstrategie', replyText: '' }));
    expect(c).toMatchObject({ kind: 'rsvp', intent: 'accept', partySize: 1 });
    expect(c.confidence).toBeLessThan(0.9);
  });

  it('does not read "Re: UITNODIGING" in the subject as an answer', () => {
    expect(classifyMessage(anatomy({ replyText: '' })).kind).toBe('other');
  });

  it('records a substitute and counts them instead of the sender', () => {
    const c = classifyMessage(anatomy({ replyText: 'Ik kan niet, maar mijn collega Piet de Vries komt in mijn plaats.' }));
    expect(c).toMatchObject({ kind: 'rsvp', intent: 'accept', partySize: 1, attendees: ['Piet de Vries'], substitute: { name: 'Piet de Vries' } });
  });

  it('adds the admin\'s extra rules from the config to the built-in ones', () => {
    const extra = [
      intentRuleSchema.parse({ id: 'admin.accept:doe mee', pattern: 'doe\\s+mee', effect: 'accept' }),
      intentRuleSchema.parse({ id: 'admin.not:nieuwsbrief', pattern: 'nieuwsbrief', effect: 'not_rsvp' }),
    ];
    expect(classifyMessage(anatomy({ replyText: 'Ik doe mee.' }), { rules: extra })).toMatchObject({ kind: 'rsvp', intent: 'accept' });
    expect(classifyMessage(anatomy({ replyText: 'Ik kom.' }), { rules: extra }).intent).toBe('accept');
    expect(classifyMessage(anatomy({ replyText: 'Ik kom graag op de hoogte via de nieuwsbrief.' }), { rules: extra }).kind).toBe('other');
    expect(classifyMessage(anatomy({ replyText: 'Ik kom.' }), { rules: extra, replaceBuiltIn: true }).kind).toBe('other');
  });

  it('keeps confidence within 0..1', () => {
    const c = classifyMessage(anatomy({ replyText: 'Ik kom. Ik kom graag. Wij zijn aanwezig. Ik ben erbij. Present!' }));
    expect(c.confidence).toBeGreaterThan(0.9);
    expect(c.confidence).toBeLessThanOrEqual(1);
  });
});
