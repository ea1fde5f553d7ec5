/**
 * The RSVP lifecycle through poll, on SQLite and PostgreSQL: capacity and the waiting list,
 * promotion, late answers, answers after the event, several events at once, substitutes, forwarded
 * invitations, calendar replies, bounces, reminders, event updates and cancellations, retention,
 * and what goes to review instead of being acted on. Every scenario runs twice on each database:
 * with the replies delivered into the Maildir, and appended to a fresh mailbox of the private
 * Dovecot and read over IMAP.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { runInvite } from '../jobs/invite.js';
import { runPoll } from '../jobs/poll.js';
import { runRetention } from '../jobs/retention.js';
import { runRemind } from '../jobs/remind.js';
import { runEventCancel, runEventUpdate } from '../jobs/event-change.js';
import { importEvent } from '../src/events/events.js';
import { parseEventFile } from '../src/core/event-file.js';
import { listInvitees } from '../src/events/events.js';
import { listReview, resolveReview } from '../src/review/review.js';
import { PROVIDERS } from './support/databases.js';
import { imapUrlOf } from './support/dovecot.js';
import { EVENT_YAML, type Harness, type MailSource, ORGANISER, createHarness, reply, seedEvent } from './support/harness.js';

const NOW = '2026-11-23T09:00:00Z';

function toOf(mail: { to?: unknown }): string {
  const to = mail.to as { value: { address: string }[] } | undefined;
  return to?.value[0]?.address ?? '';
}

/** A delivery failure report (RFC 3464) for one of our invitations, as Postfix sends it. */
function bounceOf(address: string, invitationMessageId: string): string {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.inkoop.example>',
    `To: ${ORGANISER}`,
    'Subject: Undelivered Mail Returned to Sender',
    'Date: Mon, 23 Nov 2026 09:31:00 +0100',
    `Message-ID: <dsn-${address.replace(/\W/g, '')}@mx.inkoop.example>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered.',
    '--b',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.inkoop.example',
    '',
    `Final-Recipient: rfc822; ${address}`,
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 No such user',
    '--b',
    'Content-Type: text/rfc822-headers',
    '',
    `Message-ID: <${invitationMessageId}>`,
    `To: ${address}`,
    '--b--',
    '',
  ].join('\r\n');
}

const VARIANTS = (['maildir', 'imap'] as MailSource[]).flatMap((source) => PROVIDERS.map((provider) => ({ provider, source })));

describe.each(VARIANTS)('RSVP lifecycle on $provider, replies through $source', ({ provider, source }) => {
  let h: Harness;
  const invitation = new Map<string, string>();

  beforeEach(async () => {
    // A fresh Dovecot mailbox per test: the fresh database starts reading it from its first UID.
    const imapUrl = source === 'imap' ? imapUrlOf(inject('dovecot'), undefined, `lifecycle-${randomBytes(5).toString('hex')}`) : undefined;
    h = await createHarness(provider, { RSVP_NOW: NOW }, imapUrl ? { imapUrl } : {});
    await seedEvent(h.app);
    await runInvite(h.app, 'dialoog-2026');
    invitation.clear();
    for (const m of await h.app.db.prisma.outboundMail.findMany({ where: { kind: 'invitation' } })) invitation.set(m.toAddress, m.messageId);
  });
  afterEach(async () => {
    await h?.close();
  });

  const status = async (email: string) => (await listInvitees(h.app.db.prisma, 'dialoog-2026')).find((i) => i.email === email);

  it('waitlists beyond capacity and promotes in arrival order when a place frees, with a mail', async () => {
    // Capacity 4: Roel comes with three, Jan with two (does not fit), Sarah alone (fits? 4+1 > 4: no).
    await h.drop('1', reply({ from: 'Roel Sinke <roel@zorgpunt.example>', date: 'Mon, 23 Nov 2026 08:00:00 +0100', inReplyTo: invitation.get('roel@zorgpunt.example'), body: 'Wij komen met vier personen.' }));
    await h.drop('2', reply({ from: 'Jan Jansen <jan@walcheren.example>', date: 'Mon, 23 Nov 2026 08:10:00 +0100', inReplyTo: invitation.get('jan@walcheren.example'), body: 'Ik kom graag, met een collega: wij komen met twee personen.' }));
    await h.drop('3', reply({ from: 'Sarah Maas <sarah@delta.example>', date: 'Mon, 23 Nov 2026 08:20:00 +0100', inReplyTo: invitation.get('sarah@delta.example'), body: 'I will attend.' }));
    await runPoll(h.app);
    expect(await status('roel@zorgpunt.example')).toMatchObject({ status: 'accepted', partySize: 4 });
    expect(await status('jan@walcheren.example')).toMatchObject({ status: 'waitlisted', partySize: 2 });
    expect(await status('sarah@delta.example')).toMatchObject({ status: 'waitlisted', partySize: 1 });

    const before = await h.outbox();
    await h.drop('4', reply({ from: 'Roel Sinke <roel@zorgpunt.example>', date: 'Mon, 23 Nov 2026 09:30:00 +0100', body: 'Helaas kunnen wij toch niet komen.' }));
    await h.reopen({ RSVP_NOW: '2026-11-23T10:00:00Z' });
    await runPoll(h.app);
    expect(await status('roel@zorgpunt.example')).toMatchObject({ status: 'declined', partySize: 0 });
    // Jan arrived first and fits (2 of 4); Sarah behind him fits too (3 of 4).
    expect(await status('jan@walcheren.example')).toMatchObject({ status: 'accepted', partySize: 2 });
    expect(await status('sarah@delta.example')).toMatchObject({ status: 'accepted', partySize: 1 });
    const sent = await h.outbox(before);
    expect(sent.map(toOf).sort()).toEqual(['jan@walcheren.example', 'roel@zorgpunt.example', 'sarah@delta.example']);
    const promoted = sent.find((m) => toOf(m) === 'jan@walcheren.example')!;
    expect(promoted.attachments.some((a) => a.content.toString().includes('METHOD:REQUEST'))).toBe(true);
    const history = await h.app.db.prisma.rsvp.findMany({ where: { invitee: { email: 'jan@walcheren.example' } }, orderBy: { recordedAt: 'asc' } });
    expect(history.map((r) => [r.fromStatus, r.toStatus, r.source])).toEqual([
      ['invited', 'waitlisted', 'email'],
      ['waitlisted', 'accepted', 'promotion'],
    ]);
  });

  it('an older message that arrives later changes nothing', async () => {
    await h.drop('1', reply({ from: 'Roel Sinke <roel@zorgpunt.example>', date: 'Mon, 23 Nov 2026 09:00:00 +0100', body: 'Ik kom niet, helaas.' }));
    await runPoll(h.app);
    await h.drop('2', reply({ from: 'Roel Sinke <roel@zorgpunt.example>', date: 'Sun, 22 Nov 2026 09:00:00 +0100', body: 'Ik kom graag.' }));
    const before = await h.outbox();
    const summary = await runPoll(h.app);
    expect(summary).toMatchObject({ processed: 1, ignored: 1, sent: 0 });
    expect(await status('roel@zorgpunt.example')).toMatchObject({ status: 'declined' });
    expect(await h.outbox(before)).toEqual([]);
  });

  it('accepts a late answer, marks it late, and sends answers after the event to review', async () => {
    await h.reopen({ RSVP_NOW: '2026-12-10T09:00:00Z' });
    await h.drop('late', reply({ from: 'Sarah Maas <sarah@delta.example>', date: 'Thu, 10 Dec 2026 09:00:00 +0100', body: 'Sorry for the late reply: I will attend.' }));
    await runPoll(h.app);
    expect(await status('sarah@delta.example')).toMatchObject({ status: 'accepted' });
    const sarah = await h.app.db.prisma.invitee.findFirstOrThrow({ where: { email: 'sarah@delta.example' } });
    expect(sarah.late).toBe(true);

    await h.reopen({ RSVP_NOW: '2026-12-15T09:00:00Z' });
    await h.drop('after', reply({ from: 'Jan Jansen <jan@walcheren.example>', inReplyTo: invitation.get('jan@walcheren.example'), date: 'Tue, 15 Dec 2026 09:00:00 +0100', body: 'Ik kom graag.' }));
    const before = await h.outbox();
    await runPoll(h.app);
    expect(await status('jan@walcheren.example')).toMatchObject({ status: 'invited' });
    expect(await h.outbox(before)).toEqual([]);
    const review = await h.app.db.prisma.reviewItem.findMany({ where: { state: 'open' } });
    expect(review.map((r) => r.reason)).toEqual(['after_event']);
  });

  it('records a substitute as the one who comes, and confirms to the invitee who wrote', async () => {
    await h.drop('sub', reply({
      from: 'Jan Jansen <jan@walcheren.example>',
      inReplyTo: invitation.get('jan@walcheren.example'),
      body: 'Ik kan helaas niet, maar mijn collega Piet de Vries komt in mijn plaats.\r\n\r\nMet vriendelijke groet,\r\nJan Jansen',
    }));
    const before = await h.outbox();
    await runPoll(h.app);
    expect(await status('jan@walcheren.example')).toMatchObject({ status: 'accepted', partySize: 1, attendees: ['Piet de Vries'] });
    const sent = await h.outbox(before);
    expect(sent.map(toOf)).toEqual(['jan@walcheren.example']);
    expect(sent[0]!.text).toContain('Piet de Vries');
  });

  it('puts a forwarded invitation\'s respondent on the list, linked to the organisation', async () => {
    await h.drop('fw', reply({ from: 'Kees de Wit <kees@zorgpunt.example>', subject: 'FW: Dialoogsessie Inkoop Jeugdhulp 2027', body: 'Ik meld mij graag aan.\r\n\r\nMet vriendelijke groet,\r\nKees de Wit' }));
    await runPoll(h.app);
    expect(await status('kees@zorgpunt.example')).toMatchObject({ status: 'accepted', name: 'Kees de Wit', organisation: 'Zorgpunt', partySize: 1 });
    const kees = await h.app.db.prisma.invitee.findFirstOrThrow({ where: { email: 'kees@zorgpunt.example' } });
    expect(kees.origin).toBe('forwarded');
  });

  it('lands each reply on the right one of several events for the same person', async () => {
    const second = EVENT_YAML.replace('slug: dialoog-2026', 'slug: vervolg-2027')
      .replace('Dialoogsessie Inkoop Jeugdhulp 2027', 'Vervolgsessie Inkoop Jeugdhulp 2027')
      .replace('2026-12-14T14:00:00+01:00', '2027-01-18T14:00:00+01:00')
      .replace('2026-12-14T16:30:00+01:00', '2027-01-18T16:30:00+01:00')
      .replace('2026-12-04T23:59:00+01:00', '2027-01-08T23:59:00+01:00');
    await seedEvent(h.app, second);
    await runInvite(h.app, 'vervolg-2027');
    const secondInvitation = await h.app.db.prisma.outboundMail.findFirstOrThrow({
      where: { kind: 'invitation', toAddress: 'roel@zorgpunt.example', event: { slug: 'vervolg-2027' } },
    });
    await h.drop('a', reply({ from: 'Roel Sinke <roel@zorgpunt.example>', inReplyTo: secondInvitation.messageId, body: 'Ik kom graag.' }));
    await h.drop('b', reply({ from: 'Roel Sinke <roel@zorgpunt.example>', inReplyTo: invitation.get('roel@zorgpunt.example'), date: 'Mon, 23 Nov 2026 10:05:00 +0100', body: 'Helaas kan ik niet.' }));
    await h.drop('c', reply({ from: 'Roel Sinke <roel@zorgpunt.example>', subject: 'Aanmelding', date: 'Mon, 23 Nov 2026 10:10:00 +0100', body: 'Ik kom.' }));
    await runPoll(h.app);
    expect(await status('roel@zorgpunt.example')).toMatchObject({ status: 'declined' });
    const onSecond = (await listInvitees(h.app.db.prisma, 'vervolg-2027')).find((i) => i.email === 'roel@zorgpunt.example');
    expect(onSecond).toMatchObject({ status: 'accepted' });
    // The third names neither event: the coordinator decides.
    const review = await h.app.db.prisma.reviewItem.findMany({ include: { message: true } });
    expect(review.map((r) => [r.reason, r.message?.subject])).toEqual([['unmatched', 'Aanmelding']]);
  });

  it('understands a calendar reply, and a bounce marks the invitee and stops mail to the address', async () => {
    const event = await h.app.db.prisma.event.findUniqueOrThrow({ where: { slug: 'dialoog-2026' } });
    await h.drop(
      'cal',
      [
        'From: Sarah Maas <sarah@delta.example>',
        `To: ${ORGANISER}`,
        'Subject: Accepted: Dialoogsessie Inkoop Jeugdhulp 2027',
        'Date: Mon, 23 Nov 2026 09:30:00 +0100',
        'Message-ID: <cal-1@delta.example>',
        'MIME-Version: 1.0',
        'Content-Type: text/calendar; method=REPLY; charset=utf-8',
        '',
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'METHOD:REPLY',
        'BEGIN:VEVENT',
        `UID:${event.icalUid}`,
        'DTSTAMP:20261123T083000Z',
        'ATTENDEE;PARTSTAT=ACCEPTED;CN=Sarah Maas:mailto:sarah@delta.example',
        'END:VEVENT',
        'END:VCALENDAR',
        '',
      ].join('\r\n'),
    );
    await h.drop('dsn', bounceOf('henk@linde.example', invitation.get('henk@linde.example')!));
    const before = await h.outbox();
    await runPoll(h.app);
    expect(await status('sarah@delta.example')).toMatchObject({ status: 'accepted', partySize: 1 });
    expect(await status('henk@linde.example')).toMatchObject({ status: 'bounced' });
    const sent = await h.outbox(before);
    expect(sent.map(toOf)).toEqual(['sarah@delta.example']);
    expect(await h.app.db.prisma.suppression.findUnique({ where: { email: 'henk@linde.example' } })).not.toBeNull();
  });

  it('sends unclear answers and questions to review, answers neither, and acts on what the coordinator decides', async () => {
    await h.drop('q', reply({ from: 'Jan Jansen <jan@walcheren.example>', inReplyTo: invitation.get('jan@walcheren.example'), body: 'Is er parkeergelegenheid bij het stadhuis?' }));
    await h.drop('u', reply({ from: 'Roel Sinke <roel@zorgpunt.example>', inReplyTo: invitation.get('roel@zorgpunt.example'), body: 'Ik kom misschien wel, maar ik weet het nog niet; kan ik ook online meedoen?' }));
    const before = await h.outbox();
    const summary = await runPoll(h.app);
    expect(summary).toMatchObject({ processed: 2, review: 2, sent: 0 });
    expect(await h.outbox(before)).toEqual([]);
    expect(await status('jan@walcheren.example')).toMatchObject({ status: 'invited' });

    // The coordinator decides: Roel comes with two; Jan's question needs no RSVP.
    const queue = await listReview(h.app);
    expect(queue.map((r) => [r.reason, r.from]).sort()).toEqual([
      ['low_confidence', 'roel@zorgpunt.example'],
      ['question', 'jan@walcheren.example'],
    ]);
    const unclear = queue.find((r) => r.reason === 'low_confidence')!;
    const question = queue.find((r) => r.reason === 'question')!;
    expect(unclear.replyText).toContain('online meedoen');
    await resolveReview(h.app, unclear.id, { as: 'accept', size: 2, names: ['Roel Sinke', 'Petra de Boer'] });
    await resolveReview(h.app, question.id, { as: 'ignore' });
    await expect(resolveReview(h.app, question.id, { as: 'accept' })).rejects.toThrow(/already resolved/);
    await runPoll(h.app);
    expect(await status('roel@zorgpunt.example')).toMatchObject({ status: 'accepted', partySize: 2, attendees: ['Roel Sinke', 'Petra de Boer'] });
    expect(await listReview(h.app)).toEqual([]);
    const sent = await h.outbox(before);
    expect(sent.map(toOf)).toEqual(['roel@zorgpunt.example']);
    const roelMessage = await h.app.db.prisma.inboundMessage.findFirstOrThrow({ where: { fromAddress: 'roel@zorgpunt.example' } });
    expect(sent[0]!.inReplyTo).toBe(`<${roelMessage.messageId}>`);
    expect(roelMessage.state).toBe('processed');
  });

  it('sends a moved event to who may come with SEQUENCE raised, and a cancellation with METHOD:CANCEL', async () => {
    await h.drop('1', reply({ from: 'Roel Sinke <roel@zorgpunt.example>', inReplyTo: invitation.get('roel@zorgpunt.example'), body: 'Ik kom graag.' }));
    await h.drop('2', reply({ from: 'Jan Jansen <jan@walcheren.example>', inReplyTo: invitation.get('jan@walcheren.example'), body: 'Helaas kan ik niet.' }));
    await runPoll(h.app);
    const moved = parseEventFile(EVENT_YAML.replace('location: Stadhuis, Markt 1, Goes', 'location: De Stenge, Stengeplein 1, Heinkenszand'));
    if (!moved.ok) throw new Error('fixture');
    const before = await h.outbox();
    const result = await importEvent(h.app.db.prisma, moved.value, h.app.organiser.address, h.app.now());
    expect(result).toMatchObject({ created: false, rescheduled: true, previous: { location: 'Stadhuis, Markt 1, Goes' } });
    expect(await runEventUpdate(h.app, 'dialoog-2026', result.previous!)).toMatchObject({ updates: 1 });
    // The same file again changes nothing and sends nothing.
    expect(await importEvent(h.app.db.prisma, moved.value, h.app.organiser.address, h.app.now())).toMatchObject({ rescheduled: false });
    const updates = await h.outbox(before);
    expect(updates.map(toOf)).toEqual(['roel@zorgpunt.example']);
    const ics = updates[0]!.attachments.map((a) => a.content.toString()).find((c) => c.includes('BEGIN:VCALENDAR'))!;
    expect(ics).toContain('METHOD:REQUEST');
    expect(ics).toMatch(/SEQUENCE:1\r?\n/);
    expect(ics).toContain('De Stenge');
    expect(updates[0]!.text).toContain('Stadhuis, Markt 1, Goes');

    const beforeCancel = await h.outbox();
    expect(await runEventCancel(h.app, 'dialoog-2026', 'De bijeenkomst wordt verplaatst naar het voorjaar.')).toMatchObject({ cancellations: 1 });
    expect(await runEventCancel(h.app, 'dialoog-2026', null)).toMatchObject({ cancellations: 0 });
    const cancelled = await h.outbox(beforeCancel);
    expect(cancelled.map(toOf)).toEqual(['roel@zorgpunt.example']);
    const cancelIcs = cancelled[0]!.attachments.map((a) => a.content.toString()).find((c) => c.includes('BEGIN:VCALENDAR'))!;
    expect(cancelIcs).toContain('METHOD:CANCEL');
    expect(cancelIcs).toMatch(/SEQUENCE:2\r?\n/);
    // A reply to a cancelled event is for the coordinator, not acted on.
    await h.drop('3', reply({ from: 'Sarah Maas <sarah@delta.example>', inReplyTo: invitation.get('sarah@delta.example'), body: 'I will attend.' }));
    const polled = await runPoll(h.app);
    expect(polled).toMatchObject({ processed: 1, sent: 0 });
  });

  it('reminds who has not answered once, never a bounced address, and attendees the day before with the calendar entry', async () => {
    await h.drop('1', reply({ from: 'Roel Sinke <roel@zorgpunt.example>', inReplyTo: invitation.get('roel@zorgpunt.example'), body: 'Ik kom graag.' }));
    await h.drop('dsn', bounceOf('henk@linde.example', invitation.get('henk@linde.example')!));
    await runPoll(h.app);
    expect(await status('henk@linde.example')).toMatchObject({ status: 'bounced' });

    // Friday 27 November, 09:00 in Amsterdam: 7 days before the deadline's day (4 December).
    await h.reopen({ RSVP_NOW: '2026-11-27T08:00:00Z' });
    const before = await h.outbox();
    expect(await runRemind(h.app)).toMatchObject({ reminders: 2 });
    const reminded = await h.outbox(before);
    expect(reminded.map(toOf).sort()).toEqual(['jan@walcheren.example', 'sarah@delta.example']);
    // Later the same day, and after a restart the next day: nothing again.
    await h.reopen({ RSVP_NOW: '2026-11-28T10:00:00Z' });
    expect(await runRemind(h.app)).toMatchObject({ reminders: 0 });

    // Sunday 13 December, 09:00: the day before the event, to who comes, with the .ics.
    await h.reopen({ RSVP_NOW: '2026-12-13T08:00:00Z' });
    const beforeEve = await h.outbox();
    expect(await runRemind(h.app)).toMatchObject({ reminders: 1 });
    const [eve, ...more] = await h.outbox(beforeEve);
    expect(more).toEqual([]);
    expect(toOf(eve!)).toBe('roel@zorgpunt.example');
    expect(eve!.text).toContain('Stadhuis, Markt 1, Goes');
    expect(eve!.text).toMatch(/14[.:]00/);
    const ics = eve!.attachments.map((a) => a.content.toString()).find((c) => c.includes('BEGIN:VCALENDAR'));
    expect(ics).toContain('METHOD:REQUEST');
    expect(ics).toContain('LOCATION:Stadhuis');
    expect(ics).toMatch(/DTSTART;TZID=Europe\/Amsterdam:20261214T140000/);
  });

  it('removes raw messages and then anonymises people the configured days after the event', async () => {
    await h.drop('1', reply({ from: 'Roel Sinke <roel@zorgpunt.example>', inReplyTo: invitation.get('roel@zorgpunt.example'), body: 'Ik kom graag.' }));
    await runPoll(h.app);
    // 90 days after the event (14 December 2026): raw sources go, people stay.
    await h.reopen({ RSVP_NOW: '2027-03-20T00:00:00Z' });
    expect(await runRetention(h.app)).toEqual({ rawRemoved: 1, anonymised: 0 });
    const message = await h.app.db.prisma.inboundMessage.findFirstOrThrow();
    expect(message.size).toBe(0);
    expect(Buffer.from(message.raw).length).toBe(0);
    expect(message.state).toBe('processed');
    expect(await status('roel@zorgpunt.example')).toMatchObject({ status: 'accepted' });
    // 365 days after: nobody can be told from the list any more; the counts remain.
    await h.reopen({ RSVP_NOW: '2027-12-20T00:00:00Z' });
    expect(await runRetention(h.app)).toEqual({ rawRemoved: 0, anonymised: 4 });
    const list = await listInvitees(h.app.db.prisma, 'dialoog-2026');
    expect(list.every((i) => i.email.endsWith('@anonymised.invalid') && i.name === null)).toBe(true);
    expect(list.filter((i) => i.status === 'accepted')).toHaveLength(1);
    expect(await runRetention(h.app)).toEqual({ rawRemoved: 0, anonymised: 0 });
  });
});
