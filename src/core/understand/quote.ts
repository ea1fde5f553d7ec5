/**
 * The sender's own new text out of a reply: quoted earlier mail, signatures, device footers and
 * legal disclaimers removed. Pure functions on strings; HTML is first cut at the client's quote
 * container (htmlReplyPart) and then read as text.
 */
import { compile } from 'html-to-text';

export interface StrippedReply {
  replyText: string;
  /** The signature block that was cut off (greeting plus name lines), null when none. */
  signature: string | null;
}

// --- Quote headers -------------------------------------------------------------------------

/** "-----Oorspronkelijk bericht-----" (Outlook NL), "-----Original Message-----", forward banners. */
const SEPARATOR_LINE =
  /^\s*\*?\s*-{2,}\s*(oorspronkelijk bericht|original message|originalnachricht|message d'origine|forwarded message|doorgestuurd bericht|oorspronkelijk e-?mailbericht)\s*-{2,}\s*\*?\s*$/i;
/** Android clients: "---- Jan Jansen schreef ----" / "---- John Smith wrote ----". */
const DASHED_ATTRIBUTION = /^\s*-{2,}.{1,120}\b(schreef|wrote|schrieb|a écrit|skrev)\s*-{2,}\s*$/i;
/** Apple Mail's forward banner. */
const APPLE_FORWARD = /^\s*(begin forwarded message|begin doorgestuurd bericht|doorgestuurd bericht)\s*:\s*$/i;
/** Outlook plain text draws a line of underscores above the "Van:" block. */
const UNDERSCORE_LINE = /^\s*_{10,}\s*$/;
/** First line of an Outlook header block: "Van:" / "From:" (Outlook bolds it: "*Van:*"). */
const HEADER_FROM = /^\s*\*?(van|from|von|de|da|fra|från|od|от|від)\s*:\*?\s*\S/i;
/** The other lines of that block, in the languages Outlook writes them (NL, EN, DE, FR, IT, DA/NO, SV, PL, ES/PT, RU). */
const HEADER_OTHER =
  /^\s*\*?(verzonden|sent|datum|date|data|gesendet|aan|to|an|onderwerp|subject|betreff|cc|envoyé( le)?|objet|à|a|oggetto|inviato|risposta|sendt|til|emne|skickat|till|ämne|wysłane|do|temat|enviado|para|asunto|assunto|отправлено|кому|тема|надіслано|тема)\s*:\*?/i;
/**
 * Attribution lines: Gmail/Apple "Op 12 okt. 2018 om 10:15 schreef Jan <jan@x.nl>:",
 * Outlook for Mac/Thunderbird NL "Op … heeft … het volgende geschreven:", "On … wrote:",
 * German "Am … schrieb …:", French "Le … a écrit :". Clients wrap long ones over 2–3 lines.
 */
const ATTRIBUTION =
  /^\s*(op|on|am|le|el|em|il|den|dne)\b.{0,400}\b(schreef|wrote|schrieb|a écrit|escribió|escreveu|scrisse|skrev|napisał|het volgende geschreven)(\s*:?|\b.{0,200}:)\s*$/i;
const ATTRIBUTION_START = /^\s*(op|on|am|le|el|em|il|den|dne)\s+\S/i;
/**
 * A bare attribution: "Jan Jansen <jan@x.nl> schreef:" / "… wrote:" (some webmails), or Gmail's
 * older date-first form "2018-10-15 10:02 GMT+02:00 Inkoop <a@b.nl>:".
 */
const BARE_ATTRIBUTION =
  /^\s*(\S.{0,160}\b(schreef|wrote|schrieb|a écrit|escribió|skrev|napisał)\s*:|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b.{0,120}(<[^<>\s]+@[^<>\s]+>|@\S+)\s*:)\s*$/i;

/**
 * Any attribution a client writes in its own language ("El 19/03/2014 11:34, Juan <j@x.es> ha
 * escrit:", "Jan <jan@x.nl> schreef op 15 okt. 2018 om 10:02:", Gmail's "2014-10-17 11:28
 * GMT+03:00 Postmaster <\npostmaster@…>:"): one to three joined lines that end in ":" and hold an
 * address in <…> or a verb of writing, together with a date or a time.
 */
const ANY_ATTRIBUTION_END = /:\s*$/;
const HAS_DATE_OR_TIME =
  /\b\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}\b|\b\d{1,2}:\d{2}\b|\b\d{1,2}\.?\s+(jan|feb|mrt|mar|apr|mei|may|jun|jul|aug|sep|okt|oct|nov|dec)[a-zé]*\.?\s+\d{4}\b/i;
