/**
 * MIME → a flat, normalised view of one message: raw header values, the text and HTML bodies,
 * and the non-body parts (delivery-status, returned messages, calendar parts).
 *
 * Built on mailparser's simpleParser. Never throws: a message mailparser cannot read still yields
 * its headers (read by hand from the top of the raw bytes) and a `problems` list.
 */
import { simpleParser } from 'mailparser';
import iconv from 'iconv-lite';
import { decodeHeaderWords, fastParse, type MailAddressEntry, type MailFields } from './fast-parse.js';

/** Header name (lower case) → every value it had, unfolded, in order. Encoded words left as is. */
export type HeaderMap = ReadonlyMap<string, readonly string[]>;

export interface MessagePart {
  /** Lower-case MIME type, e.g. "message/delivery-status". */
  contentType: string;
  filename: string | null;
  content: Buffer;
}

export interface ParsedAddress {
  address: string;
  name: string | null;
}

export interface ParsedMessage {
  headers: HeaderMap;
  /** Top-level Content-Type without parameters, lower case; "text/plain" when missing. */
  contentType: string;
  /** Parameters of the top-level Content-Type (lower-case names), e.g. report-type. */
  contentTypeParams: Record<string, string>;
  subject: string;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  date: Date | null;
  from: ParsedAddress | null;
  replyTo: ParsedAddress | null;
  to: ParsedAddress[];
  cc: ParsedAddress[];
  /** The text/plain body (mailparser joins inline text parts), '' when none. */
  text: string;
  /** The text/html body, '' when none. */
  html: string;
  /** Parts that are not the body: attachments, delivery-status, returned messages, calendars. */
  parts: MessagePart[];
  problems: string[];
}

/** Unfolds header lines (RFC 5322 §2.2.3) read from the raw header block. */
export function readHeaderBlock(raw: string): Map<string, string[]> {
  const end = raw.search(/\r?\n\r?\n/);
  const block = end === -1 ? raw : raw.slice(0, end);
  const headers = new Map<string, string[]>();
  let current: { key: string; value: string } | null = null;
  const flush = () => {
    if (!current) return;
    const list = headers.get(current.key) ?? [];
    list.push(current.value.trim());
    headers.set(current.key, list);
    current = null;
  };
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && current) {
      current.value += ' ' + line.trim();
      continue;
    }
    flush();
    const m = /^([!-9;-~]+):(.*)$/.exec(line);
    if (m) current = { key: m[1]!.toLowerCase(), value: m[2]! };
  }
  flush();
  return headers;
}

export function firstHeader(headers: HeaderMap, name: string): string | null {
  return headers.get(name.toLowerCase())?.[0] ?? null;
}

function stripAngles(id: string): string {
  return id.trim().replace(/^<|>$/g, '').trim();
}

/** Message-IDs in a References / In-Reply-To value (RFC 5322 §3.6.4), without <>. */
export function readMessageIds(value: string | null | undefined): string[] {
  if (!value) return [];
  const ids = [...value.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
  if (ids.length > 0) return ids;
  const bare = value.trim();
  return bare && !/\s/.test(bare) ? [bare] : [];
}

function addressesOf(value: MailFields['to']): ParsedAddress[] {
  if (!value) return [];
  const list = Array.isArray(value) ? value : [value];
  const out: ParsedAddress[] = [];
  const walk = (entries: MailAddressEntry[]) => {
    for (const entry of entries) {
      if (entry.group) walk(entry.group);
      else if (entry.address) out.push({ address: entry.address, name: entry.name?.trim() || null });
    }
  };
  for (const item of list) walk(item.value);
  return out;
}

/** A bare "Name <addr>" reader for the fallback path when mailparser gave up. */
function addressFromHeader(value: string | null): ParsedAddress | null {
  if (!value) return null;
  const angled = /^\s*"?([^"<]*?)"?\s*<([^<>\s]+@[^<>\s]+)>/.exec(value);
  if (angled) return { address: angled[2]!, name: angled[1]!.trim() || null };
  const bare = /([^\s<>,;"]+@[^\s<>,;"]+)/.exec(value);
  return bare ? { address: bare[1]!, name: null } : null;
}

