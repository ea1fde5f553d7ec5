import { describe, expect, it } from 'vitest';
import { intentRuleSchema, type IntentRuleConfig } from '../../config/schema.js';
import { builtInRules, type IntentRule } from './rules.js';

describe('built-in intent rules', () => {
  it('compile with the flags the matcher uses', () => {
    for (const rule of builtInRules) expect(() => new RegExp(rule.pattern, 'giu'), rule.id).not.toThrow();
  });

  it('have unique ids that name language, effect and phrase', () => {
    const ids = builtInRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^(nl|en)\.(accept|decline|tentative|negation|question|not_rsvp):.+/);
  });

  it('pass the config schema that admins write extra rules in', () => {
    for (const rule of builtInRules.filter((r) => r.effect !== 'negation')) {
      expect(intentRuleSchema.safeParse(rule).success, rule.id).toBe(true);
    }
  });

  it('accept a rule from the config as an IntentRule without conversion', () => {
    const fromConfig: IntentRuleConfig = intentRuleSchema.parse({ id: 'x', pattern: 'doe mee', effect: 'accept' });
    const rule: IntentRule = fromConfig;
    expect(rule.language).toBe('any');
    expect(rule.weight).toBe(0.9);
  });

  it('do not see a word inside a longer word ("ja" in "jaarplan")', () => {
    const ja = builtInRules.find((r) => r.id === 'nl.accept:ja')!;
    expect(new RegExp(ja.pattern, 'iu').test('jaarplan')).toBe(false);
    expect(new RegExp(ja.pattern, 'iu').test('Ja!')).toBe(true);
  });
});
