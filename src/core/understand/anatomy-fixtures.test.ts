/**
 * Every test/fixtures/messages/<group>/NAME.eml against the expectations in NAME.json beside it.
 *
 * Keys of the JSON:
 *   "a.b.0.c": value        the field at that path equals value (deep equality; dates as ISO text)
 *   "a.b contains": "x"     the string field includes x; for arrays, some element includes x
 *   "replyTextIncludes": [] / "replyTextExcludes": [] / "bodyTextIncludes" / "bodyTextExcludes"
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readMessage } from './anatomy.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/messages');

function fixtures(): Array<{ group: string; name: string; eml: string; json: string }> {
  const out: Array<{ group: string; name: string; eml: string; json: string }> = [];
  for (const group of readdirSync(root).sort()) {
    for (const file of readdirSync(join(root, group)).sort()) {
      if (!file.endsWith('.eml')) continue;
      const name = file.slice(0, -4);
      out.push({ group, name, eml: join(root, group, file), json: join(root, group, `${name}.json`) });
    }
  }
  return out;
}

function at(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const key of path.split('.')) {
    if (cur === null || cur === undefined) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur instanceof Date ? cur.toISOString() : cur;
}

const all = fixtures();

describe('message anatomy fixtures', () => {
  it('has fixtures in every group', () => {
    const groups = new Set(all.map((f) => f.group));
    for (const g of ['mime', 'clients', 'auto-reply', 'bounce', 'calendar', 'quotes']) expect(groups).toContain(g);
    expect(all.length).toBeGreaterThanOrEqual(25);
  });

  it.each(all.map((f) => [`${f.group}/${f.name}`, f] as const))('%s', async (_label, f) => {
    const expected = JSON.parse(readFileSync(f.json, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    const anatomy = await readMessage(readFileSync(f.eml));
    for (const [key, want] of Object.entries(expected)) {
      const list = (k: string) => (Array.isArray(want) ? (want as string[]) : []).map((s) => [k, s] as const);
      if (key === 'replyTextIncludes') for (const [, s] of list(key)) expect(anatomy.replyText, key).toContain(s);
      else if (key === 'replyTextExcludes') for (const [, s] of list(key)) expect(anatomy.replyText, key).not.toContain(s);
      else if (key === 'bodyTextIncludes') for (const [, s] of list(key)) expect(anatomy.bodyText, key).toContain(s);
      else if (key === 'bodyTextExcludes') for (const [, s] of list(key)) expect(anatomy.bodyText, key).not.toContain(s);
      else if (key.endsWith(' contains')) {
        const got = at(anatomy, key.slice(0, -' contains'.length));
        if (Array.isArray(got)) expect(got.some((g) => String(g).includes(String(want))), `${key}: ${JSON.stringify(got)}`).toBe(true);
        else expect(String(got ?? ''), key).toContain(String(want));
      } else {
        expect(at(anatomy, key), key).toEqual(want);
      }
    }
  });
});