function contentTypeOf(headers: HeaderMap): { type: string; params: Record<string, string> } {
  const value = firstHeader(headers, 'content-type');
  if (!value) return { type: 'text/plain', params: {} };
  const [type, ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const m = /^\s*([^=\s]+)\s*=\s*"?([^"]*)"?\s*$/.exec(p);
    if (m) params[m[1]!.toLowerCase()] = m[2]!;
  }
  return { type: (type ?? 'text/plain').trim().toLowerCase() || 'text/plain', params };
}

/**
 * Charsets named anywhere in the message that iconv-lite cannot decode. mailparser then falls back
 * to UTF-8 silently (mojibake), so the caller is told.
 */
function unknownCharsets(raw: string): string[] {
  const found = new Set<string>();
  for (const m of raw.matchAll(/charset\s*=\s*"?([A-Za-z0-9_.:+-]+)"?/gi)) {
    const cs = m[1]!;
    if (!iconv.encodingExists(cs)) found.add(String(cs).toLowerCase());
  }
  // RFC 2047 encoded words in headers: =?charset?Q|B?...?=
  for (const m of raw.matchAll(/=\?([^?*\s]+)(?:\*[^?]*)?\?[QqBb]\?/g)) {
    const cs = m[1]!;
    if (!iconv.encodingExists(cs)) found.add(String(cs).toLowerCase());
  }
  return [...found];
}

/**
 * Bounds on the MIME tree a message may have before it is read at all. A "message bomb" (tens of
 * thousands of parts, or multiparts nested thousands deep) would otherwise make mailparser build
 * every node; beyond these limits the message keeps its headers, gets no body, and a
 * `mime-limit:` problem, so the poll hands it to the review queue.
 */
export interface MimeLimits {
  /** Most body parts (delimiter lines, RFC 2046 §5.1.1) read; default DEFAULT_MIME_LIMITS.maxParts. */
  maxParts?: number;
  /** Deepest nesting of multiparts read; default DEFAULT_MIME_LIMITS.maxDepth. */
  maxDepth?: number;
}

export const DEFAULT_MIME_LIMITS = { maxParts: 500, maxDepth: 25 } as const;

export interface ParseOptions extends MimeLimits {
  /**
   * Read common shapes directly (fast-parse.ts) instead of through mailparser; default true. The
   * result is the same either way; false exists so tests can compare the two.
   */
  fast?: boolean;
}

export interface MimeShape {
  /** Delimiter lines of declared boundaries, closing ones not counted: the number of body parts. */
  parts: number;
  /** Deepest nesting of those boundaries. */
  depth: number;
}

/**
 * Counts the parts and the nesting of a message's multiparts in one pass over its lines, without
 * building anything: the boundaries declared in Content-Type parameters, then every line that
 * starts with "--" and one of them. A delimiter of a boundary not yet open opens a level below the
 * current one; a delimiter of an open one closes the levels inside it (a missing close delimiter,
 * RFC 2046 §5.1.2); "--boundary--" closes its own level too. Stops counting once a limit is passed.
 */
export function scanMimeShape(latin: string, stopAt: { parts: number; depth: number } = { parts: Infinity, depth: Infinity }): MimeShape {
  const declared = new Set<string>();
  for (const m of latin.matchAll(/\bboundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))/gi)) declared.add((m[1] ?? m[2])!);
  const shape: MimeShape = { parts: 0, depth: 0 };
  if (declared.size === 0) return shape;
  const stack: string[] = [];
  let pos = latin.startsWith('--') ? 0 : latin.indexOf('\n--');
  while (pos !== -1) {
    const start = latin.charCodeAt(pos) === 0x0a ? pos + 3 : pos + 2;
    let end = latin.indexOf('\n', start);
    if (end === -1) end = latin.length;
    // The boundary and what follows it on the line: "--" for a close delimiter, then blanks.
    let token = latin.slice(start, Math.min(end, start + 260)).replace(/[ \t\r]+$/, '');
    let closing = false;
    if (!declared.has(token) && token.endsWith('--')) {
      token = token.slice(0, -2);
      closing = true;
    }
    if (declared.has(token)) {
      const at = stack.lastIndexOf(token);
      if (at === -1) {
        if (!closing) stack.push(token);
      } else {
        stack.length = closing ? at : at + 1;
      }
      if (!closing) shape.parts++;
      if (stack.length > shape.depth) shape.depth = stack.length;
      if (shape.parts > stopAt.parts || shape.depth > stopAt.depth) break;
    }
    pos = latin.indexOf('\n--', end);
  }
  return shape;
}

