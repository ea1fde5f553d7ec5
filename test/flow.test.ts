/**
 * The vertical slice on the embedded defaults' adapters (Maildir in, outbox folder out), on
 * SQLite and on PostgreSQL: invitations, replies understood and recorded, one threaded
 * confirmation each, nothing sent to automatic mail, and a second poll that changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInvite } from '../jobs/invite.js';
import { runPoll } from '../jobs/poll.js';
import { listInvitees } from '../src/events/events.js';
import { PROVIDERS } from './support/databases.js';
import { type Harness, createHarness, reply, seedEvent } from './support/harness.js';

const NOW = '2026-11-23T09:00:00Z';

describe.each(PROVIDERS)('poll flow on %s', (provider) => {
  let h: Harness;
  const invitationIds = new Map<string, string>();

  beforeAll(async () => {
    h = await createHarness(provider, { RSVP_NOW: NOW });
    await seedEvent(h.app);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('sends each invitee one invitation with a calendar request, in Dutch', async () => {
    const first = await runInvite(h.app, 'dialoog-2026');
    expect(first.invitations).toBe(4);
    const again = await runInvite(h.app, 'dialoog-2026');
    expect(again.invitations).toBe(0);
    const mails = await h.outbox();
    expect(mails).toHaveLength(4);
    for (const mail of mails) {
      const to = mail.to && !Array.isArray(mail.to) ? mail.to.value[0]!.address! : '';
      invitationIds.set(to, mail.messageId!.replace(/[<>]/g, ''));
      expect(mail.text).toContain('maandag 14 december 2026');
      expect(mail.html).toContain('Dialoogsessie Inkoop Jeugdhulp 2027');
      const calendar = mail.attachments.find((a) => a.contentType.startsWith('text/calendar')) ?? null;
      const ics = calendar ? calendar.content.toString() : '';
      expect(ics).toContain('METHOD:REQUEST');
      expect(ics).toContain('Europe/Amsterdam');
    }
    const list = await listInvitees(h.app.db.prisma, 'dialoog-2026');
    expect(list.map((i) => i.status)).toEqual(['invited', 'invited', 'invited', 'invited']);
  });

  it('records accepts and declines and confirms each once, threaded on the reply', async () => {
    await h.drop(
      '1.roel',
      reply({
        from: '"Sinke, Roel" <roel@zorgpunt.example>',
        messageId: 'roel-1@zorgpunt.example',
        inReplyTo: invitationIds.get('roel@zorgpunt.example')!,
        body: 'Goedemiddag,\r\n\r\nIk kom graag.\r\n\r\nMet vriendelijke groet,\r\nRoel Sinke',
      }),
    );
    await h.drop(
      '2.jan',
      reply({
        from: 'Jan Jansen <jan@walcheren.example>',
        messageId: 'jan-1@walcheren.example',
        inReplyTo: invitationIds.get('jan@walcheren.example')!,
        body: 'Helaas kan ik niet aanwezig zijn.\r\n\r\nGroet,\r\nJan',
      }),
    );
    await h.drop(
      '3.sarah',
      reply({
        from: 'Sarah Maas <sarah@delta.example>',
        messageId: 'sarah-1@delta.example',
        body: 'Thank you, I will attend.\r\n\r\nKind regards,\r\nSarah Maas',
      }),
    );
    await h.drop(
      '4.henk-ooo',
      reply({
        from: 'Henk Bakker <henk@linde.example>',
        messageId: 'henk-ooo@linde.example',
        subject: 'Automatisch antwoord: Uitnodiging',
        headers: ['Auto-Submitted: auto-replied'],
        body: 'Ik ben afwezig tot en met 30 november en lees mijn mail niet.',
      }),
    );
    const before = await h.outbox();
    const summary = await runPoll(h.app);
    expect(summary).toMatchObject({ stored: 4, rsvps: 3, ignored: 1, sent: 3 });

    const list = await listInvitees(h.app.db.prisma, 'dialoog-2026');
    const by = new Map(list.map((i) => [i.email, i]));
    expect(by.get('roel@zorgpunt.example')).toMatchObject({ status: 'accepted', partySize: 1, attendees: ['Roel Sinke'] });
    expect(by.get('jan@walcheren.example')).toMatchObject({ status: 'declined', partySize: 0, attendees: [] });
    expect(by.get('sarah@delta.example')).toMatchObject({ status: 'accepted', partySize: 1 });
    expect(by.get('henk@linde.example')).toMatchObject({ status: 'invited' });

    const sent = await h.outbox(before);
    expect(sent).toHaveLength(3);
    const toOf = (m: (typeof sent)[number]) => (m.to && !Array.isArray(m.to) ? m.to.value[0]!.address : '');
    expect(sent.map(toOf).sort()).toEqual(['jan@walcheren.example', 'roel@zorgpunt.example', 'sarah@delta.example']);
    const roel = sent.find((m) => toOf(m) === 'roel@zorgpunt.example')!;
    expect(roel.inReplyTo).toBe('<roel-1@zorgpunt.example>');
    expect(roel.headers.get('auto-submitted')).toBe('auto-replied');
    expect(roel.text).toBeTruthy();
    expect(roel.html).toBeTruthy();
    expect(roel.attachments.some((a) => a.content.toString().includes('METHOD:REQUEST'))).toBe(true);
    const sarah = sent.find((m) => toOf(m) === 'sarah@delta.example')!;
    expect(sarah.inReplyTo).toBe('<sarah-1@delta.example>');
    expect(sent.some((m) => toOf(m) === 'henk@linde.example')).toBe(false);
  });

  it('a second poll finds nothing and sends nothing', async () => {
    const before = await h.outbox();
    const summary = await runPoll(h.app);
    expect(summary).toMatchObject({ stored: 0, processed: 0, sent: 0 });
    expect(await h.outbox(before)).toEqual([]);
  });

  it('a changed answer gets a new confirmation that withdraws the calendar entry', async () => {
    await h.drop(
      '5.roel-again',
      reply({
        from: '"Sinke, Roel" <roel@zorgpunt.example>',
        messageId: 'roel-2@zorgpunt.example',
        date: 'Mon, 23 Nov 2026 11:00:00 +0100',
        body: 'Excuses, ik moet mij toch afmelden: ik kan niet komen.\r\n\r\nRoel',
      }),
    );
    const before = await h.outbox();
    await runPoll(h.app);
    const list = await listInvitees(h.app.db.prisma, 'dialoog-2026');
    expect(list.find((i) => i.email === 'roel@zorgpunt.example')).toMatchObject({ status: 'declined', partySize: 0 });
    const sent = await h.outbox(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.inReplyTo).toBe('<roel-2@zorgpunt.example>');
    expect(sent[0]!.attachments.some((a) => a.content.toString().includes('METHOD:CANCEL'))).toBe(true);
  });
});