const HAS_ADDRESS = /<[^<>\s]+@[^<>\s]+>|<\s*$|^\s*[^\s<>]+@[^\s<>]+>/;
const WRITE_VERB = /\b(schreef|wrote|schrieb|a écrit|escribió|escreveu|scrisse|ha scritto|skrev|napisał|napisała|pisze|ha escrit|kirjoitti|írta|napsal|yazdı)\b/i;
const BARE_ADDRESS = /[^\s<>@]+@[^\s<>@]+\.[a-z]{2,}/i;
/** Gmail's old date-first line without a colon: "2011/4/7 Nathan <support@example.com>". */
const DATE_FIRST_WITH_ADDRESS = /^\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b.{0,120}<[^<>\s]+@[^<>\s]+>\s*$/;

const QUOTED = /^\s*>/;

function isHeaderBlockAt(lines: string[], i: number): boolean {
  if (!HEADER_FROM.test(lines[i] ?? '')) return false;
  let others = 0;
  for (let j = i + 1; j < Math.min(lines.length, i + 8); j++) {
    const l = lines[j] ?? '';
    if (HEADER_OTHER.test(l)) others++;
  }
  return others >= 2;
}

/** Joins up to three lines so a wrapped attribution is recognised; returns how many it spans. */
function attributionAt(lines: string[], i: number): number {
  const first = lines[i] ?? '';
  if (QUOTED.test(first)) return 0;
  if (BARE_ATTRIBUTION.test(first)) return 1;
  const loose = looseAttributionAt(lines, i);
  if (loose > 0) return loose;
  if (!ATTRIBUTION_START.test(first)) return 0;
  // Clients wrap a long attribution, and some (Gmail with a long name) spread the address over
  // several lines with blank lines between: join up to six lines.
  let joined = '';
  for (let n = 0; n < 6 && i + n < lines.length; n++) {
    const l = lines[i + n]!;
    // "> wrote:" closes an address that was broken as "<\nmailto:…\n> wrote:"; not a quote.
    const closing = /^\s*>\s*(wrote|schreef|schrieb|a écrit|skrev)\b/i.test(l);
    if (n > 0 && QUOTED.test(l) && !closing) break;
    joined += (n > 0 ? ' ' : '') + l.trim();
    if (joined.length > 500) break;
    if (ATTRIBUTION.test(joined)) return n + 1;
  }
  return 0;
}

function looseAttributionAt(lines: string[], i: number): number {
  // Cheap test first: most lines are not followed within three lines by one ending in ":".
  const endsInColon = (l: string | undefined) => l !== undefined && l.trimEnd().endsWith(':');
  if (DATE_FIRST_WITH_ADDRESS.test(lines[i]!)) {
    // Followed (after blank lines) by quoted text.
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim() === '') j++;
    if (j < lines.length && QUOTED.test(lines[j]!)) return 1;
  }
  if (!endsInColon(lines[i]) && !endsInColon(lines[i + 1]) && !endsInColon(lines[i + 2])) return 0;
  // It starts on a line that holds part of it (a date, an address, the verb), not on own text ("Ja.").
  const head = lines[i]!;
  if (!(HAS_DATE_OR_TIME.test(head) || HAS_ADDRESS.test(head) || WRITE_VERB.test(head))) return 0;
  if (/[.!?]\s*$/.test(head) && !endsInColon(head)) return 0;
  let joined = '';
  for (let n = 0; n < 3 && i + n < lines.length; n++) {
    const l = lines[i + n]!;
    if (l.trim() === '' || (n > 0 && QUOTED.test(l) && !/^\s*[^\s<>]+@[^\s<>]+>/.test(l.replace(/^\s*>\s*/, '')))) return 0;
    joined += (n > 0 ? ' ' : '') + l.trim();
    if (joined.length > 300) return 0;
    if (!ANY_ATTRIBUTION_END.test(l)) continue;
    // The line after an attribution is blank or quoted (or the end); own text "Tijd: 15:00" is not.
    const next = lines[i + n + 1];
    const closes = next === undefined || next.trim() === '' || QUOTED.test(next);
    if (closes && HAS_DATE_OR_TIME.test(joined) && (WRITE_VERB.test(joined) || /<[^<>\s]+@[^<>\s]+>/.test(joined.replace(/<\s+/g, '<')) || BARE_ADDRESS.test(joined))) {
      return n + 1;
    }
    return 0;
  }
  return 0;
}

