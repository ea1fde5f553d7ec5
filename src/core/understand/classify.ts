/**
 * One message → one Classification (the shape of `rsvp classify --json`, CONTRACT.md). Pure and
 * synchronous over a MessageAnatomy: the form of the mail decides first (a delivery report, an
 * automatic reply, an iCalendar REPLY), then the intent rules read the sender's own text.
 */
import { cleanName, detectAttendees, registeredNames } from './names.js';
import { readIntent } from './intent.js';
import { detectPartySize } from './party.js';
import { builtInRules, type IntentRule } from './rules.js';
import { readMessage, type ReadMessageOptions } from './anatomy.js';
import type { Classification, Intent, MessageAnatomy } from './types.js';

export interface ClassifyOptions {
  /**
   * Rules added to the built-in ones: the admin's `rules.extra` from the config, passed as they are
   * (src/cli/classify.ts and src/inbound/process.ts do so).
   */
  rules?: IntentRule[];
  /** Use `rules` alone, without the built-in ones (tests of a single rule). */
  replaceBuiltIn?: boolean;
}

export interface ClassifyRawOptions extends ClassifyOptions, ReadMessageOptions {}

/**
 * Outlook and other clients answer a meeting request with a subject like "Geaccepteerd: …" and
 * often no text; when the body says nothing the subject prefix is taken, with less certainty.
 */
const subjectPrefixes: [RegExp, Intent][] = [
  [/^\s*(?:accepted|geaccepteerd|aanvaard|accepté|akzeptiert|aanmelding|aangemeld)\s*[:\-–]/iu, 'accept'],
  [/^\s*(?:declined|afgewezen|geweigerd|afgeslagen|refusé|abgelehnt|afmelding|afgemeld)\s*[:\-–]/iu, 'decline'],
  [/^\s*(?:tentative|tentatively accepted|voorlopig(?:\s+geaccepteerd)?|onder voorbehoud)\s*[:\-–]/iu, 'tentative'],
];

const round = (n: number) => Math.round(n * 100) / 100;

export function classifyMessage(anatomy: MessageAnatomy, options: ClassifyOptions = {}): Classification {
  const rules = options.replaceBuiltIn ? (options.rules ?? []) : [...builtInRules, ...(options.rules ?? [])];
  const replyText = anatomy.replyText.trim();
  const base = { replyText, attendees: [] as string[], partySize: null, intent: null };

  if (anatomy.bounce) {
    return { ...base, kind: 'bounce', confidence: 0.99, reasons: ['bounce:delivery-report'], bounce: anatomy.bounce };
  }
  if (anatomy.automatic.autoReply) {
    return { ...base, kind: 'auto_reply', confidence: 0.95, reasons: [...anatomy.automatic.reasons] };
  }

  if (anatomy.automatic.list) {
    // RFC 2919 List-Id / RFC 2369 List-Unsubscribe / Precedence: list or bulk: a newsletter or digest
    // sent to many, not a person answering, whatever it says about the meeting ("Ja, ik kom!").
    return { ...base, kind: 'other', confidence: 0.9, reasons: [...anatomy.automatic.reasons, 'automatic:list'] };
  }

  const partstat = anatomy.calendar?.partstat ?? null;
  // Outlook lets a person decline the meeting and write "mijn collega komt in mijn plaats" in the
  // answer; the calendar speaks for the sender only, the text for who comes from their side.
  const substituteInText = partstat === 'DECLINED' && replyText.length > 0 && readIntent(replyText, rules).substitute;
  if (anatomy.calendar && partstat && !substituteInText) {
    // RFC 5546 §3.2.3: an ATTENDEE answers a REQUEST with METHOD:REPLY and its PARTSTAT.
    const intent: Intent = partstat === 'ACCEPTED' ? 'accept' : partstat === 'DECLINED' ? 'decline' : 'tentative';
    const name = cleanName(anatomy.calendar.attendeeName) ?? cleanName(anatomy.from?.name ?? null);
    const attends = intent !== 'decline';
    return {
      ...base,
      kind: 'rsvp',
      intent,
      // The calendar answers for its one attendee: tentative is that person, maybe (CONTRACT.md:
      // partySize counts who would come as stated; the coordinator plans a seat for them).
      partySize: intent === 'decline' ? 0 : 1,
      attendees: attends && name && !name.includes('@') ? [name] : [],
      confidence: 0.98,
      reasons: [`calendar:partstat=${partstat}`],
      calendar: anatomy.calendar,
    };
  }

  const reading = readIntent(replyText, rules);
  let { intent, confidence } = reading;
  const reasons = [...reading.reasons];
  if (intent === null && !reading.question && !reading.notRsvp) {
    const subject = anatomy.subject.replace(/^\s*(?:(?:re|antw|aw|fw|fwd|doorst)\s*:\s*)+/iu, '');
    const hit = subjectPrefixes.find(([re]) => re.test(subject));
    if (hit) {
      intent = hit[1];
      confidence = 0.75;
      reasons.push(`subject:${intent}`);
    }
  }
  if (intent === null && !reading.question && !reading.notRsvp && registeredNames(replyText).length > 0) {
    // Names given for registration ("graag twee plaatsen op naam van …", a table of participants)
    // with no rule about attending: an acceptance for them, below the review threshold.
    intent = 'accept';
    confidence = 0.7;
    reasons.push('names:registration');
  }

  if (intent === null) {
    // Nothing about attending: a question, thanks, or anything else for a person to read.
    const confidenceOther = replyText.length === 0 ? 0.5 : reading.question ? 0.8 : 0.7;
    return { ...base, kind: 'other', confidence: confidenceOther, reasons };
  }

  if (anatomy.automatic.noReply) {
    // A no-reply system is not someone answering; a person should look first.
    confidence = Math.min(confidence, 0.5);
    reasons.push('automatic:no-reply');
  }
  const party = detectPartySize(replyText, intent, reading);
  const names = detectAttendees(replyText, anatomy.signature, anatomy.from, intent, party.partySize, reading);
  const result: Classification = {
    kind: 'rsvp',
    intent,
    partySize: party.partySize,
    attendees: names.attendees,
    replyText,
    confidence: round(confidence),
    reasons: [...reasons, ...party.reasons, ...names.reasons],
  };
  if (reading.substitute) {
    // The sender cannot come and names who comes instead: per the contract the people attending
    // from the sender's side count, so this is an acceptance for one, with the substitute named
    // (the sender is not among the attendees).
    result.substitute = names.attendees[0] ? { name: names.attendees[0] } : null;
  }
  return result;
}

/** Raw RFC 5322 bytes → Classification: readMessage (anatomy.ts), then classifyMessage. */
export async function classifyRaw(raw: Buffer, options: ClassifyRawOptions = {}): Promise<Classification> {
  const { rules, replaceBuiltIn, ...readOptions } = options;
  const anatomy = await readMessage(raw, readOptions);
  return classifyMessage(anatomy, { ...(rules ? { rules } : {}), ...(replaceBuiltIn ? { replaceBuiltIn } : {}) });
}