/**
 * A multipart whose declared boundary occurs nowhere, but whose body opens with a delimiter line
 * of another boundary followed by part headers: a gateway rewrote one and not the other (or a
 * person edited the headers). The header is given the boundary the body uses, so the parts are
 * read instead of being shown as raw MIME text.
 */
function repairBoundary(latin: string): { latin: string; boundary: string } | null {
  const bodyStart = latin.search(/\r?\n\r?\n/);
  if (bodyStart === -1) return null;
  const body = latin.slice(bodyStart, bodyStart + 64 * 1024);
  const found = /\n--([\x21-\x7e]{1,70}?)[ \t]*\r?\n[Cc]ontent-[A-Za-z-]+:/.exec(body);
  if (!found) return null;
  // Only when nothing but a MIME preamble precedes it: text there is what the sender wrote.
  const preamble = body.slice(0, found.index).trim();
  if (preamble && !/^this is a multi-?part message in mime format\.?$/i.test(preamble)) return null;
  const boundary = found[1]!;
  const head = latin.slice(0, bodyStart);
  const fixed = head.replace(/((?:^|\n)content-type:[^]*?boundary\s*=\s*)("[^"\r\n]*"|[^\s;]+)/i, (_m, lead: string) => `${lead}"${boundary}"`);
  if (fixed === head) return null;
  return { latin: fixed + latin.slice(bodyStart), boundary };
}

/** Postfix's header_size_limit: the most of one header field, folded lines included, that is kept. */
const MAX_HEADER_FIELD = 102_400;

/**
 * Header fields longer than MAX_HEADER_FIELD are cut there, at a line end, as Postfix cuts them
 * (header_size_limit): a Subject folded over a million lines took seconds to read (found by the
 * fuzz test's folding). One pass over the header block, and only when the block is that large.
 */
function capHeaderFields(latin: string): string {
  const m = /\r?\n\r?\n/.exec(latin);
  const end = m ? m.index : latin.length;
  if (end <= MAX_HEADER_FIELD) return latin;
  const out: string[] = [];
  let fieldStart = 0;
  let pos = 0;
  let cut = false;
  while (pos < end) {
    let nl = latin.indexOf('\n', pos);
    if (nl === -1 || nl >= end) nl = end;
    const lineEnd = nl === end ? end : nl + 1;
    const continued = pos > 0 && (latin.charCodeAt(pos) === 0x20 || latin.charCodeAt(pos) === 0x09);
    if (!continued) fieldStart = pos;
    const room = MAX_HEADER_FIELD - (pos - fieldStart);
    if (lineEnd - pos <= room) {
      out.push(latin.slice(pos, lineEnd));
    } else {
      cut = true;
      // The first line of a field is kept up to the limit; its further folds go.
      if (!continued) out.push(latin.slice(pos, pos + MAX_HEADER_FIELD), lineEnd === end ? '' : '\r\n');
      else fieldStart = pos - MAX_HEADER_FIELD; // what follows of this field goes too
    }
    pos = lineEnd;
  }
  if (!cut) return latin;
  const head = out.join('');
  const rest = latin.slice(end);
  return head.endsWith('\n') ? head + rest.replace(/^\r?\n/, '') : head + rest;
}

/** Longest run of non-blank characters kept in the plain text; see shortenLongWords. */
const MAX_WORD = 2000;

function isBlank(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f;
}

/**
 * A "word" of thousands of characters (a pasted blob, a broken encoding) says nothing about
 * attending, yet cost the intent and party rules up to seconds (found by the fuzz test). Its middle
 * goes; both ends stay, so what it touches on either side reads as before. One linear pass (a
 * regular expression like /\S{2001,}/ is quadratic on runs just under its length).
 */
export function shortenLongWords(text: string): string {
  let out: string[] | null = null;
  let copied = 0;
  let runStart = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && !isBlank(text.charCodeAt(i))) continue;
    if (i - runStart > MAX_WORD) {
      out ??= [];
      out.push(text.slice(copied, runStart + MAX_WORD / 2), '…', text.slice(i - MAX_WORD / 2, i));
      copied = i;
    }
    runStart = i + 1;
  }
  if (!out) return text;
  out.push(text.slice(copied));
  return out.join('');
}