type Cut = { index: number; span: number; kind: 'attribution' | 'block' };

function findQuoteStart(lines: string[]): Cut | null {
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (SEPARATOR_LINE.test(l) || APPLE_FORWARD.test(l)) return { index: i, span: 1, kind: 'block' };
    if (DASHED_ATTRIBUTION.test(l)) return { index: i, span: 1, kind: 'attribution' };
    if (UNDERSCORE_LINE.test(l) && lines.slice(i + 1, i + 4).some((n) => HEADER_FROM.test(n))) {
      return { index: i, span: 1, kind: 'block' };
    }
    if (isHeaderBlockAt(lines, i)) return { index: i, span: 1, kind: 'block' };
    const span = attributionAt(lines, i);
    if (span > 0) return { index: i, span, kind: 'attribution' };
  }
  return null;
}

/**
 * Removes quoted mail. Top-posting: everything from the first quote header on goes. Inline or
 * bottom-posting ("> vraag" followed by the answer): the lines that are not `>`-quoted stay.
 */
export function removeQuotes(text: string): string {
  const lines = normalise(text).split('\n');
  const cut = findQuoteStart(lines);
  let kept: string[];
  if (!cut) {
    kept = lines;
  } else if (cut.kind === 'attribution') {
    const after = lines.slice(cut.index + cut.span);
    // Inline answers: non-quoted, non-empty lines after the quoted lines, and no further
    // quote header in between (that would be an older message quoted without `>`).
    const ownAfter = after.filter((l) => l.trim() !== '' && !QUOTED.test(l));
    const hasQuoted = after.some((l) => QUOTED.test(l));
    const nested = findQuoteStart(after.map((l) => (QUOTED.test(l) ? '' : l)));
    const ownBefore = lines.slice(0, cut.index).some((l) => l.trim() !== '' && !QUOTED.test(l));
    if (hasQuoted && ownAfter.length > 0 && !nested) kept = [...lines.slice(0, cut.index), ...after];
    else if (!ownBefore && ownAfter.length > 0) {
      // Nothing above the attribution: the sender wrote below it, up to the next quoted message.
      kept = nested ? after.slice(0, nested.index) : after;
    } else kept = lines.slice(0, cut.index);
  } else {
    kept = lines.slice(0, cut.index);
  }
  kept = kept.filter((l) => !QUOTED.test(l));
  return collapseBlank(kept.join('\n'));
}

// --- Footers, disclaimers, signatures -------------------------------------------------------

/** "Verzonden vanaf mijn iPhone", "Sent from my Galaxy", "Verstuurd vanaf mijn Samsung-apparaat"… */
const DEVICE_FOOTER =
  /^\s*outlook (voor|for|für) (android|ios|iphone) (downloaden|ophalen|herunterladen)\s*$|^\s*(verzonden|verstuurd|gesendet|sent|envoyé|get|download)\s+(vanaf|van|met|via|from|with|von|mit|de)?\s*(mijn|my|meinem|mon)?\s*.{0,40}?(iphone|ipad|android|samsung|galaxy|smartphone|mobiel|mobile|blackberry|outlook|mail voor windows|mail for windows|telefoon|phone|huawei|xiaomi|tablet|ios)\b.{0,40}$/i;

/** Start of a legal disclaimer; everything from it on is dropped. */
const DISCLAIMER = [
  /\b(dit|deze) (e-?mail(bericht)?|bericht)\b.{0,80}\b(uitsluitend|alleen|enkel)\b.{0,40}\bbestemd\b/i,
  /\bde informatie (verzonden )?(in|met) (dit|deze) (e-?mail(bericht)?|bericht)\b/i,
  /\baan dit (e-?mail)?bericht kunnen geen rechten/i,
  /\bthis (e-?mail|message|communication)\b.{0,120}\b(confidential|intended (solely|only|exclusively)|privileged)\b/i,
  /\b(the )?information (contained )?in this (e-?mail|message)\b.{0,80}\b(confidential|intended)\b/i,
  /^\s*(disclaimer|vertrouwelijkheid|confidentiality notice)\s*:?\s*$/i,
  /^\s*disclaimer\s*:/i,
];

