/**
 * Fuzzing the classification entry point the poll uses (classifyRaw: parse.ts / fast-parse.ts,
 * then anatomy and the rules) with 10,000 deterministic mutations of the project's own fixtures
 * (test/fixtures/messages and test/fixtures/replies; test/support/mutate-mail.ts says which
 * mutations). Every case must come back as a well-formed Classification, never an exception.
 * A failure names the case index: `mutateCase(seeds, SEED, index)` rebuilds it alone.
 * Speed is not asserted here; `npx tsx bench/fuzz.ts` reports the slowest case.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyRaw } from './classify.js';
import type { Classification } from './types.js';
import { mutateCase, MUTATIONS } from '../../../test/support/mutate-mail.js';

const SEED = 20261123;
const CASES = 10_000;
const CHUNK = 2_500;

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures');
function emlFiles(dir: string): Buffer[] {
  const out: Buffer[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...emlFiles(p));
    else if (entry.endsWith('.eml')) out.push(readFileSync(p));
  }
  return out;
}
const seeds = [...emlFiles(join(fixtures, 'messages')), ...emlFiles(join(fixtures, 'replies'))];

const KINDS = new Set(['rsvp', 'auto_reply', 'bounce', 'other']);
const INTENTS = new Set(['accept', 'decline', 'tentative']);

/** What is wrong with a classification, or null when it has the contract's shape. */
function malformation(c: Classification): string | null {
  if (!c || typeof c !== 'object') return 'not an object';
  if (!KINDS.has(c.kind)) return `kind ${String(c.kind)}`;
  if (c.kind === 'rsvp' ? !INTENTS.has(c.intent as string) : c.intent !== null) return `intent ${String(c.intent)} with kind ${c.kind}`;
  if (typeof c.confidence !== 'number' || !Number.isFinite(c.confidence) || c.confidence < 0 || c.confidence > 1) return `confidence ${c.confidence}`;
  if (c.partySize !== null && !(Number.isInteger(c.partySize) && c.partySize >= 0)) return `partySize ${c.partySize}`;
  if (!Array.isArray(c.attendees) || c.attendees.some((a) => typeof a !== 'string' || a.trim() === '')) return 'attendees';
  if (typeof c.replyText !== 'string') return 'replyText';
  if (!Array.isArray(c.reasons) || c.reasons.some((r) => typeof r !== 'string')) return 'reasons';
  // The JSON line of `rsvp classify --json` must be writable.
  JSON.stringify(c);
  return null;
}

describe('classifyRaw on 10,000 mutated fixtures', () => {
  const slowest = { ms: 0, index: -1, mutations: [] as string[] };
  const seen = new Set<string>();
  afterAll(() => {
    // Recorded for whoever reads the log; bench/fuzz.ts is where the figure is kept.
    console.info(`fuzz: slowest case ${slowest.index} (${slowest.mutations.join('+')}) took ${slowest.ms.toFixed(0)} ms`);
  });

  it('has seeds of every folder to mutate', () => {
    expect(seeds.length).toBeGreaterThan(200);
  });

  for (let start = 0; start < CASES; start += CHUNK) {
    it(`never throws and always returns a well-formed classification: cases ${start}..${start + CHUNK - 1}`, { timeout: 600_000 }, async () => {
      const problems: string[] = [];
      for (let index = start; index < start + CHUNK; index++) {
        const c = mutateCase(seeds, SEED, index);
        for (const m of c.mutations) seen.add(m);
        const t0 = performance.now();
        let result: Classification | null = null;
        try {
          result = await classifyRaw(c.raw);
        } catch (e) {
          problems.push(`case ${index} (${c.mutations.join('+')}): threw ${(e as Error).message}`);
          continue;
        }
        const ms = performance.now() - t0;
        if (ms > slowest.ms) Object.assign(slowest, { ms, index, mutations: c.mutations });
        const wrong = malformation(result);
        if (wrong) problems.push(`case ${index} (${c.mutations.join('+')}): ${wrong}`);
      }
      expect(problems).toEqual([]);
    });
  }

  it('ran every kind of mutation', () => {
    expect([...seen].sort()).toEqual(Object.keys(MUTATIONS).sort());
  });
});

describe('mutateCase', () => {
  it('gives the same bytes for the same seed and index, and others for another index', () => {
    const a = mutateCase(seeds, SEED, 4242);
    expect(mutateCase(seeds, SEED, 4242).raw.equals(a.raw)).toBe(true);
    expect(mutateCase(seeds, SEED, 4243).raw.equals(a.raw)).toBe(false);
  });
});
