import { describe, expect, it } from 'vitest';
import { parseEventFile } from './event-file.js';

const good = `slug: consultatie-2018
title: "Consultatiebijeenkomst 'Inkoopstrategie Jeugdhulp 2020'"
organiser: Inkooporganisatie Jeugdhulp Zeeland
startsAt: 2018-11-26T15:00:00+01:00
endsAt: 2018-11-26T17:00:00+01:00
timezone: Europe/Amsterdam
location: De Stenge, Stengeplein 1, Heinkenszand
rsvpDeadline: 2018-11-16T23:59:00+01:00
capacity: 120            # optional
language: nl
coordinators: [Coordinator@Example.test]
`;

describe('parseEventFile', () => {
  it('reads the contract example with instants in UTC and addresses lower-cased', () => {
    const r = parseEventFile(good);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.startsAt.toISOString()).toBe('2018-11-26T14:00:00.000Z');
    expect(r.value.rsvpDeadline.toISOString()).toBe('2018-11-16T22:59:00.000Z');
    expect(r.value.capacity).toBe(120);
    expect(r.value.coordinators).toEqual(['coordinator@example.test']);
  });

  it('lists every problem with its line number', () => {
    const bad = good
      .replace('timezone: Europe/Amsterdam', 'timezone: Europe/Amsterdm')
      .replace('endsAt: 2018-11-26T17:00:00+01:00', 'endsAt: 2018-11-26T17:00:00')
      .replace('capacity: 120', 'capacity: -5');
    const r = parseEventFile(bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual(
      expect.arrayContaining([
        { line: 5, message: expect.stringMatching(/^endsAt: expected an ISO-8601 date-time with offset/) },
        { line: 6, message: expect.stringMatching(/^timezone: not an IANA time zone/) },
        { line: 9, message: expect.stringMatching(/^capacity:/) },
      ]),
    );
    expect(r.problems).toHaveLength(3);
  });

  it('names missing and unknown fields', () => {
    const r = parseEventFile(good.replace(/^title:.*\n/m, '').replace('language: nl', 'langauge: nl'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const messages = r.problems.map((p) => p.message);
    expect(messages.some((m) => /^title:/.test(m))).toBe(true);
    expect(r.problems).toContainEqual({ line: 9, message: 'unknown field langauge' });
  });

  it('rejects an end before the start and a deadline after the event', () => {
    const r = parseEventFile(good.replace('endsAt: 2018-11-26T17:00:00+01:00', 'endsAt: 2018-11-26T14:00:00+01:00'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.message)).toContain('endsAt: must be after startsAt');
  });

  it('reports YAML syntax errors with their line', () => {
    const r = parseEventFile('slug: a\ntitle: [unclosed\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.line).toBeGreaterThanOrEqual(2);
  });
});
