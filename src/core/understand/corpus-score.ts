/**
 * Scoring one Classification against what a careful coordinator concluded from the same mail
 * (the NAME.json beside each test/fixtures/replies/<group>/NAME.eml). Pure: the corpus test and
 * scripts/eval.ts read the files and hand the contents here, so both count the same way.
 */
import type { Classification, Intent, MessageKind } from './types.js';

export interface ReplyExpectation {
  kind: MessageKind;
  intent: Intent | null;
  partySize: number | null;
  attendees: string[];
  /** Exact own text (trimmed, line ends normalised); or the two lists below when exact is brittle. */
  replyText?: string;
  replyTextIncludes?: string[];
  replyTextExcludes?: string[];
  /** Why the case is in the corpus; for people reading a miss. */
  note?: string;
}

export const FIGURES = ['kind', 'intent', 'partySize', 'attendees', 'replyText'] as const;
export type Figure = (typeof FIGURES)[number];

export interface FigureScore {
  figure: Figure;
  ok: boolean;
  expected: unknown;
  got: unknown;
}

const clean = (s: string) => s.replace(/\r\n?/g, '\n').replace(/[ \t]+\n/g, '\n').trim();

function sameNames(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const sa = [...a].sort();
  const sb = [...b].sort();
  return sa.every((x, i) => x === sb[i]);
}

/**
 * The figures that apply to this expectation, each right or wrong. Intent is scored for human
 * mail (rsvp and other: "other" must not get an intent); party size and attendees only where the
 * coordinator saw an RSVP, so automatic mail does not inflate them.
 */
export function scoreReply(expected: ReplyExpectation, got: Classification): FigureScore[] {
  const out: FigureScore[] = [{ figure: 'kind', ok: got.kind === expected.kind, expected: expected.kind, got: got.kind }];
  if (expected.kind === 'rsvp' || expected.kind === 'other') {
    out.push({ figure: 'intent', ok: got.intent === expected.intent, expected: expected.intent, got: got.intent });
  }
  if (expected.kind === 'rsvp') {
    out.push({ figure: 'partySize', ok: got.partySize === expected.partySize, expected: expected.partySize, got: got.partySize });
    out.push({
      figure: 'attendees',
      ok: sameNames(expected.attendees, got.attendees),
      expected: expected.attendees,
      got: got.attendees,
    });
  }
  const text = clean(got.replyText);
  if (expected.replyText !== undefined) {
    out.push({ figure: 'replyText', ok: text === clean(expected.replyText), expected: expected.replyText, got: got.replyText });
  } else if (expected.replyTextIncludes || expected.replyTextExcludes) {
    const missing = (expected.replyTextIncludes ?? []).filter((s) => !text.includes(s));
    const present = (expected.replyTextExcludes ?? []).filter((s) => text.includes(s));
    out.push({
      figure: 'replyText',
      ok: missing.length === 0 && present.length === 0,
      expected: { includes: expected.replyTextIncludes ?? [], excludes: expected.replyTextExcludes ?? [] },
      got: got.replyText,
    });
  }
  return out;
}

export interface Tally {
  n: number;
  ok: number;
}

/** Accuracy per figure over many scored messages; a figure with no cases is absent. */
export function tallyFigures(scores: FigureScore[][]): Map<Figure, Tally> {
  const t = new Map<Figure, Tally>();
  for (const message of scores) {
    for (const s of message) {
      const cur = t.get(s.figure) ?? { n: 0, ok: 0 };
      cur.n++;
      if (s.ok) cur.ok++;
      t.set(s.figure, cur);
    }
  }
  return t;
}

export const accuracy = (t: Tally | undefined): number => (t && t.n > 0 ? t.ok / t.n : 1);
