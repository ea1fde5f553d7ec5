/**
 * Scores the message-anatomy core against the labelled peer corpus in /work/shared/peer-corpus
 * (evaluation only; nothing from it is copied into the project). Prints per-group accuracy.
 *
 *   npx tsx scripts/eval-anatomy.ts [CORPUS_DIR] [--failures]
 *
 * Groups: auto-reply (automatic.autoReply), bounce (bounce found or, for non-bounces, not found),
 * ical-reply (calendar PARTSTAT), plain-reply / quote-stripping .eml (no false automatic, bounce or
 * calendar), quote-stripping text (removeQuotes against the source library's expected text:
 * exact after trimming, and "soft": expected contained and at most 10% longer).
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { readMessage } from '../src/core/understand/anatomy.js';
import { removeQuotes, stripQuotedReply } from '../src/core/understand/quote.js';
import type { MessageAnatomy } from '../src/core/understand/types.js';

interface Label {
  file: string;
  kind: 'rsvp' | 'auto_reply' | 'bounce' | 'other';
  icalPartstat: string | null;
}
interface ManifestEntry {
  input: string;
  expected: string | null;
  source: string;
  inputFormat: 'text' | 'eml' | 'html';
  requiresCustomConfig?: boolean;
}

const args = process.argv.slice(2);
const showFailures = args.includes('--failures');
const corpus = args.find((a) => !a.startsWith('--')) ?? '/work/shared/peer-corpus';

type Tally = { n: number; ok: number; failures: string[] };
const tallies = new Map<string, Tally>();
function score(group: string, ok: boolean, what: string) {
  const t = tallies.get(group) ?? { n: 0, ok: 0, failures: [] };
  t.n++;
  if (ok) t.ok++;
  else t.failures.push(what);
  tallies.set(group, t);
}

function summary(a: MessageAnatomy): string {
  return `bounce=${a.bounce ? a.bounce.recipients.map((r) => `${r.address}:${r.status}`).join(',') || 'yes(0 rcpt)' : 'no'} auto=${a.automatic.autoReply} cal=${a.calendar?.partstat ?? 'none'}`;
}

const clean = (s: string) => s.replace(/\r\n?/g, '\n').trim();

async function main() {
  const labels = JSON.parse(readFileSync(join(corpus, 'labels.json'), 'utf8')) as Label[];
  let errors = 0;
  for (const label of labels) {
    const group = label.file.split('/')[0]!;
    let a: MessageAnatomy;
    try {
      a = await readMessage(readFileSync(join(corpus, label.file)));
    } catch (err) {
      errors++;
      score(group, false, `${label.file}: threw ${String(err)}`);
      continue;
    }
    const why = `${label.file}: expected ${label.kind}${label.icalPartstat ? `/${label.icalPartstat}` : ''}, got ${summary(a)}`;
    if (group === 'bounce') {
      const ok = label.kind === 'bounce' ? a.bounce !== null : a.bounce === null;
      score(`bounce (${label.kind === 'bounce' ? 'detected' : 'not a bounce'})`, ok, why);
      if (label.kind === 'bounce' && a.bounce) score('bounce (with a recipient address)', a.bounce.recipients.length > 0, why);
      if (label.kind === 'bounce' && a.bounce) score('bounce (no autoReply/calendar confusion)', a.calendar === null, why);
    } else if (group === 'auto-reply') {
      score('auto-reply (autoReply)', label.kind === 'auto_reply' ? a.automatic.autoReply && !a.bounce : !a.automatic.autoReply, why);
    } else if (group === 'ical-reply') {
      if (label.kind === 'rsvp') score('ical-reply (partstat)', a.calendar !== null && (a.calendar.partstat ?? null) === (label.icalPartstat ?? null), why);
      else score('ical-reply (not a reply)', a.calendar === null || a.calendar.partstat === null, why);
    } else {
      const ok = !a.bounce && !a.automatic.autoReply && !(a.calendar && a.calendar.partstat);
      score(`${group} .eml (no false automatic/bounce/calendar)`, ok, why);
    }
  }

  const manifestPath = join(corpus, 'quote-stripping/MANIFEST.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ManifestEntry[];
    for (const m of manifest) {
      if (!m.expected || m.inputFormat === 'html' || m.requiresCustomConfig) continue;
      const raw = readFileSync(join(corpus, m.input));
      const text = m.inputFormat === 'eml' ? (await readMessage(raw)).bodyText : raw.toString('utf8');
      const expected = clean(readFileSync(join(corpus, m.expected), 'utf8'));
      const out = clean(removeQuotes(text));
      const exact = out === expected;
      const soft = exact || (out.includes(expected) && out.length <= expected.length * 1.1);
      const what = `${m.input} (out ${out.length} chars, expected ${expected.length})`;
      score(`quotes exact: ${m.source}`, exact, what);
      score(`quotes soft: ${m.source}`, soft, what);
      score('quotes exact: all', exact, what);
      score('quotes soft: all', soft, what);
      // The whole stripper (signatures and footers cut too): shorter than most expected texts,
      // which keep signatures, so only "contained in expected and non-empty" is scored.
      const reply = clean(stripQuotedReply(text).replyText);
      score('reply within expected: all', reply.length > 0 ? expected.includes(reply) : expected.length === 0, `${m.input} (reply ${reply.length} chars)`);
    }
  }

  const rows = [...tallies.entries()].sort(([a], [b]) => a.localeCompare(b));
  console.log('| group | correct | n | accuracy |');
  console.log('|---|---|---|---|');
  for (const [group, t] of rows) console.log(`| ${group} | ${t.ok} | ${t.n} | ${((100 * t.ok) / t.n).toFixed(1)}% |`);
  console.log(`\nreadMessage threw: ${errors}`);
  if (showFailures) {
    for (const [group, t] of rows) {
      if (t.failures.length === 0 || group.startsWith('quotes exact: ') || group === 'quotes soft: all') continue;
      console.log(`\n## ${group}`);
      for (const f of t.failures) console.log(`- ${f}`);
    }
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
