/**
 * A direct MIME reader, so that ordinary messages skip mailparser's stream machinery (about two
 * thirds of the time readMessage spent on a typical reply went to it). It reads single-part
 * messages and multipart trees (alternative, mixed, report, related; nested up to 6 deep) whose
 * text parts are text/plain or text/html in 7bit / 8bit / binary / quoted-printable / base64
 * (RFC 2045 §6), format=flowed or not (RFC 3676), in UTF-8, US-ASCII, ISO-8859-1/-15 or
 * Windows-1252; other parts (calendar answers, delivery-status reports, returned messages,
 * attachments) become attachments with their decoded bytes, as mailparser makes them.
 *
 * It yields the same fields simpleParser would (parse.ts reads only these), computed with the same
 * helpers mailparser uses (libmime for header values, encoded words (RFC 2047) and flowed text,
 * iconv-lite, and the addressparser of the nodemailer copy mailparser itself loads), and cuts parts
 * where mailsplit cuts them. Anything it is not sure to read the same way returns null and goes to
 * mailparser: other charsets, an inline message/rfc822, plain text beside HTML outside an
 * alternative, duplicate or non-ASCII structural headers, odd or missing delimiters, encoded words
 * standing for an address, IDN domains, an octet-stream with a file name, an mbox "From " line.
 * fast-parse.test.ts runs every fixture through both paths and compares the results.
 */
import { createRequire } from 'node:module';
import iconv from 'iconv-lite';

/** An address as mailparser's addressparser gives it (groups nest). */
export interface MailAddressEntry {
  address?: string;
  name?: string;
  group?: MailAddressEntry[];
}

/** The subset of mailparser's ParsedMail that parse.ts reads; ParsedMail is assignable to it. */
export interface MailFields {
  subject?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string | string[];
  from?: { value: MailAddressEntry[] };
  replyTo?: { value: MailAddressEntry[] };
  to?: { value: MailAddressEntry[] } | { value: MailAddressEntry[] }[];
  cc?: { value: MailAddressEntry[] } | { value: MailAddressEntry[] }[];
  text?: string;
  html?: string | false;
  attachments?: { contentType?: string; filename?: string; content: unknown }[];
  /** What the direct reader read other than as labelled (never set by mailparser). */
  problems?: string[];
}

interface StructuredValue {
  value: string;
  params: Record<string, string>;
}

interface Libmime {
  decodeHeader(line: string): { key: string; value: string };
  decodeWords(value: string): string;
  parseHeaderValue(value: string): StructuredValue;
  decodeFlowed(value: string, delSp?: boolean): string;
  normalizeCharset(charset: string): string;
}

interface Helpers {
  libmime: Libmime;
  addressparser: (value: string) => MailAddressEntry[];
}

let helpers: Helpers | null = null;

/**
 * mailparser's own helpers, loaded on first use (CommonJS, untyped). The addressparser must be the
 * one from the nodemailer copy mailparser depends on (it ships its own, older than the project's).
 */
function load(): Helpers {
  if (helpers) return helpers;
  const require = createRequire(import.meta.url);
  const fromMailparser = createRequire(require.resolve('mailparser'));
  helpers = {
    libmime: fromMailparser('libmime') as Libmime,
    addressparser: fromMailparser('nodemailer/lib/addressparser') as Helpers['addressparser'],
  };
  return helpers;
}

interface HeaderLine {
  key: string;
  /** The raw line, folds kept as CRLF + WSP, bytes as latin1 characters. */
  line: string;
}

/**
 * Header lines as mailsplit splits them (lib/headers.js _parseHeaders): folded lines joined with
 * CRLF, keys lower case. null for the cases mailsplit treats specially (mbox "From " line).
 */
function splitHeaderLines(block: string): HeaderLine[] | null {
  const rawLines = block.replace(/[\r\n]+$/, '').split(/\r?\n/);
  if (/^(From |POST )/i.test(rawLines[0] ?? '') || /^[ \t]/.test(rawLines[0] ?? '')) return null;
  const lines: HeaderLine[] = [];
  for (const raw of rawLines) {
    if ((raw.startsWith(' ') || raw.startsWith('\t')) && lines.length > 0) {
      lines[lines.length - 1]!.line += '\r\n' + raw;
    } else {
      lines.push({ key: raw.slice(0, Math.max(0, raw.indexOf(':'))).trim().toLowerCase(), line: raw });
    }
  }
  return lines;
}