/** Closing lines that start a signature. Short lines only, so "Groet ons team" in prose is safe. */
const SIGNOFF = [
  /^\s*(met\s+)?(vriendelijke|hartelijke|beste|collegiale|goede)\s+groet(en|jes)?\b/i,
  /^\s*vr(iendelijke)?\.?\s*gr(oet(en)?)?\.?\s*[,.!]?\s*$/i,
  /^\s*m\.?\s*v\.?\s*g\b\.?\s*[,.!]?\s*(\S.*)?$/i,
  /^\s*(groet(en|jes)?|gr|grt|liefs|doei)\b\.?\s*[,.!]?\s*(\S.{0,40})?$/i,
  /^\s*(kind|best|warm|warmest|many|with kind)\s+regards\b/i,
  /^\s*(regards|cheers|best wishes|all the best)\b\s*[,.!]?\s*(\S.{0,40})?$/i,
  // Bare "Best" only with a comma or alone: Dutch "best" means "quite" ("Best mogelijk dat…").
  /^\s*best\s*(,\s*(\S.{0,40})?)?$/i,
  /^\s*(mit )?(freundlichen|besten|herzlichen)\s+gr(ü|ue)(ß|ss)en\b/i,
  /^\s*(thanks|thank you|bedankt|dank je|dank u)( wel)?\s*[,.!]?\s*$/i,
  // "Thanks, Jan", "Met groet,", "Fijne dag!", "Many thanks,", "Alvast bedankt,", "Tot ziens,", "Take care,".
  /^\s*(thanks|thank you|bedankt|dank je|dank u)( wel)?\s*,\s*\p{Lu}[\p{L}'’-]*(\s+\p{Lu}[\p{L}'’-]*){0,2}\s*$/iu,
  /^\s*(ciao|saluti|cordialement|salutations|hugs|met groet(en)?|(fijne|prettige|goede) (dag|middag|avond|week|weekend|werkdag)|(many|much) thanks|thanks (and|&) (kind |best )?regards|alvast (bedankt|dank)|bedankt en tot (dan|ziens)|tot (ziens|gauw|snel)|take care|speak soon|talk soon)\s*[,.!]?\s*$/i,
  // Formal Dutch letters close with "Hoogachtend"; English ones with "Sincerely" / "Yours …".
  /^\s*(hoogachtend|met (de )?meeste hoogachting|(yours )?sincerely|yours (faithfully|truly)|respectfully)\s*[,.]?\s*$/i,
];
/** RFC 3676 §4.3 signature separator: "-- " (some clients lose the trailing space). */
const SIG_DASHES = /^-- ?$/;

function normalise(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/[\u200b\u200c\u200d\ufeff]/g, '');
}

