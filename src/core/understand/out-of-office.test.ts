import { describe, expect, it } from 'vitest';
import { outOfOfficeParts } from './out-of-office.js';

describe('outOfOfficeParts recognises a notice by its parts, whatever the wording', () => {
  const notices: Array<[string, string]> = [
    ['days off, back on a date, mail answered', 'Ik geniet van een paar vrije dagen en ben weer bereikbaar op 14 november. Uw mail beantwoord ik daarna.'],
    ['leave until a date, mail not read, a contact', 'Tot 1 februari ben ik met ouderschapsverlof. Mails worden niet gelezen. Neem contact op met inkoop@x.test.'],
    ['English leave, return, message dealt with', 'I am on annual leave, returning on Monday 12 November. Your message will be dealt with on my return.'],
    ['a course this week, the mail picked up next Monday', "I'm on a training course this week and will pick up your email next Monday."],
    ['a desk closed on a day, mail handled later', 'Het secretariaat is op vrijdag niet bezet; uw e-mail wordt maandag in behandeling genomen.'],
    ['limited presence, mail handled next week', 'Deze week ben ik slechts beperkt aanwezig. Uw e-mail handel ik volgende week af.'],
    ['leave, not responding, queries directed elsewhere', 'I am on maternity leave and will not be responding to emails. Please direct any queries to admin@x.test.'],
    ['an address read no more', 'Dit e-mailadres wordt niet meer gelezen. Stuur uw bericht naar info@x.test.'],
    ['no fate of the mail, but absence, period and a deputy', 'I am away until 3 December. For anything urgent please contact my colleague.'],
  ];
  it.each(notices)('%s', (_label, text) => {
    expect(outOfOfficeParts(text)).not.toEqual([]);
  });

  const replies: Array<[string, string]> = [
    ['a decline with a reason and a date', 'Bedankt voor uw mail. Ik ben op 26 november helaas op vakantie.'],
    ['a decline promising to read the minutes', 'Ik ben die week op vakantie, maar lees graag het verslag.'],
    ['a colleague to contact, no absence', 'Voor vragen kunt u contact opnemen met mijn collega.'],
    ['a question about the mail', 'Is mijn mail van vorige week goed aangekomen?'],
  ];
  it.each(replies)('not: %s', (_label, text) => {
    expect(outOfOfficeParts(text)).toEqual([]);
  });
});
