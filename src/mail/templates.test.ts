import { mkdtemp, cp, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  LANGUAGES,
  TEMPLATE_NAMES,
  TemplateError,
  compileMjml,
  createMailRenderer,
  type MailEvent,
  type MjmlCompiler,
  type TemplateData,
  type TemplateName,
} from './templates.js';

const EMAILS = fileURLToPath(new URL('../../emails/', import.meta.url));

const event: MailEvent = {
  title: "Consultatiebijeenkomst 'Inkoopstrategie Jeugdhulp 2020'",
  organiser: 'Inkooporganisatie Jeugdhulp Zeeland',
  startsAt: new Date('2018-11-26T15:00:00+01:00'),
  endsAt: new Date('2018-11-26T17:00:00+01:00'),
  timezone: 'Europe/Amsterdam',
  location: 'De Stenge, Stengeplein 1, Heinkenszand',
  rsvpDeadline: new Date('2018-11-16T23:59:00+01:00'),
  capacity: 120,
};

const samples: { [N in TemplateName]: TemplateData[N] } = {
  invitation: { event, recipientName: 'Jan Jansen', calendarAttached: true },
  confirmation: { event, recipientName: 'Jan Jansen', status: 'accepted', partySize: 2, attendees: ['Jan Jansen', 'Petra de Boer'], calendar: 'request' },
  promoted: { event, recipientName: 'Roel Sinke', partySize: 1, attendees: ['Roel Sinke'], calendarAttached: true },
  'reminder-invitee': { event, recipientName: null },
  'reminder-attendee': { event, recipientName: 'Petra de Boer', partySize: 3, attendees: [] },
  'event-update': {
    event,
    previous: { location: 'Provinciehuis, Middelburg', startsAt: new Date('2018-11-26T14:00:00+01:00') },
    note: 'De zaal is gewijzigd.',
    calendarAttached: true,
  },
  'event-cancelled': { event, reason: 'Te weinig aanmeldingen.', calendarAttached: true },
  digest: {
    event,
    recipientName: 'Coördinator',
    day: '2018-11-20',
    since: new Date('2018-11-19T07:00:00Z'),
    totals: { accepted: 3, declined: 1, tentative: 1, waitlisted: 2, noAnswer: 10, bounced: 1, people: 5 },
    attending: [{ email: 'jan@aanbieder.nl', name: 'Jan Jansen', organisation: 'Aanbieder BV', partySize: 2, attendees: ['Jan Jansen', 'Petra de Boer'] }],
    changes: [{ at: new Date('2018-11-19T10:00:00Z'), email: 'jan@aanbieder.nl', name: 'Jan Jansen', from: 'invited', to: 'accepted', partySize: 2, late: true }],
    reviewItems: [{ at: new Date('2018-11-19T11:00:00Z'), reason: 'low_confidence', email: 'kees@zorg.nl', detail: 'Misschien komt mijn collega' }],
    bounces: [{ at: new Date('2018-11-19T12:00:00Z'), email: 'oud@weg.nl', reason: '550 5.1.1 user unknown' }],
  },
  notice: { organiser: 'Inkooporganisatie Jeugdhulp Zeeland', subject: 'Uw bericht', body: 'Eerste alinea.\n\nTweede alinea.', event },
};

function visibleText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

const renderer = createMailRenderer();

