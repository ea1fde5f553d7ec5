/**
 * Scores the understanding core on the peer corpus: labelled mail from other open-source projects
 * (auto-replies, bounces, calendar replies, plain replies, quote-stripping pairs; see its
 * PROVENANCE.md). Evaluation only: nothing from that corpus is copied into the project.
 *
 *   npx tsx scripts/eval-peer.ts [--dir /work/shared/peer-corpus] [--misses]
 *
 * Prints per category how often the kind is right (auto-replies and bounces must never come out as
 * rsvp), the calendar PARTSTAT read as intent, and for the quote-stripping pairs how often our reply
 * text equals the expected one (exact, and "soft" as ANCHOR-RESULTS.md counts it: the expected text
 * is inside ours and ours is at most 10 % longer). Our stripper also removes signatures, which most
 * sources keep, so a third figure counts ours as a leading part of the expected text ("prefix").
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { classifyRaw } from '../src/core/understand/classify.js';
import { readMessage } from '../src/core/understand/anatomy.js';
import { htmlReplyPart, htmlToText, stripQuotedReply } from '../src/core/understand/quote.js';

interface Label {
  file: string;
  kind: 'rsvp' | 'auto_reply' | 'bounce' | 'other';
  icalPartstat: 'ACCEPTED' | 'DECLINED' | 'TENTATIVE' | null;
}

interface ManifestItem {
  input: string;
  expected: string | null;
  source: string;
  inputFormat: 'text' | 'eml' | 'html';
  requiresCustomConfig?: boolean;
}

const args = process.argv.slice(2);
const dirAt = args.indexOf('--dir');
const dir = dirAt >= 0 && args[dirAt + 1] ? args[dirAt + 1]! : '/work/shared/peer-corpus';
const showMisses = args.includes('--misses');

const pct = (ok: number, n: number) => (n === 0 ? '–' : `${((100 * ok) / n).toFixed(1)}% (${ok}/${n})`);
const clean = (s: string) => s.replace(/\r\n?/g, '\n').trim();
const intentOf = { ACCEPTED: 'accept', DECLINED: 'decline', TENTATIVE: 'tentative' } as const;

async function labelled(): Promise<void> {
  const labels = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as Label[];
  const byCategory = new Map<string, { n: number; ok: number; automaticAsRsvp: number; intentN: number; intentOk: number }>();
  const misses: string[] = [];
  let threw = 0;
  for (const label of labels) {
    const category = label.file.split('/')[0]!;
    const t = byCategory.get(category) ?? { n: 0, ok: 0, automaticAsRsvp: 0, intentN: 0, intentOk: 0 };
    byCategory.set(category, t);
    t.n++;
    let got;
    try {
      got = await classifyRaw(readFileSync(join(dir, label.file)));
    } catch (err) {
      threw++;
      misses.push(`${label.file}: threw ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    if (got.kind === label.kind) t.ok++;
    else misses.push(`${label.file}: kind expected ${label.kind}, got ${got.kind} (${got.reasons.slice(0, 3).join(', ')})`);
    if ((label.kind === 'auto_reply' || label.kind === 'bounce') && got.kind === 'rsvp') t.automaticAsRsvp++;
    if (label.kind === 'rsvp' && label.icalPartstat) {
      t.intentN++;
      if (got.intent === intentOf[label.icalPartstat]) t.intentOk++;
      else misses.push(`${label.file}: intent expected ${intentOf[label.icalPartstat]}, got ${got.intent}`);
    }
  }
  console.log('## Labelled messages (kind)\n');
  console.log('| category | n | kind | auto-reply/bounce as rsvp | calendar intent |');
  console.log('|---|---|---|---|---|');
  let n = 0;
  let ok = 0;
  let wrong = 0;
  for (const [category, t] of [...byCategory.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`| ${category} | ${t.n} | ${pct(t.ok, t.n)} | ${t.automaticAsRsvp} | ${pct(t.intentOk, t.intentN)} |`);
    n += t.n;
    ok += t.ok;
    wrong += t.automaticAsRsvp;
  }
  console.log(`| **all** | ${n} | ${pct(ok, n)} | ${wrong} | |`);
  if (threw) console.log(`\nclassifyRaw threw: ${threw}`);
  if (showMisses && misses.length) console.log(`\n${misses.map((m) => `- ${m}`).join('\n')}`);
}

async function ownText(item: ManifestItem): Promise<string> {
  const raw = readFileSync(join(dir, item.input));
  if (item.inputFormat === 'eml') return (await readMessage(raw)).replyText;
  if (item.inputFormat === 'html') {
    const html = raw.toString('utf8');
    return stripQuotedReply(htmlToText(htmlReplyPart(html))).replyText;
  }
  return stripQuotedReply(raw.toString('utf8')).replyText;
}

async function quoteStripping(): Promise<void> {
  const manifestPath = join(dir, 'quote-stripping/MANIFEST.json');
  if (!existsSync(manifestPath)) return;
  const items = (JSON.parse(readFileSync(manifestPath, 'utf8')) as ManifestItem[]).filter(
    (i) => i.expected !== null && !i.requiresCustomConfig,
  );
  const bySource = new Map<string, { n: number; exact: number; soft: number; prefix: number }>();
  const misses: string[] = [];
  const texts: string[] = [];
  for (const item of items) {
    const key = item.inputFormat === 'html' ? `${item.source} (html)` : item.source;
    const t = bySource.get(key) ?? { n: 0, exact: 0, soft: 0, prefix: 0 };
    bySource.set(key, t);
    t.n++;
    const expected = clean(readFileSync(join(dir, item.expected!), 'utf8'));
    const got = clean(await ownText(item));
    if (item.inputFormat === 'text') texts.push(readFileSync(join(dir, item.input), 'utf8'));
    const exact = got === expected;
    const soft = exact || (got.includes(expected) && got.length <= expected.length * 1.1);
    const prefix = soft || (got.length > 0 && expected.startsWith(got));
    if (exact) t.exact++;
    if (soft) t.soft++;
    if (prefix) t.prefix++;
    if (!prefix) misses.push(`${item.input} (ours ${got.length} chars, expected ${expected.length})`);
  }
  console.log('\n## Quote stripping (reply text)\n');
  console.log('| source | n | exact | soft | prefix (signature cut) |');
  console.log('|---|---|---|---|---|');
  const all = { n: 0, exact: 0, soft: 0, prefix: 0 };
  for (const [source, t] of [...bySource.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`| ${source} | ${t.n} | ${pct(t.exact, t.n)} | ${pct(t.soft, t.n)} | ${pct(t.prefix, t.n)} |`);
    if (!source.endsWith('(html)')) {
      all.n += t.n;
      all.exact += t.exact;
      all.soft += t.soft;
      all.prefix += t.prefix;
    }
  }
  console.log(`| **all but html** | ${all.n} | ${pct(all.exact, all.n)} | ${pct(all.soft, all.n)} | ${pct(all.prefix, all.n)} |`);
  // Throughput of the stripper on the text inputs, as ANCHOR-RESULTS.md times the other libraries.
  const start = performance.now();
  let passes = 0;
  while (performance.now() - start < 500) {
    for (const text of texts) stripQuotedReply(text);
    passes++;
  }
  const perSecond = (texts.length * passes) / ((performance.now() - start) / 1000);
  console.log(`\nstripQuotedReply: ${Math.round(perSecond)} texts/s over ${texts.length} text inputs`);
  if (showMisses && misses.length) console.log(`\n${misses.map((m) => `- ${m}`).join('\n')}`);
}

async function main() {
  if (!existsSync(join(dir, 'labels.json'))) {
    console.error(`no peer corpus at ${dir} (labels.json missing); pass --dir PATH`);
    process.exit(1);
  }
  await labelled();
  await quoteStripping();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
