/**
 * buildEventIcs throughput: invitations (NEEDS-ACTION, METHOD:REQUEST), confirmations of
 * acceptance (ACCEPTED) and cancellations (METHOD:CANCEL), each to a different attendee, for a
 * few events in different zones, as the poll job calls it. The first call per zone and year span
 * (the VTIMEZONE scan, memoised afterwards) is timed on its own. Figures are printed, not asserted.
 *   npx tsx bench/ics.ts [--count N]
 */
import { performance } from 'node:perf_hooks';
import { buildEventIcs, type IcsEvent, type IcsMethod, type IcsPartstat } from '../src/mail/ics.js';

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const base: IcsEvent = {
  icalUid: 'consultatie-2018@rsvp.example.test',
  sequence: 0,
  title: "Consultatiebijeenkomst 'Inkoopstrategie Jeugdhulp 2020'",
  description: 'Informatie- en consultatiebijeenkomst over de inkoopstrategie; graag tot dan.',
  location: 'De Stenge, Stengeplein 1, Heinkenszand',
  startsAt: new Date('2018-11-26T15:00:00+01:00'),
  endsAt: new Date('2018-11-26T17:00:00+01:00'),
  timezone: 'Europe/Amsterdam',
  organiser: 'Inkooporganisatie Jeugdhulp Zeeland',
  organiserEmail: 'info@inkoop.example.test',
};
const events: IcsEvent[] = [
  base,
  { ...base, icalUid: 'ny@rsvp.example.test', sequence: 2, timezone: 'America/New_York', startsAt: new Date('2019-03-10T14:00:00Z'), endsAt: new Date('2019-03-10T16:00:00Z') },
  { ...base, icalUid: 'syd@rsvp.example.test', timezone: 'Australia/Sydney', title: 'Overleg, vervolg; ronde 2 — één dag', startsAt: new Date('2018-12-03T22:00:00Z'), endsAt: new Date('2018-12-04T00:00:00Z') },
];
const kinds: { method: IcsMethod; partstat: IcsPartstat }[] = [
  { method: 'REQUEST', partstat: 'NEEDS-ACTION' },
  { method: 'REQUEST', partstat: 'ACCEPTED' },
  { method: 'CANCEL', partstat: 'DECLINED' },
];

function call(i: number): string {
  const kind = kinds[i % kinds.length]!;
  return buildEventIcs({
    event: events[i % events.length]!,
    attendee: { email: `deelnemer${i}@aanbieder.example.test`, name: `Deelnemer ${i}, Aanbieder BV`, partstat: kind.partstat },
    method: kind.method,
  });
}

function main(): void {
  const count = argValue('--count', 20_000);
  let t = performance.now();
  for (let i = 0; i < events.length; i++) call(i);
  const firstMs = performance.now() - t;
  // Warm-up so the JIT has settled before the timed run.
  for (let i = 0; i < Math.min(count, 2000); i++) call(i);

  let bytes = 0;
  t = performance.now();
  for (let i = 0; i < count; i++) bytes += call(i).length;
  const ms = performance.now() - t;
  console.log(`first call per zone (VTIMEZONE scan): ${(firstMs / events.length).toFixed(1)} ms`);
  console.log(`${count} calls: ${ms.toFixed(0)} ms, ${Math.round((count / ms) * 1000)} calls/s, ${((ms * 1000) / count).toFixed(1)} µs/call, avg ${Math.round(bytes / count)} chars`);
}

main();
