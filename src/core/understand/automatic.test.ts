import { describe, expect, it } from 'vitest';
import { detectAutomatic, isNoReplyAddress } from './automatic.js';

const h = (entries: Record<string, string>) =>
  new Map(Object.entries(entries).map(([k, v]) => [k.toLowerCase(), [v]] as const));

describe('detectAutomatic: headers', () => {
  const cases: Array<[string, Record<string, string>, 'autoReply' | 'list' | 'noReply' | null]> = [
    ['Auto-Submitted: auto-replied (RFC 3834)', { 'Auto-Submitted': 'auto-replied' }, 'autoReply'],
    ['Auto-Submitted: auto-generated', { 'Auto-Submitted': 'auto-generated' }, 'autoReply'],
    ['Auto-Submitted with a comment', { 'Auto-Submitted': 'auto-replied; owner-email="x@y"' }, 'autoReply'],
    ['Auto-Submitted: no is a human', { 'Auto-Submitted': 'no' }, null],
    ['X-Autoreply', { 'X-Autoreply': 'yes' }, 'autoReply'],
    ['X-Autorespond', { 'X-Autorespond': 'Out of office' }, 'autoReply'],
    ['X-Auto-Reply', { 'X-Auto-Reply': 'true' }, 'autoReply'],
    ['Precedence: auto_reply', { Precedence: 'auto_reply' }, 'autoReply'],
    ['Precedence: bulk', { Precedence: 'bulk' }, 'list'],
    ['Precedence: junk', { Precedence: 'junk' }, 'list'],
    ['Precedence: list', { Precedence: 'list' }, 'list'],
    ['List-Id (RFC 2919)', { 'List-Id': '<x.lists.example>' }, 'list'],
    ['List-Unsubscribe (RFC 2369)', { 'List-Unsubscribe': '<mailto:u@x>' }, 'list'],
    ['List-Post', { 'List-Post': '<mailto:l@x>' }, 'list'],
    ['X-Auto-Response-Suppress alone is NOT automatic (Exchange sets it on normal mail)', { 'X-Auto-Response-Suppress': 'All' }, null],
    ['null Return-Path', { 'Return-Path': '<>' }, 'noReply'],
  ];
  it.each(cases)('%s', (_label, headers, flag) => {
    const info = detectAutomatic(h(headers), 'Re: Uitnodiging', 'Ik kom.', 'jan@x.test');
    const set = (['autoReply', 'list', 'noReply'] as const).filter((k) => info[k]);
    expect(set).toEqual(flag ? [flag] : []);
    if (flag) expect(info.reasons.length).toBeGreaterThan(0);
  });
});

describe('detectAutomatic: subjects', () => {
  const auto = [
    'Automatisch antwoord: Uitnodiging',
    'Afwezig: Uitnodiging',
    'Out of Office: Invitation',
    'Autoreply: Uitnodiging',
    'Auto-Reply: x',
    'Automatic reply: Invitation',
    'Niet aanwezig',
    'Abwesenheitsnotiz: Einladung',
    'Re: Uitnodiging [Out of Office]',
  ];
  it.each(auto)('%s', (subject) => {
    expect(detectAutomatic(new Map(), subject, '', 'a@b.test').autoReply).toBe(true);
  });
  const human = ['Re: Uitnodiging', 'Aanmelding consultatie', 'RE: Afwezigheid collega, wie komt er?'];
  it.each(human)('not: %s', (subject) => {
    expect(detectAutomatic(new Map(), subject, 'Ik kom.', 'a@b.test').autoReply).toBe(false);
  });
});

