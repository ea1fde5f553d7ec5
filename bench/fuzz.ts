/**
 * Robustness figure: the project's own fixtures (test/fixtures/messages and replies), mutated
 * deterministically (test/support/mutate-mail.ts), each classified by classifyRaw as the poll
 * does. Reports how many cases ran, how many threw or returned a malformed result, and the
 * slowest case with its mutations (goal: under 1 s per message). Nothing is asserted here;
 * src/core/understand/fuzz.test.ts asserts the results on the same cases.
 *
 *   npx tsx bench/fuzz.ts [--count N] [--seed S]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { classifyRaw } from '../src/core/understand/classify.js';
import { mutatedCases, type MutationName } from '../test/support/mutate-mail.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../test/fixtures');

export function fixtureMessages(): Buffer[] {
  const out: Buffer[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const p = join(dir, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (entry.endsWith('.eml')) out.push(readFileSync(p));
    }
  };
  walk(join(fixtures, 'messages'));
  walk(join(fixtures, 'replies'));
  return out;
}

export interface FuzzFigures {
  count: number;
  seed: number;
  failures: number;
  totalSeconds: number;
  slowest: { ms: number; index: number; bytes: number; mutations: MutationName[] };
}

export async function benchFuzz(count = 10_000, seed = 20261123): Promise<FuzzFigures> {
  const seeds = fixtureMessages();
  let failures = 0;
  let slowest: FuzzFigures['slowest'] = { ms: 0, index: -1, bytes: 0, mutations: [] };
  const start = performance.now();
  for (const c of mutatedCases(seeds, seed, count)) {
    const t0 = performance.now();
    try {
      const result = await classifyRaw(c.raw);
      if (!['rsvp', 'auto_reply', 'bounce', 'other'].includes(result.kind) || !(result.confidence >= 0 && result.confidence <= 1)) failures++;
    } catch {
      failures++;
    }
    const ms = performance.now() - t0;
    if (ms > slowest.ms) slowest = { ms, index: c.index, bytes: c.raw.length, mutations: c.mutations };
  }
  return { count, seed, failures, totalSeconds: (performance.now() - start) / 1000, slowest };
}

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchFuzz(argValue('--count', 10_000), argValue('--seed', 20261123)).then(
    (f) => {
      console.log(
        `fuzz: ${f.count} mutated messages (seed ${f.seed}) in ${f.totalSeconds.toFixed(1)} s, ${f.failures} failures; ` +
          `slowest ${f.slowest.ms.toFixed(0)} ms (case ${f.slowest.index}, ${f.slowest.bytes} bytes, ${f.slowest.mutations.join('+')}), goal < 1000 ms`,
      );
    },
    (e: unknown) => {
      console.error(`bench fuzz: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