describe('every template in every language', () => {
  for (const name of TEMPLATE_NAMES) {
    for (const language of LANGUAGES) {
      it(`${name} (${language}) renders text and HTML that say the same`, async () => {
        const mail = await renderer.render(name, language, samples[name] as never);
        expect(mail.subject).not.toMatch(/[{}\n]/);
        expect(mail.text).not.toMatch(/\{\{|\}\}/);
        expect(mail.html).not.toMatch(/\{\{|\}\}/);
        expect(mail.html).toContain(`<html lang="${language}"`);
        expect(mail.html).toContain('Inkooporganisatie Jeugdhulp Zeeland');
        // Every word of the text part also appears in the HTML part.
        const html = visibleText(mail.html);
        const words = new Set(mail.text.match(/[\p{L}\d][\p{L}\d'’.-]*[\p{L}\d]/gu) ?? []);
        const missing = [...words].filter((w) => !html.includes(w));
        expect(missing).toEqual([]);
      });
    }
  }

  it('writes the event date the Dutch and the English way', async () => {
    const nl = await renderer.render('invitation', 'nl', samples.invitation);
    const en = await renderer.render('invitation', 'en', samples.invitation);
    expect(nl.subject).toBe("Uitnodiging: Consultatiebijeenkomst 'Inkoopstrategie Jeugdhulp 2020'");
    expect(en.subject).toBe("Invitation: Consultatiebijeenkomst 'Inkoopstrategie Jeugdhulp 2020'");
    expect(nl.text).toContain('maandag 26 november 2018, 15.00–17.00 uur');
    expect(nl.text).toContain('vrijdag 16 november 2018, 23.59 uur');
    expect(en.text).toContain('Monday 26 November 2018, 15:00–17:00');
    expect(nl.text).toContain('Geachte Jan Jansen,');
    expect(nl.text).toMatch(/\n-- \n/);
  });

  it('greets an unnamed addressee formally', async () => {
    const mail = await renderer.render('reminder-invitee', 'nl', samples['reminder-invitee']);
    expect(mail.text.startsWith('Geachte heer, mevrouw,\n')).toBe(true);
    expect(mail.subject).toBe("Herinnering: uitnodiging Consultatiebijeenkomst 'Inkoopstrategie Jeugdhulp 2020'");
  });
});

describe('language files', () => {
  it('nl and en have the same keys', async () => {
    const keys = (o: unknown, prefix = ''): string[] =>
      Object.entries(o as Record<string, unknown>).flatMap(([k, v]) =>
        v !== null && typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
      );
    const nl = JSON.parse(await readFile(join(EMAILS, 'i18n', 'nl.json'), 'utf8'));
    const en = JSON.parse(await readFile(join(EMAILS, 'i18n', 'en.json'), 'utf8'));
    expect(keys(nl).sort()).toEqual(keys(en).sort());
    expect(keys(nl).length).toBeGreaterThan(50);
  });
});

describe('confirmation', () => {
  const base = samples.confirmation;

  it('repeats what was understood and says how to change it', async () => {
    const mail = await renderer.render('confirmation', 'nl', base);
    expect(mail.subject).toBe("Bevestiging aanmelding: Consultatiebijeenkomst 'Inkoopstrategie Jeugdhulp 2020'");
    expect(mail.text).toContain('Uw reactie: aangemeld');
    expect(mail.text).toContain('Aantal personen: 2 personen');
    expect(mail.text).toContain('Namen: Jan Jansen en Petra de Boer');
    expect(mail.text).toContain('Beantwoord dan deze e-mail');
    expect(mail.text).toContain('agenda-uitnodiging');
    expect(mail.text).not.toContain('uiterste reactiedatum');
  });

  it.each([
    ['declined', 'Bevestiging afmelding', 'Uw reactie: afgemeld', 'Cancellation confirmed', 'Your reply: not attending'],
    ['tentative', 'Reactie ontvangen', 'Uw reactie: misschien', 'Reply received', 'Your reply: maybe'],
    ['waitlisted', 'Wachtlijst', 'Uw reactie: op de wachtlijst', 'Waiting list', 'Your reply: on the waiting list'],
  ] as const)('%s has its own subject and wording in both languages', async (status, nlSubject, nlLine, enSubject, enLine) => {
    const data = { ...base, status, calendar: null };
    const nl = await renderer.render('confirmation', 'nl', data);
    const en = await renderer.render('confirmation', 'en', data);
    expect(nl.subject.startsWith(`${nlSubject}: `)).toBe(true);
    expect(en.subject.startsWith(`${enSubject}: `)).toBe(true);
    expect(nl.text).toContain(nlLine);
    expect(en.text).toContain(enLine);
    expect(nl.text).not.toContain('agenda-uitnodiging');
  });

  it('a decline shows no party size or names, and mentions the calendar cancellation when one goes with it', async () => {
    const mail = await renderer.render('confirmation', 'nl', { ...base, status: 'declined', partySize: 0, attendees: [], calendar: 'cancel' });
    expect(mail.text).not.toContain('Aantal personen');
    expect(mail.text).not.toContain('Namen:');
    expect(mail.text).toContain('agenda-annulering');
  });

  it('says so when the answer came after the deadline', async () => {
    const nl = await renderer.render('confirmation', 'nl', { ...base, late: true });
    const en = await renderer.render('confirmation', 'en', { ...base, late: true });
    expect(nl.text).toContain('na de uiterste reactiedatum (vrijdag 16 november 2018, 23.59 uur)');
    expect(en.text).toContain('after the reply deadline (Friday 16 November 2018, 23:59)');
    expect(nl.html).toContain('class="note"');
  });

  it('handles an unknown party size and a single person', async () => {
    const unknown = await renderer.render('confirmation', 'en', { ...base, partySize: null, attendees: [] });
    expect(unknown.text).toContain('Number of people: not stated');
    const one = await renderer.render('confirmation', 'nl', { ...base, partySize: 1, attendees: ['Roel Sinke'] });
    expect(one.text).toContain('Aantal personen: 1 persoon\n');
  });
});

describe('escaping', () => {
  const hostile = '<script>alert("x")</script> & Co';

  it('escapes every piece of user data in HTML and keeps it readable in text', async () => {
    const mail = await renderer.render('confirmation', 'nl', {
      ...samples.confirmation,
      event: { ...event, title: hostile, location: hostile },
      recipientName: hostile,
      attendees: [hostile],
    });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(mail.text).toContain(`Geachte ${hostile},`);
    expect(mail.subject).toBe(`Bevestiging aanmelding: ${hostile}`);
  });

  it('keeps a title with line breaks on one subject line', async () => {
    const mail = await renderer.render('invitation', 'en', { ...samples.invitation, event: { ...event, title: 'A\r\nBcc: x@y.z' } });
    expect(mail.subject).toBe('Invitation: A Bcc: x@y.z');
  });

  it('escapes free text in digests and notices', async () => {
    const digest = await renderer.render('digest', 'en', {
      ...samples.digest,
      reviewItems: [{ at: new Date('2018-11-19T11:00:00Z'), reason: 'weird<code>', email: 'a@b.nl', detail: '<img src=x onerror=alert(1)>' }],
    });
    expect(digest.html).not.toContain('<img src=x');
    expect(digest.html).toContain('weird&lt;code&gt;');
    const notice = await renderer.render('notice', 'nl', { ...samples.notice, body: '<b>vet</b>' });
    expect(notice.html).toContain('&lt;b&gt;vet&lt;/b&gt;');
  });
});

describe('digest', () => {
  it('shows totals, changes, review items and bounces', async () => {
    const mail = await renderer.render('digest', 'nl', samples.digest);
    expect(mail.subject).toBe("Overzicht aanmeldingen: Consultatiebijeenkomst 'Inkoopstrategie Jeugdhulp 2020' (2018-11-20)");
    expect(mail.text).toContain('dinsdag 20 november 2018');
    expect(mail.text).toContain('Aangemeld: 3');
    expect(mail.text).toContain('Geen reactie: 10');
    expect(mail.text).toContain('Personen aanwezig: 5 / 120');
    expect(mail.text).toContain('Wijzigingen sinds maandag 19 november 2018, 08.00 uur');
    expect(mail.text).toContain('Jan Jansen <jan@aanbieder.nl>, uitgenodigd, nog geen reactie → aangemeld (2 personen) (na de reactiedatum)');
    expect(mail.text).toContain('Ter beoordeling (1)');
    expect(mail.text).toContain('kees@zorg.nl, reactie niet zeker begrepen');
    expect(mail.text).toContain('oud@weg.nl, 550 5.1.1 user unknown');
    expect(mail.text).toContain('Jan Jansen <jan@aanbieder.nl> (Aanbieder BV): 2 personen, Jan Jansen en Petra de Boer');
  });

  it('says so when a section is empty', async () => {
    const mail = await renderer.render('digest', 'en', { ...samples.digest, since: null, changes: [], reviewItems: [], bounces: [], attending: [] });
    expect(mail.text).toContain('Changes since the previous overview\n  No changes.');
    expect(mail.text).toContain('No messages are waiting for review.');
    expect(mail.text).toContain('Nobody has registered yet.');
    expect(mail.text).not.toContain('handle them by hand');
  });
});

describe('event update', () => {
  it('lists what changed, old and new', async () => {
    const mail = await renderer.render('event-update', 'nl', samples['event-update']);
    expect(mail.subject).toBe("Gewijzigd: Consultatiebijeenkomst 'Inkoopstrategie Jeugdhulp 2020'");
    expect(mail.text).toContain('- Datum en tijd: maandag 26 november 2018, 15.00–17.00 uur (was: maandag 26 november 2018, 14.00–17.00 uur)');
    expect(mail.text).toContain('- Locatie: De Stenge, Stengeplein 1, Heinkenszand (was: Provinciehuis, Middelburg)');
    expect(mail.text).not.toContain('Titel:');
  });
});

describe('compilation', () => {
  it('compiles each template once per process, however many mails are rendered', async () => {
    const compiled: string[] = [];
    const counting: MjmlCompiler = (source, options) => {
      compiled.push(options.filePath);
      return compileMjml(source, options);
    };
    const r = createMailRenderer({ compile: counting });
    const used: TemplateName[] = ['confirmation', 'invitation', 'reminder-attendee'];
    const renders: Promise<unknown>[] = [];
    for (let i = 0; i < 100; i++) {
      const name = used[i % used.length]!;
      renders.push(r.render(name, i % 2 ? 'nl' : 'en', { ...(samples[name] as object), recipientName: `Persoon ${i}` } as never));
    }
    const mails = (await Promise.all(renders)) as Array<{ text: string }>;
    expect(mails[42]!.text).toContain('Persoon 42');
    expect(compiled).toHaveLength(used.length);
    expect(new Set(compiled).size).toBe(used.length);
  });

  it('throws MJML validation errors instead of sending a broken layout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emails-'));
    await cp(EMAILS, dir, { recursive: true });
    // mj-text directly in mj-section is invalid MJML.
    await writeFile(join(dir, 'notice.mjml'), '<mjml><mj-body><mj-section><mj-text>{{subject}}</mj-text></mj-section></mj-body></mjml>');
    const r = createMailRenderer({ dir });
    await expect(r.render('notice', 'nl', samples.notice)).rejects.toThrow(TemplateError);
    await expect(r.render('notice', 'nl', samples.notice)).rejects.toThrow(/mj-text/);
    // Other templates are unaffected.
    await expect(r.render('invitation', 'nl', samples.invitation)).resolves.toHaveProperty('subject');
  });

  it('treats errors a compiler reports without throwing as failures too', async () => {
    const soft: MjmlCompiler = async () => ({ html: '<html></html>', errors: [{ message: 'unknown attribute "colour"' }] });
    const r = createMailRenderer({ compile: soft });
    await expect(r.render('invitation', 'nl', samples.invitation)).rejects.toThrow(/colour/);
  });

  it('rejects an unknown template or language', async () => {
    await expect(renderer.render('nope' as TemplateName, 'nl', samples.notice as never)).rejects.toThrow(/no template/);
    await expect(renderer.render('notice', 'fr' as 'nl', samples.notice)).rejects.toThrow(/no language/);
  });
});

describe('an event without an RSVP deadline', () => {
  it('asks for an answer without naming a date', async () => {
    const open = { ...event, rsvpDeadline: null };
    for (const language of LANGUAGES) {
      const invitation = await renderer.render('invitation', language, { event: open });
      const reminder = await renderer.render('reminder-invitee', language, { event: open });
      for (const mail of [invitation, reminder]) {
        expect(mail.text).not.toMatch(/uiterlijk|by\s+whether|vóór|reply by/);
        expect(mail.text).toMatch(/laten weten of u aanwezig|let us know whether you will attend/);
      }
    }
  });

  it('names the deadline once in an invitation that has one', async () => {
    const mail = await renderer.render('invitation', 'nl', samples.invitation);
    expect(mail.text.split('vrijdag 16 november 2018, 23.59 uur').length - 1).toBe(1);
  });
});