/** The header block and where the body starts: the first empty line ends the headers. */
function splitEntity(latin: string): { headers: string; bodyStart: number } | null {
  if (latin.startsWith('\n') || latin.startsWith('\r\n')) return null;
  const m = /\n(\r?\n)/.exec(latin);
  if (!m) return null;
  return { headers: latin.slice(0, m.index + 1), bodyStart: m.index + 1 + m[1]!.length };
}

/** A header value as mailsplit's Headers.getFirst gives it; the raw line when not valid UTF-8. */
function valueOf(lib: Libmime, line: string): string {
  const utf8 = Buffer.from(line, 'latin1').toString('utf8');
  const decoded = utf8.includes('\uFFFD') ? line : utf8;
  return (lib.decodeHeader(decoded).value || '').toString().trim();
}

interface Structure {
  type: string;
  params: Record<string, string>;
  encoding: string;
  /** Content-Disposition value, lower case; '' when none. */
  disposition: string;
  filename: string | undefined;
}

/** Content-Type / -Transfer-Encoding / -Disposition of one entity; null when not plain enough. */
function structureOf(lib: Libmime, lines: HeaderLine[], allowDisposition: boolean): Structure | null {
  const pick = (key: string): string | null | undefined => {
    const found = lines.filter((l) => l.key === key);
    if (found.length > 1) return undefined;
    return found[0] ? found[0].line : null;
  };
  const ct = pick('content-type');
  const cte = pick('content-transfer-encoding');
  const cd = pick('content-disposition');
  if (ct === undefined || cte === undefined || cd === undefined) return null;
  // Non-ASCII or comments in these would need mailsplit's exact handling; leave them to it.
  for (const l of [ct, cte, cd]) if (l !== null && /[^\x20-\x7e\r\n\t]|\(/.test(l)) return null;
  if (cd !== null && !allowDisposition) return null;
  // Without a Content-Type mailsplit guesses one from the file name in Content-Disposition.
  if (ct === null && cd !== null) return null;
  const parsed = lib.parseHeaderValue(ct === null ? 'text/plain' : valueOf(lib, ct));
  const type = (parsed.value || '').toLowerCase().trim();
  if (!type) return null;
  const encoding = cte === null ? '' : valueOf(lib, cte).toLowerCase().trim();
  let filename: string | undefined;
  let disposition = '';
  if (cd !== null) {
    const disp = lib.parseHeaderValue(valueOf(lib, cd));
    disposition = (disp.value || '').toLowerCase().trim();
    filename = disp.params.filename || undefined;
  }
  filename ??= parsed.params.name || undefined;
  if (filename) filename = lib.decodeWords(filename);
  return { type, params: parsed.params, encoding, disposition, filename };
}

/** The value of a hex digit byte, -1 for anything else. */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * Quoted-printable (RFC 2045 §6.7) decoded exactly as libqp.decode does, which mailsplit uses, but
 * on bytes: libqp's regular expressions and per-character string work took longer than the rest
 * of reading a reply. Its three steps, in order: blanks before a line end go; soft line breaks
 * ("=" before a line end or at the very end) go; "=XX" becomes the byte XX, any other "=" stays.
 * fast-parse.test.ts compares the two on generated input.
 */
export function decodeQuotedPrintable(input: Buffer): Buffer {
  const len = input.length;
  // 1. /[\t ]+$/gm: a run of tabs and spaces before CR, LF or the end.
  const a = Buffer.allocUnsafe(len);
  let an = 0;
  let runStart = -1;
  for (let i = 0; i < len; i++) {
    const c = input[i]!;
    if (c === 0x20 || c === 0x09) {
      if (runStart === -1) runStart = an;
      a[an++] = c;
      continue;
    }
    if ((c === 0x0d || c === 0x0a) && runStart !== -1) an = runStart;
    runStart = -1;
    a[an++] = c;
  }
  if (runStart !== -1) an = runStart;
  // 2. /=(?:\r?\n|$)/g: soft line breaks.
  const b = Buffer.allocUnsafe(an);
  let bn = 0;
  for (let i = 0; i < an; i++) {
    const c = a[i]!;
    if (c === 0x3d) {
      if (i + 1 === an) break;
      if (a[i + 1] === 0x0a) {
        i += 1;
        continue;
      }
      if (a[i + 1] === 0x0d && i + 2 < an && a[i + 2] === 0x0a) {
        i += 2;
        continue;
      }
    }
    b[bn++] = c;
  }
  // 3. "=XX" → byte.
  const out = Buffer.allocUnsafe(bn);
  let on = 0;
  for (let i = 0; i < bn; i++) {
    const c = b[i]!;
    if (c === 0x3d && i + 2 < bn) {
      const hi = hexValue(b[i + 1]!);
      const lo = hexValue(b[i + 2]!);
      if (hi >= 0 && lo >= 0) {
        out[on++] = hi * 16 + lo;
        i += 2;
        continue;
      }
    }
    out[on++] = c;
  }
  return out.subarray(0, on);
}

const BASE64_BODY = /^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/;

/** Transfer decoding as mailsplit's MimeNode.getDecoder; null for encodings it passes through. */
function transferDecode(body: Buffer, encoding: string): Buffer | null {
  switch (encoding) {
    case '':
    case '7bit':
    case '8bit':
    case 'binary':
      return body;
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    case 'base64': {
      const ascii = body.toString('latin1');
      // libbase64's stream decoder and Buffer.from agree only on clean input.
      if (!BASE64_BODY.test(ascii)) return null;
      return Buffer.from(ascii.replace(/[\r\n]/g, ''), 'base64');
    }
    default:
      return null;
  }
}

const UTF8ISH = new Set(['ascii', 'usascii', 'utf8']);
const REPLACEMENT_CHARACTER_UTF8 = Buffer.from([0xef, 0xbf, 0xbd]);
const SINGLE_BYTE = new Set(['iso88591', 'latin1', 'iso885915', 'windows1252', 'cp1252']);

const WIDE_CHARSET = /^(utf16|utf32|ucs2|ucs4)/;

/**
 * A text part's content as mailparser builds node.textContent; null when out of scope. Two
 * mislabellings are read as what they evidently are, and noted in `problems`: text labelled UTF-8
 * or US-ASCII that is not valid UTF-8 is Windows-1252 (what Outlook and webmail forms send without
 * saying so; the WHATWG Encoding Standard's default for Western mail), and text labelled UTF-16/32
 * without a single NUL byte cannot be UTF-16/32 (ASCII in UTF-16 has a NUL in every other byte).
 */
function textOf(body: Buffer, s: Structure, problems: string[] = []): string | null {
  let bytes = transferDecode(body, s.encoding);
  if (!bytes) return null;
  const format = (s.params.format ?? '').toLowerCase().trim();
  if (format === 'flowed') {
    const delSp = (s.params.delsp ?? '').toLowerCase().trim() === 'yes';
    bytes = Buffer.from(load().libmime.decodeFlowed(bytes.toString('latin1'), delSp), 'latin1');
  }
  let charset = (s.params.charset || 'utf-8').toLowerCase().replace(/[^a-z0-9]+/g, '');
  if (WIDE_CHARSET.test(charset)) {
    if (bytes.includes(0)) return null;
    problems.push(`charset-mislabelled:${s.params.charset}`);
    charset = 'utf8';
  }
  let text: string;
  if (UTF8ISH.has(charset)) {
    text = bytes.toString('utf8');
    // U+FFFD from the decoder, not from the sender (EF BF BD is U+FFFD written in UTF-8).
    if (text.includes('\uFFFD') && !bytes.includes(REPLACEMENT_CHARACTER_UTF8)) {
      text = iconv.decode(bytes, 'windows-1252');
      problems.push(`charset-mislabelled:${s.params.charset || 'utf-8'} read as windows-1252`);
    }
  }
  // mailparser: iconv-lite under libmime's canonical name for the charset.
  else if (SINGLE_BYTE.has(charset)) text = iconv.decode(bytes, load().libmime.normalizeCharset(s.params.charset!));
  else return null;
  // As .replace(/\r?\n/g, '\n'), quicker.
  return text.split('\r\n').join('\n');
}

function ensureMessageIdFormat(value: string): string | false {
  if (!value.length) return false;
  if (value.charAt(0) !== '<') value = '<' + value;
  if (value.charAt(value.length - 1) !== '>') value += '>';
  return value;
}

/** RFC 2047 encoded words decoded as mailparser decodes them (libmime); throws on what it cannot read. */
export function decodeHeaderWords(value: string): string {
  return load().libmime.decodeWords(value);
}

function decodeWordsSafe(lib: Libmime, value: string): string {
  try {
    return lib.decodeWords(value);
  } catch {
    return value;
  }
}

/**
 * mailparser's decodeAddresses for the ordinary case: names decoded (RFC 2047). Encoded words
 * standing in for a whole address, inside an address, or punycode domains return false.
 */
function decodeAddresses(lib: Libmime, list: MailAddressEntry[]): boolean {
  for (const entry of list) {
    entry.name = (entry.name || '').toString().trim();
    if (!entry.address && /^(=\?([^?]+)\?[Bb]\?[^?]*\?=)(\s*=\?([^?]+)\?[Bb]\?[^?]*\?=)*$/.test(entry.name)) return false;
    if (entry.name) entry.name = decodeWordsSafe(lib, entry.name);
    if (entry.address && (/=\?[^?]+\?[BbQq]\?[^?]*\?=/.test(entry.address) || /@xn--/.test(entry.address))) return false;
    if (entry.group && !decodeAddresses(lib, entry.group)) return false;
  }
  return true;
}

const SINGLE_KEYS = new Set(['subject', 'message-id', 'in-reply-to', 'from', 'reply-to']);

/** The message-level fields, as mailparser's processHeaders derives them. */
function readHeaderFields(lib: Libmime, parse: Helpers['addressparser'], lines: HeaderLine[]): MailFields | null {
  const values = new Map<string, unknown[]>();
  const add = (key: string, value: unknown) => {
    if (!value) return;
    const list = values.get(key) ?? [];
    if (Array.isArray(value)) list.push(...(value as unknown[]));
    else list.push(value);
    values.set(key, list);
  };
  for (const { key, line } of lines) {
    if (!SINGLE_KEYS.has(key) && key !== 'references' && key !== 'to' && key !== 'cc') continue;
    let value = ((lib.decodeHeader(line) || { value: '' }).value || '').toString().trim();
    value = Buffer.from(value, 'latin1').toString();
    switch (key) {
      case 'subject':
        add(key, decodeWordsSafe(lib, value));
        break;
      case 'references':
        add(
          key,
          decodeWordsSafe(lib, value)
            .split(/\s+/)
            .map(ensureMessageIdFormat)
            .filter((v) => v),
        );
        break;
      case 'message-id':
      case 'in-reply-to':
        add(key, ensureMessageIdFormat(decodeWordsSafe(lib, value)));
        break;
      default: {
        const list = parse(value);
        if (!decodeAddresses(lib, list)) return null;
        add(key, { value: list });
      }
    }
  }
  const last = <T>(key: string): T | undefined => {
    const list = values.get(key);
    return list && list.length > 0 ? (list[list.length - 1] as T) : undefined;
  };
  const all = <T>(key: string): T[] | undefined => values.get(key) as T[] | undefined;
  return {
    subject: last<string>('subject'),
    messageId: last<string>('message-id'),
    inReplyTo: last<string>('in-reply-to'),
    references: all<string>('references'),
    from: last('from'),
    replyTo: last('reply-to'),
    to: all('to'),
    cc: all('cc'),
  };
}

interface Part {
  structure: Structure;
  bodyStart: number;
  bodyEnd: number;
}

/**
 * The parts of a flat multipart body between "--boundary" lines (RFC 2046 §5.1.1), as mailsplit
 * cuts them; the closing delimiter must be there.
 */
function splitMultipart(lib: Libmime, raw: Buffer, latin: string, bodyStart: number, bodyEnd: number, boundary: string): Part[] | null {
  const open = `--${boundary}`;
  const parts: Part[] = [];
  let partStart = -1;
  let closed = false;
  let pos = bodyStart;
  while (pos < bodyEnd) {
    const nl = latin.indexOf('\n', pos);
    const lineEnd = nl === -1 || nl >= bodyEnd ? bodyEnd : nl + 1;
    if (latin.startsWith('\r' + open, pos)) return null;
    if (latin.startsWith(open, pos)) {
      const kind = delimiterKind(latin.slice(pos + open.length, lineEnd));
      if (kind !== 0) {
        const isClose = kind === 2;
        if (partStart !== -1) {
          const part = partOf(lib, latin, partStart, pos, isClose);
          if (!part) return null;
          parts.push(part);
        }
        if (isClose) {
          closed = true;
          break;
        }
        partStart = lineEnd;
      }
    }
    pos = lineEnd;
  }
  return closed ? parts : null;
}

/**
 * What mailsplit (message-splitter.js compareBoundary) makes of a line that starts with
 * "--boundary", from what follows on it: 1 a delimiter (a line break right after the boundary,
 * whatever comes next), 2 the closing delimiter, 0 an ordinary line.
 */
function delimiterKind(rest: string): 0 | 1 | 2 {
  if (rest.length < 1 || rest.length > 4) return 0;
  for (let pos = 0; pos < rest.length; pos++) {
    const c = rest[pos];
    if (pos === 0 && (c === '\r' || c === '\n')) return 1;
    if (pos === 0 && c !== '-') return 0;
    if (pos === 1 && c !== '-') return 0;
    if (pos === 2 && c !== '\r' && c !== '\n') return 0;
    if (pos === 3 && c !== '\n') return 0;
  }
  return 2;
}

function partOf(lib: Libmime, latin: string, start: number, end: number, beforeClose: boolean): Part | null {
  const entity = splitEntity(latin.slice(start, end));
  if (!entity) return null;
  const lines = splitHeaderLines(entity.headers);
  if (!lines) return null;
  const structure = structureOf(lib, lines, true);
  if (!structure) return null;
  // The line break before a delimiter belongs to the delimiter (RFC 2046 §5.1.1), except that
  // mailsplit keeps it when it is the whole body and the next part follows (message-splitter.js,
  // checkTrailingLinebreak and the flush on a new part).
  const bodyStart = start + entity.bodyStart;
  let bodyEnd = end;
  const whole = latin.slice(bodyStart, end);
  if (beforeClose || (whole !== '\n' && whole !== '\r\n')) {
    if (bodyEnd > bodyStart && latin.charCodeAt(bodyEnd - 1) === 0x0a) bodyEnd--;
    if (bodyEnd > bodyStart && latin.charCodeAt(bodyEnd - 1) === 0x0d) bodyEnd--;
  }
  return { structure, bodyStart, bodyEnd };
}

/** Fast path of parse.ts: the fields simpleParser would give, or null to use mailparser. */
const TEXT_TYPES = new Set(['text/plain', 'text/html']);
const MAX_DEPTH = 6;

interface Collected {
  /** mailparser's text and html lists, before they are joined. */
  texts: string[];
  htmls: string[];
  attachments: NonNullable<MailFields['attachments']>;
  /** Inline text/plain and text/html nodes seen (mailparser's hasText / hasHtml). */
  hasText: boolean;
  hasHtml: boolean;
  /** Mislabelled charsets read as what they are (see textOf). */
  problems: string[];
}

interface Leaf {
  structure: Structure;
  body: Buffer;
  /** Below a multipart/alternative. */
  alternative: boolean;
  root: boolean;
}

/** The leaves of the MIME tree in document order; null for shapes left to mailparser. */
function leavesOf(
  lib: Libmime,
  raw: Buffer,
  latin: string,
  structure: Structure,
  bodyStart: number,
  bodyEnd: number,
  alternative: boolean,
  depth: number,
  out: Leaf[],
): boolean {
  if (!structure.type.startsWith('multipart/')) {
    // mailsplit looks for the boundary parameter's delimiters under any type, multipart or not.
    if (structure.params.boundary !== undefined) return false;
    out.push({ structure, body: raw.subarray(bodyStart, bodyEnd), alternative, root: depth === 0 });
    return true;
  }
  const boundary = structure.params.boundary;
  // "multipart/" alone is no multipart to mailsplit.
  if (structure.type === 'multipart/') return false;
  if (depth >= MAX_DEPTH || !boundary || !/^[\x21-\x7e]+$/.test(boundary)) return false;
  if (structure.encoding && !['7bit', '8bit', 'binary'].includes(structure.encoding)) return false;
  const parts = splitMultipart(lib, raw, latin, bodyStart, bodyEnd, boundary);
  if (!parts) return false;
  const below = alternative || structure.type === 'multipart/alternative';
  for (const part of parts) {
    if (!leavesOf(lib, raw, latin, part.structure, part.bodyStart, part.bodyEnd, below, depth + 1, out)) return false;
  }
  return true;
}

/**
 * mailparser's createNode, getTextContent and attachment handling for the leaves: inline text
 * nodes make the text and html lists, everything else is an attachment with its decoded bytes.
 */
function collect(leaves: Leaf[]): Collected | null {
  const kinds = leaves.map(({ structure: s }) => {
    if (s.type === 'message/rfc822' && s.disposition === 'inline') return null; // embedded message
    let disposition = s.disposition;
    if (disposition && disposition !== 'attachment' && disposition !== 'inline') disposition = 'attachment';
    if (!disposition) disposition = TEXT_TYPES.has(s.type) ? 'inline' : 'attachment';
    return !TEXT_TYPES.has(s.type) || disposition !== 'inline' ? 'attachment' : s.type;
  });
  if (kinds.includes(null)) return null;
  const c: Collected = {
    texts: [],
    htmls: [],
    attachments: [],
    hasText: kinds.includes('text/plain'),
    hasHtml: kinds.includes('text/html'),
    problems: [],
  };
  for (let i = 0; i < leaves.length; i++) {
    const { structure, body, alternative, root } = leaves[i]!;
    const kind = kinds[i]!;
    if (kind === 'attachment') {
      // mailparser guesses a type from the file name here (libmime.detectMimeType).
      if (structure.type === 'application/octet-stream' && structure.filename) return null;
      const content = transferDecode(body, structure.encoding);
      if (!content) return null;
      c.attachments.push({
        contentType: structure.type,
        ...(structure.filename ? { filename: structure.filename } : {}),
        content,
      });
      continue;
    }
    const content = textOf(body, structure, c.problems);
    if (content === null) return null;
    if (!content) continue;
    if (kind === 'text/plain') {
      // Outside an alternative next to HTML, mailparser also renders the text as HTML: not here.
      if (!alternative && c.hasHtml) return null;
      c.texts.push(content);
    } else {
      // skipHtmlToText: where mailparser would convert the HTML, it adds an empty text.
      if ((!alternative && c.hasText) || (root && !c.hasText)) c.texts.push('');
      c.htmls.push(content);
    }
  }
  return c;
}

/** Fast path of parse.ts: the fields simpleParser would give, or null to use mailparser. */
export function fastParse(raw: Buffer): MailFields | null {
  const latin = raw.toString('latin1');
  if (!latin.includes('\n')) return null;
  const entity = splitEntity(latin);
  if (!entity) return null;
  const lines = splitHeaderLines(entity.headers);
  if (!lines) return null;
  const { libmime: lib, addressparser } = load();
  const root = structureOf(lib, lines, true);
  if (!root) return null;
  const fields = readHeaderFields(lib, addressparser, lines);
  if (!fields) return null;
  const leaves: Leaf[] = [];
  if (!leavesOf(lib, raw, latin, root, entity.bodyStart, latin.length, false, 0, leaves)) return null;
  const c = collect(leaves);
  if (!c) return null;
  return {
    ...fields,
    text: c.texts.length > 0 ? c.texts.join('\n') : undefined,
    html: c.htmls.length > 0 ? c.htmls.join('<br/>\n') : false,
    attachments: c.attachments,
    ...(c.problems.length > 0 ? { problems: c.problems } : {}),
  };
}