function collapseBlank(text: string): string {
  const lines = text.split('\n').map((l) => l.replace(/\s+$/, ''));
  // Rules left above a removed quote or disclaimer ("-----", "_____", "=====").
  while (lines.length > 0 && /^\s*([-_=*~]{3,})?\s*$/.test(lines[lines.length - 1]!)) lines.pop();
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

function removeDisclaimer(lines: string[]): string[] {
  for (let i = 0; i < lines.length; i++) {
    // A disclaimer may be preceded by a line of dashes/stars/underscores; drop that too.
    if (DISCLAIMER.some((re) => re.test(lines[i]!))) {
      let start = i;
      while (start > 0 && /^\s*([-_*=~]{3,})?\s*$/.test(lines[start - 1]!)) start--;
      return lines.slice(0, start);
    }
  }
  return lines;
}

/** "Thanks!" closes a message, unless it is all the message says. */
const THANKS_ONLY = /^\s*(thanks|thank you|bedankt|dank je|dank u)( wel)?\s*[,.!]?\s*$/i;

function isSignoff(line: string, textAbove: boolean): boolean {
  if (line.trim().length > 60) return false;
  if (!textAbove && THANKS_ONLY.test(line)) return false;
  return SIGNOFF.some((re) => re.test(line));
}

export interface StripOptions {
  /** The From display name: a last paragraph that is (part of) it is a sign-off, not text. */
  senderName?: string | null;
}

/** Words that end a reply on their own line without being a name ("Akkoord", "Tot dan"). */
const NOT_A_SIGNOFF_NAME = new Set(
  ('akkoord prima ja nee graag bedankt dank top super oke ok okay yes no thanks sure great fine perfect tot dan ' +
    'groet groeten hoi hallo beste dag helaas jammer zeker natuurlijk uiteraard goed leuk mooi klopt sorry excuses')
    .split(' '),
);
/** A name as people sign: "Gert-Jan", "Sophie", "JAN", "Tom de Vries", "Marieke v.d. Berg", "Team Jeugd". */
const NAME_SHAPED =
  /^(?:\p{Lu}[\p{L}'’-]*\.?|\p{Lu}\.)(?:\s+(?:van|von|de|der|den|het|'t|ter|ten|te|in|op|el|al|v\.d\.|v\.|d')|\s+\p{Lu}[\p{L}'’-]*\.?){0,3}\s*[,.]?$/u;
const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

/**
 * A bare sign-off after the text: "Prima, tot dan!\n\nGert-Jan". The last paragraph is taken for a
 * signature when its first line is shaped like a name and either shares a word with the From
 * display name, or is no word that ends a reply by itself ("Akkoord"), and text comes before it.
 */
function trailingNameStart(lines: string[], senderName: string | null | undefined): number {
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === '') end--;
  let start = end;
  while (start > 0 && lines[start - 1]!.trim() !== '') start--;
  if (start === 0 || end - start > 4) return -1;
  // Own text must remain above it.
  if (!lines.slice(0, start).some((l) => /[\p{L}\p{N}]/u.test(l))) return -1;
  // "Jan Jansen | Adviseur | Gemeente Goes": the name before the bar.
  const first = lines[start]!.trim().split(/\s+[|–—-]\s+/)[0]!;
  if (first.length > 40 || !NAME_SHAPED.test(first)) return -1;
  // "wij komen met:\n\nGert Jan Kosten\nIlona Minderhoud": a list announced above is text.
  const above = lines.slice(0, start).filter((l) => l.trim() !== '');
  if (/:\s*$/.test(above[above.length - 1] ?? '')) return -1;
  // Two or more names and nothing else is a list of people; a function, a number or an
  // organisation under the name makes it a signature ("J. Jansen\nAdviseur Jeugd\nT 06-…").
  const block = lines.slice(start, end).map((l) => l.trim());
  const signatureLike = block.some((l) => /[\d@|]|www\.|adviseu|medewerk|manager|directeu|director|co[oö]rdinat|secretar|teamleid|beleids|consultant|officer|assisten|gemeente|stichting|zorg|jeugd|bureau|(?<![\p{L}])(?:b\.?v\.?|team)(?![\p{L}])/iu.test(l));
  if (!signatureLike && block.filter((l) => NAME_SHAPED.test(l) && /\s/.test(l)).length >= 2) return -1;
  const words = fold(first).replace(/[,.]$/, '').split(/[\s-]+/).filter(Boolean);
  const fromWords = new Set(fold(senderName ?? '').split(/[^\p{L}]+/u).filter((w) => w.length > 1));
  if (words.some((w) => fromWords.has(w))) return start;
  if (/^team\s/i.test(first)) return start;
  if (words.length <= 3 && !words.some((w) => NOT_A_SIGNOFF_NAME.has(w))) return start;
  return -1;
}

/** Quotes, device footers, disclaimers and the signature off; the signature is returned apart. */
export function stripQuotedReply(text: string, options: StripOptions = {}): StrippedReply {
  const unquoted = removeQuotes(text);
  let lines = unquoted.split('\n').filter((l) => !DEVICE_FOOTER.test(l));
  lines = removeDisclaimer(lines);

  let sigStart = -1;
  let textAbove = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (SIG_DASHES.test(l) || isSignoff(l, textAbove)) {
      sigStart = i;
      break;
    }
    if (/[\p{L}\p{N}]/u.test(l)) textAbove = true;
  }
  if (sigStart === -1) sigStart = trailingNameStart(lines, options.senderName);
  if (sigStart === -1) return { replyText: collapseBlank(lines.join('\n')), signature: null };

  const sigLines = lines.slice(sigStart);
  if (SIG_DASHES.test(sigLines[0]!)) sigLines.shift();
  const signature = collapseBlank(sigLines.join('\n'));
  return { replyText: collapseBlank(lines.slice(0, sigStart).join('\n')), signature: signature || null };
}