/** Longest run of spaces and tabs kept; see parseMessage. */
const MAX_BLANK_RUN = 256;
const LONG_BLANK_RUN = new RegExp(`[ \\t]{${MAX_BLANK_RUN + 1}}`);
const LONG_BLANK_RUN_ALL = new RegExp(`[ \\t]{${MAX_BLANK_RUN + 1},}`, 'g');

export async function parseMessage(input: Buffer, options: ParseOptions = {}): Promise<ParsedMessage> {
  const problems: string[] = [];
  let raw = input;
  // Classic Mac OS line ends (bare CR, no LF at all): neither mailparser nor the header reader
  // would find a single line break.
  if (raw.includes(0x0d) && !raw.includes(0x0a)) {
    raw = Buffer.from(raw.toString('latin1').replace(/\r/g, '\r\n'), 'latin1');
    problems.push('bare-cr-line-ends');
  }
  let latin = raw.toString('latin1');
  const capped = capHeaderFields(latin);
  if (capped !== latin) {
    latin = capped;
    raw = Buffer.from(latin, 'latin1');
    problems.push('header-field-cut');
  }
  if (LONG_BLANK_RUN.test(latin)) {
    // A run of thousands of blanks inside a line makes libqp (mailparser's quoted-printable
    // decoder: /[\t ]+$/gm) and the quote and signature rules quadratic, minutes for one
    // message (found by the fuzz test). No mail means anything by such a run: it is shortened.
    latin = latin.replace(LONG_BLANK_RUN_ALL, (run) => run.slice(0, MAX_BLANK_RUN));
    raw = Buffer.from(latin, 'latin1');
    problems.push('long-blank-runs-shortened');
  }
  let headers = readHeaderBlock(latin);
  let { type, params } = contentTypeOf(headers);
  if (/^multipart\//.test(type) && params.boundary && !latin.includes(`--${params.boundary}`)) {
    const repaired = repairBoundary(latin);
    if (repaired) {
      latin = repaired.latin;
      raw = Buffer.from(latin, 'latin1');
      headers = readHeaderBlock(latin);
      ({ type, params } = contentTypeOf(headers));
      problems.push(`multipart-boundary-repaired:${repaired.boundary}`);
    }
  }
  for (const cs of unknownCharsets(latin.slice(0, 2_000_000))) problems.push(`unknown-charset:${cs}`);
  if (headers.size === 0) problems.push('no-headers');
  if (/^multipart\//.test(type) && !params.boundary) problems.push('multipart-without-boundary');
  else if (params.boundary && !latin.includes(`--${params.boundary}`)) problems.push('multipart-boundary-not-found');

  const maxParts = options.maxParts ?? DEFAULT_MIME_LIMITS.maxParts;
  const maxDepth = options.maxDepth ?? DEFAULT_MIME_LIMITS.maxDepth;
  const shape = scanMimeShape(latin, { parts: maxParts, depth: maxDepth });
  if (shape.parts > maxParts) problems.push(`mime-limit:more than ${maxParts} parts`);
  else if (shape.depth > maxDepth) problems.push(`mime-limit:multiparts nested deeper than ${maxDepth}`);

  let mail: MailFields | null = null;
  const overLimit = problems.some((p) => p.startsWith('mime-limit:'));
  if (overLimit) {
    // Headers only: no part of the body is read (see MimeLimits).
    return headersOnly(raw, latin, headers, type, params, problems, false);
  }
  if (options.fast !== false) {
    try {
      mail = fastParse(raw);
    } catch {
      // Whatever the direct reader trips over, mailparser gets to read.
      mail = null;
    }
  }
  if (!mail) try {
    // keepDeliveryStatus: without it mailparser 3.9 merges message/delivery-status into `text`
    // (lib/mail-parser.js textTypes); with it the report arrives as a part we can read per field.
    mail = await simpleParser(raw, {
      keepDeliveryStatus: true,
      skipImageLinks: true,
      skipTextToHtml: true,
      // HTML-only mail is converted by quote.ts, which cuts the quote container first.
      skipHtmlToText: true,
    });
  } catch (err) {
    problems.push(`mime-unreadable:${err instanceof Error ? err.message : String(err)}`);
  }

  if (!mail) return headersOnly(raw, latin, headers, type, params, problems, true);

  if (mail.problems) problems.push(...mail.problems);
  const from = addressesOf(mail.from)[0] ?? addressFromHeader(firstHeader(headers, 'from'));
  if (!firstHeader(headers, 'from')) problems.push('missing-header:from');
  if (!firstHeader(headers, 'message-id')) problems.push('missing-header:message-id');
  // mailparser puts the current time in `date` when the Date header is unreadable; a pure
  // reader must not, so the header is read here (RFC 5322 §3.3; V8 accepts its forms).
  const dateHeader = firstHeader(headers, 'date');
  const date = safeDate(dateHeader ? decodeComments(dateHeader) : null);
  if (dateHeader && !date) problems.push('unreadable-header:date');

  let text = typeof mail.text === 'string' ? mail.text : '';
  const html = typeof mail.html === 'string' ? mail.html : '';
  if (!text.trim() && !html.trim() && problems.some((p) => p.startsWith('multipart-'))) {
    // A multipart whose boundary never occurs: mailparser sees only a preamble and returns no
    // body. The bytes after the headers are then the best guess at what the sender wrote.
    const bodyStart = latin.search(/\r?\n\r?\n/);
    text = bodyStart === -1 ? '' : raw.subarray(bodyStart).toString('utf8').trim();
  }
  const shortened = shortenLongWords(text);
  if (shortened !== text) {
    text = shortened;
    problems.push('long-words-shortened');
  }

  const references = Array.isArray(mail.references)
    ? mail.references.flatMap((r) => readMessageIds(r))
    : readMessageIds(mail.references);

  const parts: MessagePart[] = (mail.attachments ?? []).map((a) => ({
    contentType: (a.contentType ?? 'application/octet-stream').toLowerCase(),
    filename: a.filename ?? null,
    content: Buffer.isBuffer(a.content) ? a.content : Buffer.from([]),
  }));

  return {
    headers,
    contentType: type,
    contentTypeParams: params,
    subject: mail.subject ?? '',
    messageId: mail.messageId ? stripAngles(mail.messageId) : null,
    inReplyTo: readMessageIds(mail.inReplyTo)[0] ?? null,
    references,
    date,
    from,
    replyTo: addressesOf(mail.replyTo)[0] ?? null,
    to: addressesOf(mail.to),
    cc: addressesOf(mail.cc),
    text,
    html,
    parts,
    problems,
  };
}

/** What can be read without a MIME parser: the header lines, and the body bytes as text when `withBody`. */
function headersOnly(
  raw: Buffer,
  latin: string,
  headers: HeaderMap,
  type: string,
  params: Record<string, string>,
  problems: string[],
  withBody: boolean,
): ParsedMessage {
  const bodyStart = latin.search(/\r?\n\r?\n/);
  // latin1 is one byte per character, so the string index is the byte offset.
  const body = !withBody || bodyStart === -1 ? '' : raw.subarray(bodyStart).toString('utf8');
  const decode = (value: string | null) => (value === null ? null : decodeWordsLoosely(value));
  return {
    headers,
    contentType: type,
    contentTypeParams: params,
    subject: decode(firstHeader(headers, 'subject')) ?? '',
    messageId: readMessageIds(firstHeader(headers, 'message-id'))[0] ?? null,
    inReplyTo: readMessageIds(firstHeader(headers, 'in-reply-to'))[0] ?? null,
    references: readMessageIds(firstHeader(headers, 'references')),
    date: safeDate(firstHeader(headers, 'date')),
    from: addressFromHeader(firstHeader(headers, 'from')),
    replyTo: addressFromHeader(firstHeader(headers, 'reply-to')),
    to: [],
    cc: [],
    text: body.trim(),
    html: '',
    parts: [],
    problems,
  };
}

/** RFC 2047 encoded words in a header value, as far as they can be decoded; the value as is otherwise. */
function decodeWordsLoosely(value: string): string {
  try {
    return decodeHeaderWords(value);
  } catch {
    return value;
  }
}

function safeDate(value: string | null): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Drops RFC 5322 comments such as "(CEST)" that some Date parsers choke on. */
function decodeComments(value: string): string {
  return value.replace(/\([^()]*\)/g, ' ').replace(/\s+/g, ' ').trim();
}