describe('detectAutomatic: out-of-office from the body alone', () => {
  const ooo: Array<[string, string]> = [
    ['Ik ben afwezig tot en met 29 oktober.', 'nl-out-of-office-until'],
    ['Ik ben van 12 tot en met 29 oktober met vakantie.', 'nl-out-of-office-until'],
    ['Tot en met vrijdag ben ik met verlof.', 'nl-out-of-office-until'],
    ['Tijdens mijn afwezigheid kunt u bellen met Karin.', 'nl-during-absence'],
    ['Ik ben maandag weer aanwezig.', 'nl-back-on'],
    ['I am out of the office until Monday 22 October.', 'en-out-of-office-until'],
    ['I am currently out of the office.', 'en-out-of-office'],
    ['Thank you, I have limited access to email.', 'en-limited-access'],
    ['Ich bin bis 22.10. nicht im Büro.', 'de-out-of-office'],
  ];
  it.each(ooo)('%s', (body, label) => {
    const info = detectAutomatic(new Map(), 'Re: x', body, 'a@b.test');
    expect(info.autoReply).toBe(true);
    expect(info.reasons).toContain(`body:${label}`);
  });
  const human = [
    'Ik ben helaas afwezig op 26 november, dus ik kom niet.',
    'Ik ben tot en met 30 november met vakantie, dus ik kan niet naar de bijeenkomst komen.',
    'Ik ben afwezig tot en met 29 oktober.\n\nOp 15 okt. schreef Inkoop:\n> Komt u?',
    'Ik kom graag.',
  ];
  it.each(human)('not: %s', (body) => {
    expect(detectAutomatic(new Map(), 'Re: x', body, 'a@b.test').autoReply).toBe(false);
  });
});

describe('no-reply senders', () => {
  it.each(['noreply@x.nl', 'no-reply@x.nl', 'no_reply@x.nl', 'donotreply@x.nl', 'do-not-reply@x.nl', 'MAILER-DAEMON@x.nl', 'postmaster@x.nl', 'noreply+abc@x.nl'])(
    '%s',
    (addr) => {
      expect(isNoReplyAddress(addr)).toBe(true);
      expect(detectAutomatic(new Map(), 'x', '', addr).noReply).toBe(true);
    },
  );
  it.each(['jan@x.nl', 'replyall@x.nl', 'noreen@x.nl', 'postmasters-team@x.nl'])('not %s', (addr) => {
    expect(isNoReplyAddress(addr)).toBe(false);
  });
  it('reads the sender from the From header when not given', () => {
    expect(detectAutomatic(h({ From: 'Systeem <noreply@x.nl>' }), 'x', '').noReply).toBe(true);
  });
});

describe('detectAutomatic: out-of-office text without any header', () => {
  it.each([
    ['Ik ben tot 20 november niet aanwezig. Bij spoed kunt u bellen met 0113-123456.', true],
    ['Ik ben met zwangerschapsverlof tot 1 februari. Uw bericht wordt niet gelezen.', true],
    ['Ik ben afwezig tot en met 23 november. Ik kom zo spoedig mogelijk bij u terug.', true],
    ['Ik werk niet op vrijdag. Ik kom maandag op uw bericht terug.', true],
    ['I am attending a conference until 14 November and will respond on my return.', true],
    ['I am away until 20 November and will attend to your message when I return.', true],
    ['Dit is een automatisch antwoord. Wij hebben uw bericht ontvangen.', true],
    // People answering: a reason for not coming, or coming after a holiday.
    ['Helaas, ik werk niet op maandag.', false],
    ['Ik ben op 26 november afwezig.', false],
    ['Ik ben tot 20 november op vakantie en kom daarna graag naar de bijeenkomst.', false],
    ['Ik ben die week beperkt bereikbaar, maar ik kom graag.', false],
  ] as const)('%s → %s', (body, autoReply) => {
    expect(detectAutomatic(h({}), 'Re: Uitnodiging', body, 'jan@x.test').autoReply).toBe(autoReply);
  });

  it('reads "Away:" and "Afwezigheid" subjects as automatic', () => {
    expect(detectAutomatic(h({}), 'Away: Uitnodiging', 'Back on Monday.', 'jan@x.test').autoReply).toBe(true);
    expect(detectAutomatic(h({}), 'Afwezigheid: Uitnodiging', 'Afwezig.', 'jan@x.test').autoReply).toBe(true);
  });
});