// --- HTML -------------------------------------------------------------------------------------

/**
 * Where each client's quoted part begins in HTML. Outlook (web and desktop, WordSection1):
 * divRplyFwdMsg / appendonsend / the "border-top:solid #E1E1E1" div around the "Van:" block;
 * Gmail: div.gmail_quote; Yahoo: yahoo_quoted; Outlook for Mac: OLK_SRC_BODY_SECTION.
 * Apple Mail and Thunderbird put the quote in <blockquote type="cite">, which htmlToText renders
 * with "> " so inline answers below it survive the text stripper.
 */
const HTML_QUOTE_MARKERS: RegExp[] = [
  /<div[^>]+id=["']?divRplyFwdMsg/i,
  /<div[^>]+id=["']?appendonsend/i,
  /<hr[^>]+id=["']?stopSpelling/i,
  /<(div|blockquote)[^>]+class=["']?[^"'>]*\bgmail_quote\b/i,
  /<div[^>]+class=["']?[^"'>]*\byahoo_quoted\b/i,
  /<(div|span)[^>]+id=["']?OLK_SRC_BODY_SECTION/i,
  /<div[^>]+style=["'][^"']*border-top:\s*solid\s+#(E1E1E1|B5C4DF)[^"']*["']/i,
];

/** The HTML before the first client quote container (the whole HTML when none). */
export function htmlReplyPart(html: string): string {
  let cut = html.length;
  for (const re of HTML_QUOTE_MARKERS) {
    const m = re.exec(html);
    if (m && m.index < cut) cut = m.index;
  }
  let head = html.slice(0, cut);
  // Outlook on the web draws <hr tabindex="-1"> right before divRplyFwdMsg: part of the quote.
  if (cut < html.length) head = head.replace(/<hr\b[^>]*>\s*$/i, '');
  return head;
}

/**
 * The html-to-text converter, built once per option set: compile() builds a selector decision tree
 * (selderee) that costs more than converting a typical reply, so convert() per call is avoided.
 */
const converters = new Map<boolean, (html: string) => string>();

function converter(paragraphIsLine: boolean): (html: string) => string {
  let fn = converters.get(paragraphIsLine);
  if (!fn) {
    fn = compile({
      wordwrap: false,
      preserveNewlines: false,
      selectors: [
        { selector: 'a', options: { ignoreHref: true } },
        { selector: 'img', format: 'skip' },
        { selector: 'style', format: 'skip' },
        { selector: 'script', format: 'skip' },
        { selector: 'h1', options: { uppercase: false } },
        { selector: 'h2', options: { uppercase: false } },
        { selector: 'h3', options: { uppercase: false } },
        { selector: 'table', format: 'dataTable' },
        { selector: 'blockquote', options: { trimEmptyLines: true } },
        ...(paragraphIsLine ? [{ selector: 'p', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } }] : []),
      ],
    });
    converters.set(paragraphIsLine, fn);
  }
  return fn;
}

/**
 * Beyond these, html-to-text is not used: its DOM walk recurses once per level of nesting (65,000
 * unclosed tags overflowed the stack, after 0.5–1.8 s of work) and its cost grows with the number
 * of tags. Real replies stay far below both: an Outlook thread holds a few thousand tags, nested a
 * few dozen deep.
 */
export const HTML_LIMITS = { maxDepth: 500, maxTags: 20_000 } as const;

/** Elements that never hold content (HTML Living Standard §13.1.2 void elements). */
const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
/** Elements whose start or end breaks a line in the text. */
const BLOCK_ELEMENTS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'td', 'th', 'tr', 'ul',
]);

interface HtmlTag {
  /** Lower-case element name; '' for comments, doctypes and other markup that is not an element. */
  name: string;
  closing: boolean;
  selfClosing: boolean;
  /** Index just after the tag's ">". */
  end: number;
}

/** The tag starting at `lt` (a "<"), or null when none starts there; a tag with no ">" ends the input. */
function tagAt(html: string, lt: number): HtmlTag | null {
  if (html.startsWith('<!--', lt)) {
    const close = html.indexOf('-->', lt + 4);
    return { name: '', closing: false, selfClosing: true, end: close < 0 ? html.length : close + 3 };
  }
  let i = lt + 1;
  const closing = html[i] === '/';
  if (closing) i++;
  const first = html.charCodeAt(i);
  const letter = (first >= 65 && first <= 90) || (first >= 97 && first <= 122);
  if (!letter && html[i] !== '!' && html[i] !== '?') return null;
  const gt = html.indexOf('>', i);
  const end = gt < 0 ? html.length : gt + 1;
  let j = i;
  while (j < end && /[A-Za-z0-9:-]/.test(html[j]!)) j++;
  const name = letter ? html.slice(i, j).toLowerCase() : '';
  return { name, closing, selfClosing: name === '' || html[end - 2] === '/', end };
}

/** Whether html-to-text can be given this HTML: one linear pass over the tags, stopping at a limit. */
export function withinHtmlLimits(html: string, limits: { maxDepth: number; maxTags: number } = HTML_LIMITS): boolean {
  let depth = 0;
  let tags = 0;
  for (let lt = html.indexOf('<'); lt >= 0 && lt < html.length; lt = html.indexOf('<', lt + 1)) {
    const tag = tagAt(html, lt);
    if (!tag) continue;
    lt = tag.end - 1;
    if (tag.name === '') continue;
    if (++tags > limits.maxTags) return false;
    if (tag.closing) depth = Math.max(0, depth - 1);
    else if (!tag.selfClosing && !VOID_ELEMENTS.has(tag.name) && ++depth > limits.maxDepth) return false;
  }
  return true;
}

const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * HTML → text in one pass, for what html-to-text is not given (or fails on): tags dropped, block
 * elements as line breaks, style and script skipped, the common entities decoded.
 */
export function stripTagsLinear(html: string): string {
  let out = '';
  let at = 0;
  let lower: string | null = null;
  for (let lt = html.indexOf('<'); lt >= 0; lt = html.indexOf('<', at)) {
    const tag = tagAt(html, lt);
    if (!tag) {
      out += html.slice(at, lt + 1);
      at = lt + 1;
      continue;
    }
    out += html.slice(at, lt);
    at = tag.end;
    if ((tag.name === 'style' || tag.name === 'script') && !tag.closing && !tag.selfClosing) {
      lower ??= html.toLowerCase();
      const close = lower.indexOf(`</${tag.name}`, at);
      at = close < 0 ? html.length : close;
    } else if (BLOCK_ELEMENTS.has(tag.name)) out += '\n';
    if (at >= html.length) break;
  }
  if (at < html.length) out += html.slice(at);
  return out
    .replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z]{2,6}));/gi, (whole, dec?: string, hex?: string, name?: string) => {
      const code = dec ? Number(dec) : hex ? parseInt(hex, 16) : -1;
      if (code >= 0) return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      return ENTITIES[name!.toLowerCase()] ?? whole;
    })
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** HTML → plain text: no wrapping, no link targets, images skipped, blockquotes as "> ". */
export function htmlToText(html: string): string {
  // Deeply nested or huge markup (hostile or broken) goes straight to the linear stripper.
  if (!withinHtmlLimits(html)) return stripTagsLinear(html);
  // Outlook (Word HTML, p.MsoNormal) and editors like it write one <p> per line and mark blank
  // lines with <p>&nbsp;</p>; there a paragraph is one line, not a line plus a blank one.
  const paragraphIsLine = /class=["']?MsoNormal|<p[^>]*>\s*(&nbsp;|\u00a0|<o:p>\s*&nbsp;\s*<\/o:p>)\s*<\/p>/i.test(html);
  try {
    return converter(paragraphIsLine)(html)
      .replace(/[\u00a0\u2007\u202f]/g, ' ')
      .split('\n')
      .map((l) => l.replace(/\s+$/, ''))
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  } catch {
    return stripTagsLinear(html);
  }
}
