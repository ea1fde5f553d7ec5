/**
 * readIntent skips a rule when its relaxed pattern (assertions taken out) finds nothing in the
 * reply's clauses joined by newlines. That is only sound if every clause a rule matches makes the
 * relaxed pattern match the joined text; checked here on every rule and every reply fixture.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readMessage } from './anatomy.js';
import { MAX_ANALYSED_CHARS, relaxPattern, ruleGate, splitClauses } from './intent.js';
import { builtInRules } from './rules.js';

const fixturesRoot = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures');

function emlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...emlFiles(p));
    else if (entry.endsWith('.eml')) out.push(p);
  }
  return out;
}

describe('relaxPattern', () => {
  it('takes out look-arounds, anchors and word boundaries', () => {
    expect(relaxPattern('(?<![\\p{L}])(?:ik\\s+kom(?!\\s+uit))(?=[.!]|$)')).toBe('(?:ik\\s+kom)');
    expect(relaxPattern('^\\s*ja\\b[\\s,!.]*$')).toBe('\\s*ja[\\s,!.]*');
    expect(relaxPattern('(?<=(?:uw|je)\\s+(?:a|b))x')).toBe('x');
  });

  it('keeps what only looks like an assertion: negated classes, escaped anchors, named groups', () => {
    expect(relaxPattern('[^!?\\n]{0,9}\\$\\^[$^]')).toBe('[^!?\\n]{0,9}\\$\\^[$^]');
    expect(relaxPattern('(?<naam>jan)')).toBe('(?<naam>jan)');
    expect(relaxPattern('[\\b]')).toBe('[\\b]');
  });

  it('gives up on back-references and unbalanced patterns (the rule is then always run)', () => {
    expect(relaxPattern('(?=(a))(b)\\2')).toBeNull();
    expect(relaxPattern('(?=abc')).toBeNull();
    expect(relaxPattern('[abc')).toBeNull();
  });

  it('relaxes every built-in rule into a valid pattern', () => {
    for (const rule of builtInRules) {
      const source = relaxPattern(rule.pattern);
      expect(source, rule.id).not.toBeNull();
      expect(() => new RegExp(source!, 'iu'), rule.id).not.toThrow();
    }
  });
});

describe('ruleGate', () => {
  it('finds word parts that every match holds', () => {
    expect(ruleGate('(?:ik|wij)\\s+kom(?:en)?')).toEqual(['kom']);
    expect(ruleGate('komen?\\s+x')).toEqual(['kome']);
    expect(ruleGate('(?:stuur|sturen)\\s+iemand')).toEqual(['iemand']);
    expect(ruleGate('(?:verhinderd|afwezig)|niet\\s+aanwezig')).toEqual(['verhinderd', 'afwezig', 'aanwezig']);
    expect(ruleGate('(?<=^\\s*)yes')).toEqual(['yes']);
  });

  it('gives none when an alternative may match without a word part', () => {
    expect(ruleGate('ja|\\d+')).toBeNull();
    expect(ruleGate('(?:foo)?bar|ab')).toBeNull();
  });
});

describe('skipping rules that cannot match loses no match', () => {
  const texts: string[] = [
    'Ja!nee, ik kom niet. Maar mijn collega komt wel, K. Jobse, i.v.m. drukte.',
    'Wij komen graag met z’n tweeën; tot dan!',
    'Ik kan helaas niet, maar uw aanmelding is ontvangen. Ja',
    'I will attend. No. Maybe? Count me in.',
  ];

  it('holds on every reply fixture and on hand-made texts', async () => {
    for (const file of emlFiles(fixturesRoot)) texts.push((await readMessage(readFileSync(file))).replyText);
    let checked = 0;
    // Each rule compiled once: compiling per text made this test the slowest of the suite.
    const compiled = builtInRules.map((rule) => ({
      rule,
      relaxed: new RegExp(relaxPattern(rule.pattern)!, 'iu'),
      strict: new RegExp(rule.pattern, 'iu'),
    }));
    for (const text of texts) {
      const clauses = splitClauses(text.slice(0, MAX_ANALYSED_CHARS)).map((c) => c.text);
      const joined = clauses.join('\n');
      for (const { rule, relaxed, strict } of compiled) {
        for (const clause of clauses) {
          if (!strict.test(clause)) continue;
          checked++;
          expect(relaxed.test(joined), `${rule.id} in "${clause}"`).toBe(true);
          // The word-part gate before it must let the rule through too.
          const gate = ruleGate(rule.pattern);
          if (gate !== null) expect(gate.some((run) => joined.toLowerCase().includes(run)), `gate of ${rule.id} in "${clause}"`).toBe(true);
        }
      }
    }
    // The fixtures do fire rules; a check over no matches would prove nothing.
    expect(checked).toBeGreaterThan(200);
  }, 60_000);
});
