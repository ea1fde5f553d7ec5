import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyMessage } from './classify.js';
import type { Intent, MessageAnatomy, MessageKind } from './types.js';

/** test/fixtures/intent/*.json: replies written for this project, with the expected reading beside each. */
interface IntentFixture {
  text: string;
  signature?: string;
  fromName?: string;
  expect: {
    kind: MessageKind;
    intent: Intent | null;
    partySize: number | null;
    attendees: string[];
    substitute?: string;
    minConfidence?: number;
    maxConfidence?: number;
  };
}

const files = ['nl', 'en', 'party', 'names', 'other'] as const;

function load(name: string): IntentFixture[] {
  const url = new URL(`../../../test/fixtures/intent/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as IntentFixture[];
}

export function anatomyOf(fixture: Pick<IntentFixture, 'text' | 'signature' | 'fromName'>): MessageAnatomy {
  return {
    messageId: 'reply-1@aanbieder.example',
    from: { address: 'reply@aanbieder.example', name: fixture.fromName ?? null },
    replyTo: null,
    to: [{ address: 'info@inkoop.example', name: null }],
    cc: [],
    subject: 'RE: UITNODIGING - 26 november consultatiebijeenkomst Inkoopstrategie Jeugdhulp 2020',
    date: new Date('2018-10-20T09:12:00Z'),
    inReplyTo: 'invite-1@inkoop.example',
    references: ['invite-1@inkoop.example'],
    bodyText: fixture.text,
    replyText: fixture.text,
    signature: fixture.signature ?? null,
    automatic: { autoReply: false, list: false, noReply: false, reasons: [] },
    bounce: null,
    calendar: null,
    forwarded: false,
    problems: [],
  };
}

describe.each(files)('intent fixtures: %s.json', (name) => {
  const cases = load(name);

  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.text.replace(/\s+/g, ' ').slice(0, 70), c] as const))('%s', (_label, fixture) => {
    const result = classifyMessage(anatomyOf(fixture));
    expect({
      kind: result.kind,
      intent: result.intent,
      partySize: result.partySize,
      attendees: result.attendees,
    }).toEqual({
      kind: fixture.expect.kind,
      intent: fixture.expect.intent,
      partySize: fixture.expect.partySize,
      attendees: fixture.expect.attendees,
    });
    if (fixture.expect.substitute !== undefined) expect(result.substitute?.name).toBe(fixture.expect.substitute);
    if (fixture.expect.minConfidence !== undefined) expect(result.confidence).toBeGreaterThanOrEqual(fixture.expect.minConfidence);
    if (fixture.expect.maxConfidence !== undefined) expect(result.confidence).toBeLessThanOrEqual(fixture.expect.maxConfidence);
    expect(result.confidence).toBeGreaterThanOrEqual(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
  });
});
