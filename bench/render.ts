/**
 * Mail rendering throughput: 1,000 confirmations (all four statuses, both languages), after the
 * one-off MJML compilation, which is timed on its own. Then the same with the iCalendar part that
 * an acceptance carries. Run: npx tsx bench/render.ts
 */
import { performance } from 'node:perf_hooks';
import { buildEventIcs } from '../src/mail/ics.js';
import { createMailRenderer, type ConfirmationData, type ConfirmationStatus, type MailEvent } from '../src/mail/templates.js';

const N = 1000;
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
const statuses: ConfirmationStatus[] = ['accepted', 'declined', 'tentative', 'waitlisted'];
const data = (i: number): ConfirmationData => ({
  event,
  recipientName: `Deelnemer ${i}`,
  status: statuses[i % statuses.length]!,
  partySize: (i % 3) + 1,
  attendees: [`Deelnemer ${i}`, `Collega ${i}`],
  late: i % 10 === 0,
  calendar: i % 4 === 0 ? 'request' : null,
});

async function main(): Promise<void> {
  const renderer = createMailRenderer();
  let t = performance.now();
  await renderer.render('confirmation', 'nl', data(0));
  const firstMs = performance.now() - t;

  let bytes = 0;
  t = performance.now();
  for (let i = 0; i < N; i++) {
    const mail = await renderer.render('confirmation', i % 2 ? 'en' : 'nl', data(i));
    bytes += mail.html.length + mail.text.length;
  }
  const renderMs = performance.now() - t;

  t = performance.now();
  for (let i = 0; i < N; i++) {
    const d = data(i);
    await renderer.render('confirmation', 'nl', d);
    buildEventIcs({
      event: { ...event, icalUid: 'consultatie-2018@rsvp.example.test', sequence: 0, organiserEmail: 'info@example.test' },
      attendee: { email: `deelnemer${i}@example.test`, name: d.recipientName, partstat: 'ACCEPTED' },
      method: 'REQUEST',
    });
  }
  const withIcsMs = performance.now() - t;

  const rate = (ms: number) => Math.round((N / ms) * 1000);
  console.log(`first confirmation (MJML compile + render): ${firstMs.toFixed(0)} ms`);
  console.log(`${N} confirmations: ${renderMs.toFixed(0)} ms, ${rate(renderMs)} mails/s, avg ${(bytes / N / 1024).toFixed(1)} KiB html+text`);
  console.log(`${N} confirmations + .ics: ${withIcsMs.toFixed(0)} ms, ${rate(withIcsMs)} mails/s`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
