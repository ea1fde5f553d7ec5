/**
 * Scores classifyRaw against the labelled reply corpus: test/fixtures/replies/<group>/NAME.eml,
 * each with NAME.json (what a careful coordinator concluded; src/core/understand/corpus-score.ts).
 * Prints accuracy per figure overall and per group, then every miss. Exit 0 unless it cannot run.
 *
 *   npm run eval [-- EXTRA_DIR ...] [--only GROUP,...] [--skip GROUP,...] [--no-misses]
 *
 * An extra directory is read the same way (NAME.eml with NAME.json beside it, groups by folder).
 * --only / --skip choose groups (folders); --no-misses prints the figures alone. A blind held-out
 * group is measured with `--only blind-1 --no-misses` and left out of tuning with `--skip blind-1`,
 * so its misses are never read while the rules are changed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyRaw } from '../src/core/understand/classify.js';
import { FIGURES, accuracy, scoreReply, tallyFigures, type FigureScore, type ReplyExpectation } from '../src/core/understand/corpus-score.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const corpusDir = join(root, 'test/fixtures/replies');

/** Every NAME.eml under dir (recursively) that has NAME.json beside it. */
export function findLabelled(dir: string): Array<{ eml: string; json: string }> {
  const out: Array<{ eml: string; json: string }> = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (entry.endsWith('.eml') && existsSync(p.slice(0, -4) + '.json')) out.push({ eml: p, json: p.slice(0, -4) + '.json' });
    }
  };
  walk(dir);
  return out;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const show = (v: unknown) => JSON.stringify(v);

/** The value after `--name` (or in `--name=value`), split on commas; [] when absent. */
function listOption(args: string[], name: string): string[] {
  const out: string[] = [];
  args.forEach((a, i) => {
    if (a === `--${name}` && args[i + 1]) out.push(...args[i + 1]!.split(','));
    else if (a.startsWith(`--${name}=`)) out.push(...a.slice(name.length + 3).split(','));
  });
  return out.filter(Boolean);
}

async function main() {
  const args = process.argv.slice(2);
  const only = listOption(args, 'only');
  const skip = listOption(args, 'skip');
  const showMisses = !args.includes('--no-misses');
  const optionValues = new Set(args.filter((_, i) => i > 0 && /^--(only|skip)$/.test(args[i - 1]!)));
  const dirs = [corpusDir, ...args.filter((a) => !a.startsWith('--') && !optionValues.has(a))];
  const byGroup = new Map<string, FigureScore[][]>();
  const misses: string[] = [];
  let failed = 0;
  for (const dir of dirs) {
    for (const { eml, json } of findLabelled(dir)) {
      const rel = relative(dir === corpusDir ? corpusDir : dirname(dir), eml);
      const group = rel.includes('/') ? rel.split('/')[0]! : '.';
      if ((only.length > 0 && !only.includes(group)) || skip.includes(group)) continue;
      const expected = JSON.parse(readFileSync(json, 'utf8')) as ReplyExpectation;
      let scores: FigureScore[];
      try {
        const got = await classifyRaw(readFileSync(eml));
        scores = scoreReply(expected, got);
      } catch (err) {
        failed++;
        misses.push(`${rel}: classifyRaw threw ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      for (const s of scores) if (!s.ok) misses.push(`${rel}  ${s.figure}: expected ${show(s.expected)}, got ${show(s.got)}`);
      byGroup.set(group, [...(byGroup.get(group) ?? []), scores]);
    }
  }

  const header = `| group | n | ${FIGURES.join(' | ')} |`;
  console.log(header);
  console.log(`|---|---|${FIGURES.map(() => '---').join('|')}|`);
  const row = (name: string, scores: FigureScore[][]) => {
    const t = tallyFigures(scores);
    const cells = FIGURES.map((f) => (t.get(f) ? `${pct(accuracy(t.get(f)))} (${t.get(f)!.ok}/${t.get(f)!.n})` : '–'));
    console.log(`| ${name} | ${scores.length} | ${cells.join(' | ')} |`);
  };
  const all = [...byGroup.values()].flat();
  for (const [group, scores] of [...byGroup.entries()].sort(([a], [b]) => a.localeCompare(b))) row(group, scores);
  row('**all**', all);
  const automaticAsRsvp = misses.filter((m) => /kind: expected "(auto_reply|bounce)", got "rsvp"/.test(m)).length;
  console.log(`\nautomatic mail (auto_reply/bounce) classified as rsvp: ${automaticAsRsvp}`);
  if (failed) console.log(`classifyRaw threw: ${failed}`);
  console.log(`\n## Misses (${misses.length})`);
  if (showMisses) for (const m of misses) console.log(`- ${m}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
