/**
 * readMessage: raw RFC 5322 bytes → MessageAnatomy, the form-level facts the intent rules and the
 * poll job work from. Pure (no I/O) and total: bad input yields an anatomy with `problems`.
 */
import type { MessageAnatomy, MailAddress } from './types.js';
import { parseMessage, type MimeLimits, type ParsedMessage } from './parse.js';
import { htmlReplyPart, htmlToText, stripQuotedReply } from './quote.js';
import { detectAutomatic } from './automatic.js';
import { detectBounce } from './bounce.js';
import { partstatFromSubject, readCalendarReply } from './calendar.js';

export interface ReadMessageOptions extends MimeLimits {
  /** Longest body text kept (characters); longer bodies are cut and a problem is noted. */
  maxTextChars?: number;
}

const DEFAULT_MAX_TEXT = 200_000;

/** Forward subjects: "Fwd:", "Fw:", Outlook NL "Doorst:", German "WG:", French "TR:". */
const FORWARD_SUBJECT = /^\s*((re|antw|aw)\s*:\s*)*(fwd?|doorst|wg|tr|vs)\s*:/i;
// [ \t]* rather than \s* after ^ (flag m): \s* runs over the newlines of every blank line from each
// line start, quadratic on a body of many blank lines (200,000 of them took 24 s).
const FORWARD_BANNER =
  /^[ \t]*(-{2,}[ \t]*(forwarded message|doorgestuurd bericht|weitergeleitete nachricht|message transféré)[ \t]*-{2,}|begin (forwarded|doorgestuurd) (message|bericht)[ \t]*:)/im;

function emptyAnatomy(problems: string[]): MessageAnatomy {
  return {
    messageId: null,
    from: null,
    replyTo: null,
    to: [],
    cc: [],
    subject: '',
    date: null,
    inReplyTo: null,
    references: [],
    bodyText: '',
    replyText: '',
    signature: null,
    automatic: { autoReply: false, list: false, noReply: false, reasons: [] },
    bounce: null,
    calendar: null,
    forwarded: false,
    problems,
  };
}

function cut(text: string, max: number, problems: string[], what: string): string {
  if (text.length <= max) return text;
  problems.push(`${what}-truncated:${text.length}`);
  return text.slice(0, max);
}

function calendarOf(parsed: ParsedMessage, raw: Buffer, problems: string[]): MessageAnatomy['calendar'] {
  const subjectPartstat = partstatFromSubject(parsed.subject);
  for (const part of parsed.parts) {
    const isCalendar =
      part.contentType === 'text/calendar' ||
      part.contentType === 'application/ics' ||
      /\.ics$/i.test(part.filename ?? '');
    if (!isCalendar) continue;
    const info = readCalendarReply(part.content.toString('utf8'));
    if (!info) continue;
    if (!info.partstat && subjectPartstat) {
      info.partstat = subjectPartstat;
      problems.push('calendar-partstat-from-subject');
    }
    if (!info.attendeeEmail && parsed.from) info.attendeeEmail = parsed.from.address.toLowerCase();
    return info;
  }
  // An iCalendar object as the body text (a gateway that flattened the part, or a bare .ics).
  const bare = raw.subarray(0, 64).toString('latin1').trimStart().toUpperCase().startsWith('BEGIN:VCALENDAR');
  const inline = /BEGIN:VCALENDAR[\s\S]*?END:VCALENDAR/i.exec(bare ? raw.toString('utf8') : parsed.text);
  if (inline) {
    const info = readCalendarReply(inline[0]);
    if (info && (info.partstat || subjectPartstat)) {
      info.partstat ??= subjectPartstat;
      problems.push('calendar-in-body-text');
      return info;
    }
  }
  // Some gateways drop the iCalendar part of an Outlook answer; its subject still says it.
  if (subjectPartstat) {
    return {
      uid: null,
      partstat: subjectPartstat,
      attendeeEmail: parsed.from?.address.toLowerCase() ?? null,
      attendeeName: parsed.from?.name ?? null,
      sequence: null,
    };
  }
  return null;
}

function toAddress(a: { address: string; name: string | null } | null): MailAddress | null {
  return a ? { address: a.address, name: a.name } : null;
}

export function readMessage(raw: Buffer, options?: ReadMessageOptions): Promise<MessageAnatomy> {
  return read(raw, options, true);
}

/**
 * readMessage with every message going through mailparser, never the direct reader of
 * fast-parse.ts. For tests that check both give the same anatomy.
 */
export function readMessageViaMailparser(raw: Buffer, options?: ReadMessageOptions): Promise<MessageAnatomy> {
  return read(raw, options, false);
}

async function read(raw: Buffer, options: ReadMessageOptions | undefined, fast: boolean): Promise<MessageAnatomy> {
  const max = options?.maxTextChars ?? DEFAULT_MAX_TEXT;
  let parsed: ParsedMessage;
  try {
    parsed = await parseMessage(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw ?? '')), { fast, maxParts: options?.maxParts, maxDepth: options?.maxDepth });
  } catch (err) {
    return emptyAnatomy([`unreadable:${err instanceof Error ? err.message : String(err)}`]);
  }
  const problems = [...parsed.problems];

  try {
    const plain = parsed.text.trim();
    const bodyText = cut(plain || (parsed.html ? htmlToText(parsed.html) : ''), max, problems, 'body');
    // The plain part is what clients quote most predictably; HTML only when there is none
    // (Outlook and Apple Mail can send HTML-only). The HTML is first cut at the quote container.
    const ownSource = plain ? bodyText : cut(htmlToText(htmlReplyPart(parsed.html)), max, problems, 'html');
    const { replyText, signature } = stripQuotedReply(ownSource, { senderName: parsed.from?.name ?? null });

    const bounce = detectBounce({
      contentType: parsed.contentType,
      contentTypeParams: parsed.contentTypeParams,
      from: parsed.from,
      to: parsed.to,
      subject: parsed.subject,
      text: bodyText,
      parts: parsed.parts,
    });
    const automatic = detectAutomatic(parsed.headers, parsed.subject, bodyText, parsed.from?.address ?? null);
    const calendar = bounce ? null : calendarOf(parsed, raw, problems);
    const forwarded =
      !bounce &&
      (FORWARD_SUBJECT.test(parsed.subject) ||
        FORWARD_BANNER.test(bodyText) ||
        parsed.parts.some((p) => p.contentType === 'message/rfc822'));

    return {
      messageId: parsed.messageId,
      from: toAddress(parsed.from),
      replyTo: toAddress(parsed.replyTo),
      to: parsed.to.map((a) => ({ address: a.address, name: a.name })),
      cc: parsed.cc.map((a) => ({ address: a.address, name: a.name })),
      subject: parsed.subject,
      date: parsed.date,
      inReplyTo: parsed.inReplyTo,
      references: parsed.references,
      bodyText,
      replyText,
      signature,
      automatic,
      bounce,
      calendar,
      forwarded,
      problems,
    };
  } catch (err) {
    // A bug in one detector must not lose the message: keep the headers, note the problem.
    const fallback = emptyAnatomy([...problems, `analysis-failed:${err instanceof Error ? err.message : String(err)}`]);
    return {
      ...fallback,
      messageId: parsed.messageId,
      from: toAddress(parsed.from),
      replyTo: toAddress(parsed.replyTo),
      to: parsed.to,
      cc: parsed.cc,
      subject: parsed.subject,
      date: parsed.date,
      inReplyTo: parsed.inReplyTo,
      references: parsed.references,
      bodyText: parsed.text.slice(0, max),
      replyText: parsed.text.slice(0, max),
    };
  }
}
