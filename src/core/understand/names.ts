/**
 * Who will attend, by name, given name first: names listed in the sender's text ("namens ons komen
 * Jan Jansen en Petra de Boer", "Aanmelding: Jan Jansen, Petra de Boer", "samen met mijn collega
 * Petra de Boer"), plus the sender when they say they come themselves, named by their signature
 * (the line under "Met vriendelijke groet") or else by the From display name.
 *
 * Names are told by their form (capitals, Dutch tussenvoegsels such as "van der", initials) and only
 * right after a cue, so place names and organisations in the text are not taken for people.
 */
import { cleanName as cleanInviteeName } from '../invitee-csv.js';
import { MAX_ANALYSED_CHARS, readIntent, type IntentReading } from './intent.js';
import { builtInRules } from './rules.js';
import type { Intent, MailAddress } from './types.js';

/** "Sinke, Roel" → "Roel Sinke"; the invitee import's rule, so both spell a person alike. */
export function cleanName(display: string | null): string | null {
  return cleanInviteeName(display);
}

const particle = "(?:van|von|de|der|den|het|'t|ter|ten|te|in|op|la|le|du|da|di|del|dos|el)";
const token = "(?:\\p{Lu}[\\p{Ll}\\p{Lu}'’]*\\p{Ll}[\\p{Ll}'’]*(?:-(?:(?:de|van|der|den)\\s)?\\p{Lu}[\\p{Ll}'’]+)*)";
const initials = '(?:(?:\\p{Lu}\\.\\s?){1,4})';
const title =
  '(?:(?:dhr|mevr|mw|mr|mrs|ms|dr|drs|ir|ing|prof|de\\s+heer|mevrouw|meneer|Dhr|Mevr|Mw|Mr|Mrs|Ms|Dr|Drs|Ir|Ing|Prof|De\\s+heer|Mevrouw)\\.?\\s+)';
/** Given name(s) or initials, tussenvoegsels, surname; or a lone given name. */
const personSource = `(?:${token}(?:\\s+${token})?|${initials})(?:\\s+${particle}){0,3}\\s+${token}|${token}`;

/** Capitalised words that start sentences or name things, never a person in these mails. */
const notAName = new Set(
  (
    'ik wij we mijn onze ons de het een en met namens vanuit via graag hierbij helaas beste geachte dag hallo groet ' +
    'vriendelijke hartelijke aanmelding afmelding deelnemers deelnemer namen zij hij er dan ook maar tot ' +
    'i my our we and the with regards thanks kind best dear hello hi yes ja nee collega team stichting ' +
    'jeugdhulp zeeland gemeente inkooporganisatie bijeenkomst consultatiebijeenkomst maandag dinsdag woensdag ' +
    'donderdag vrijdag zaterdag zondag november oktober december komen komt zijn is zal zullen bv b.v. ' +
    'online verder alvast tevens daarnaast goedemiddag goedemorgen goedenavond goedendag hoi geachte dear ' +
    // Greetings (Flemish too) that open a reply: "Goeiendag, Wij zullen …" is no name list.
    'goeiendag goeiedag goeiemorgen goeiemiddag goeienavond dag hallo hey hee lieve morgen middag allen ' +
    'ondergetekende hoogachtend sincerely'
  ).split(' '),
);

const personAt = new RegExp(`(?:${title})?(${personSource})(?:\\s*\\([^)]{1,40}\\))?`, 'uy');
const separator = /\s*(?:,\s*(?:en\s+|and\s+)?|\s+en\s+|\s+and\s+|\s*&\s*|\s*;\s*|\s*\/\s*)/uy;

/** Words in notAName that are given names too ("Dan Rivers"): a name when a surname follows. */
const givenNameToo = new Set(['dan']);

function plausible(name: string): boolean {
  const words = name.split(/\s+/);
  const first = words[0]!.toLowerCase();
  if (notAName.has(first) && !(givenNameToo.has(first) && words.length > 1 && !notAName.has(words[1]!.toLowerCase()))) return false;
  if (words.length === 1 && notAName.has(first)) return false;
  return !words.some((w) => /^(?:BV|B\.V\.|NV|Stichting|Jeugdhulp|Zorg|Groep)$/i.test(w));
}

interface Found {
  name: string;
  at: number;
  /** Named after "mijn collega" and the like: a companion only when the sentence says they come. */
  mention?: boolean;
}

/** A list of person names starting at `index`; stops at the first thing that is not one. */
/** The sender naming themselves in a list: "Ahmed El Amrani en ondergetekende", "Jan en ik". */
const selfInList = /(?:ondergetekende|ikzelf|mijzelf|mezelf|ik|myself|me|I)(?![\p{L}])/uy;

function readNameList(text: string, index: number, self?: { listed: boolean }): Found[] {
  const names: Found[] = [];
  let at = index;
  for (;;) {
    selfInList.lastIndex = at;
    const s0 = selfInList.exec(text);
    if (s0) {
      if (self) self.listed = true;
      at = selfInList.lastIndex;
      separator.lastIndex = at;
      if (!separator.exec(text)) break;
      at = separator.lastIndex;
      continue;
    }
    personAt.lastIndex = at;
    const m = personAt.exec(text);
    if (!m || !plausible(m[1]!)) break;
    names.push({ name: m[1]!.replace(/\s+/g, ' ').trim(), at: m.index + m[0].indexOf(m[1]!) });
    at = personAt.lastIndex;
    separator.lastIndex = at;
    const s = separator.exec(text);
    if (!s) break;
    at = separator.lastIndex;
  }
  return names;
}

/** Cues after which the people who come are named with the sender ("samen met mijn collega …"). */
const possessiveCue =
  /(?<![\p{L}])(?:[Mm]ijn|[Oo]nze|[Mm]y|[Oo]ur)\s+(?:collega|colleague|vervanger|vervangster|directeur|manager|teamleider|leidinggevende)\s*[:,]?\s+(?=\p{Lu})/gu;
const companionCue =
  /(?<![\p{L}])(?:(?:samen\s+met|met|en|and|with|together\s+with|along\s+with|joined\s+by|neem|nemen)\s+(?:(?:mijn|onze|een|één|de|my|our|a|one|twee|two)\s+)?(?:(?:collega|collega's|collegae|collega’s|medewerker|medewerkers|colleague|colleagues|directeur|manager|teamleider|leidinggevende|partner|vrouw|man|echtgenote|echtgenoot|wife|husband)\s*[:,]?\s+)?(?=\p{Lu}))/gu;
/** Cues after which the people who come are named instead of the sender ("namens ons komen …"). */
const rosterCue =
  /(?<![\p{L}])(?:(?:namens|vanuit)(?:\s+\S+){1,4}?\s+(?:komen|komt|zijn|zal|zullen|is|nemen|neemt)(?:\s+(?:aanwezig|er|deel))?\s*:?\s+|(?:aan|af)melding(?:en)?(?:\s+(?:voor|namens|van)(?:\s+[^\s:]+){1,3}?)?\s*:\s*|aanmelden\s*:\s*|deelnemers?\s*:\s*|namen\s*:\s*|attendees?\s*:\s*|participants?\s*:\s*|(?:er|dan)\s+(?:komen|komt)\s+|(?:personen|mensen|medewerkers|collega's|people|colleagues|delegates|representatives|afgevaardigden|vertegenwoordigers)(?:\s+aan)?\s*:\s*|(?:vertegenwoordigd|represented)\s+(?:\S+\s+){0,3}?(?:door|by)\s+|met\s+(?:z['’]n|zijn|ons|onze|hun)\s+(?:tweeën|tweeen|drieën|drieen|vieren|vijven|zessen|zevenen|achten|\d+)\s*:\s*|(?:meld|melden)(?:\s+(?:ik|wij|we))?\s+(?=(?:de\s+heer|mevrouw|dhr|mevr|mw|meneer)(?![\p{L}]))|(?:meld|melden)\s+(?:ik|wij|we)\s+(?:(?:hierbij|graag)\s+)*|(?:the\s+)?(?:two|three|four|five)\s+of\s+us\s*:\s*|(?:wij|we|us)\s*\(\s*|(?:aantal\s+)?(?:namen|deelnemers)\s*[:=]\s*)/giu;
/** "Jan Jansen en Petra de Boer komen". */
const namesThenVerb = new RegExp(
  `(?:^|[.!?\\n]\\s*|,\\s*(?:maar\\s+)?|maar\\s+)((?:${title})?(?:${personSource})(?:\\s*(?:,|en|&)\\s*(?:${title})?(?:${personSource}))*)\\s+(?:komt|komen|zal|zullen|gaat|gaan|is\\s+aanwezig|zijn\\s+aanwezig|will|neemt|nemen)(?![\\p{L}])`,
  'gu',
);

/** "mevrouw K. Jobse en ik", "Arie Boogert en ikzelf". */
/** Whole-line forms, built once (not per line and call). */
const nameLine = new RegExp(`^(?:${title})?(?:${personSource})$`, 'u');
const wholePerson = new RegExp(`^(?:${personSource})$`, 'u');
const leadingTitle = new RegExp(`^${title}`, 'u');
const nameAndI = new RegExp(`(?:${title})?((?:${personSource}))\\s+(?:en|and)\\s+(?:ik|ikzelf|mijzelf|mezelf|ondergetekende|I|me|myself)(?![\\p{L}])`, 'gu');


export interface ListedNames {
  names: string[];
  /**
   * Those of `names` found only after a cue like "mijn collega" that also names people in passing
   * ("via mijn collega Anja kreeg ik de uitnodiging"); attendingNames() keeps them only when their
   * sentence says someone comes. Absent when there are none.
   */
  mentioned?: string[];
  /** The sender put themselves in the list ("… en ondergetekende", "…, Petra de Boer en ik"). */
  selfListed?: boolean;
  /** companions: named with the sender ("ik kom met Jan"); roster: named instead ("namens ons komen"). */
  kind: 'companions' | 'roster' | null;
}

const dedupe = (names: string[]) => {
  const seen = new Set<string>();
  return names.filter((n) => {
    const key = n.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/** "J.A. (Jan) de Jonge" → "Jan de Jonge": Dutch mail gives initials with the given name in brackets. */
const initialsWithGivenName = /(?<![\p{L}])(?:\p{Lu}\.\s?){1,4}\s*\((\p{Lu}[\p{Ll}'’-]+)\)\s+/gu;
const givenNameFirst = (text: string) => text.replace(initialsWithGivenName, '$1 ');

/**
 * The last answer, by text: party.ts and detectAttendees both ask for the same reply, one after
 * the other, and reading the names is among the costlier steps of classifying. Copies go out, so
 * a caller that changes its list does not change the next caller's.
 */
let lastListed: { text: string; result: ListedNames } | null = null;

const copyListed = (l: ListedNames): ListedNames => ({
  ...l,
  names: [...l.names],
  ...(l.mentioned ? { mentioned: [...l.mentioned] } : {}),
});

/** Names listed in the sender's text, and whether they come with the sender or instead. */
export function findListedNames(replyText: string): ListedNames {
  if (lastListed && lastListed.text === replyText) return copyListed(lastListed.result);
  const result = readListedNames(replyText);
  lastListed = { text: replyText, result: copyListed(result) };
  return result;
}

function readListedNames(replyText: string): ListedNames {
  const text = givenNameFirst(replyText.slice(0, MAX_ANALYSED_CHARS).replace(/[\u00a0\t ]+/g, ' '));
  const roster: Found[] = [];
  const self = { listed: false };
  for (const m of text.matchAll(rosterCue)) roster.push(...readNameList(text, m.index + m[0].length, self));
  for (const m of text.matchAll(namesThenVerb)) {
    roster.push(...readNameList(text, m.index + m[0].indexOf(m[1]!)));
  }
  // A list of lines that are nothing but names ("- Jan Jansen").
  // A bulleted line may add a role after the name ("- Hidde van Wijk, gedragswetenschapper").
  const lines = text
    .split(/\r?\n/)
    .map((l) => (/^\s*(?:[-*•·]|\d+[.)])\s/u.test(l) ? l.replace(/^\s*(?:[-*•·]|\d+[.)])\s*/u, '').replace(/\s*(?:,|\(|\s[-–]\s).*$/u, '') : l).trim());
  const nameLines = lines.filter((l) => l.length > 0 && nameLine.test(l) && plausible(l) && l.includes(' '));
  if (nameLines.length >= 2) roster.push(...nameLines.map((name) => ({ name, at: text.indexOf(name) })));
  const companions: Found[] = [];
  for (const m of text.matchAll(nameAndI)) companions.push({ name: m[1]!.replace(/\s+/g, ' '), at: m.index + m[0].indexOf(m[1]!) });
  for (const m of text.matchAll(possessiveCue)) {
    companions.push(...readNameList(text, m.index + m[0].length).map((f) => ({ ...f, mention: true })));
  }
  for (const m of text.matchAll(companionCue)) companions.push(...readNameList(text, m.index + m[0].length));
  const inOrder = (found: Found[]) => dedupe([...found].sort((a, b) => a.at - b.at).map((f) => f.name));
  const rosterNames = inOrder(roster);
  const companionNames = inOrder(companions).filter((n) => !rosterNames.includes(n));
  const firm = new Set([...roster, ...companions.filter((f) => !f.mention)].map((f) => f.name.toLowerCase()));
  const withMentioned = (l: ListedNames): ListedNames => {
    const mentioned = l.names.filter((n) => !firm.has(n.toLowerCase()));
    return mentioned.length > 0 ? { ...l, mentioned } : l;
  };
  // "register me and my colleague", "mij en mijn collega": the sender is with them.
  const selfWith = /(?<![\p{L}])(?:ik|i|ikzelf|mijzelf|mezelf|myself|ondergetekende|me|mij)(?![\p{L}'])/iu.test(text);
  if (rosterNames.length > 0 && self.listed) return withMentioned({ names: dedupe([...rosterNames, ...companionNames]), kind: 'companions', selfListed: true });
  if (rosterNames.length > 0) return withMentioned({ names: dedupe([...rosterNames, ...(selfWith ? [] : companionNames)]), kind: 'roster' });
  if (companionNames.length > 0) return withMentioned({ names: companionNames, kind: selfWith ? 'companions' : 'roster' });
  return { names: [], kind: null };
}

/** Said of a person who will not be there: "Joris is ziek", "mijn collega Wendy niet", "Sven kan helaas niet". */
const absent =
  /(?<![\p{L}])(?:ziek|verhinderd|afwezig|met\s+verlof|op\s+vakantie|niet|geen|sick|ill|unable|away|not|can't|cannot|won't)(?![\p{L}])/iu;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The listed names of people who come: a name is dropped when a clause that names it (in full or
 * by the given name) declines for them or says they are absent ("Mijn collega Joris Blok en ik
 * hadden ons aangemeld, maar Joris is ziek"), and a name met only after "mijn collega" is dropped
 * when no clause of its sentence says anyone comes ("Via mijn collega Anja kreeg ik de uitnodiging").
 */
export function attendingNames(listed: ListedNames, reading: IntentReading): ListedNames {
  if (listed.names.length === 0) return listed;
  const mentioned = new Set((listed.mentioned ?? []).map((n) => n.toLowerCase()));
  const names = listed.names.filter((name) => {
    const given = name.split(' ')[0]!;
    const alone = given.length >= 3 && !given.endsWith('.') && given !== name ? `|${escapeRe(given)}` : '';
    const byName = new RegExp(`(?<![\\p{L}])(?:${escapeRe(name)}${alone})(?![\\p{L}])`, 'u');
    const naming = reading.clauses.filter((c) => byName.test(c.text));
    if (naming.some((c) => c.thirdParty && c.intent === 'decline')) return false;
    if (naming.some((c) => c.intent !== 'accept' && c.intent !== 'tentative' && absent.test(c.text.replace(byName, '')))) return false;
    if (!mentioned.has(name.toLowerCase())) return true;
    const sentences = new Set(naming.map((c) => c.sentence));
    return reading.clauses.some(
      (c) => sentences.has(c.sentence) && !c.question && (c.intent === 'accept' || c.intent === 'tentative'),
    );
  });
  return names.length === listed.names.length ? listed : { ...listed, names, kind: names.length > 0 ? listed.kind : null };
}

/**
 * A given name alone ("Koen", "Wouter") made whole from where the reply spells it out: the From
 * display name, or the text itself ("Wouter Bakker hier", "door naar Koen Minderhoud").
 */
export function completeName(name: string, replyText: string, signature: string | null, from: MailAddress | null): string {
  if (name.includes(' ')) return name;
  const display = nameFromDisplay(from);
  if (display && display.split(' ')[0] === name && display.includes(' ')) return display;
  const full = new RegExp(`(?<![\\p{L}])${escapeRe(name)}(?:\\s+${particle}){0,3}\\s+\\p{Lu}[\\p{Ll}'’]+(?:-\\p{Lu}[\\p{Ll}'’]+)?(?![\\p{L}])`, 'u');
  for (const source of [signature ?? '', replyText.slice(0, MAX_ANALYSED_CHARS)]) {
    const m = full.exec(source);
    if (m && plausible(m[0]) && !organisation.test(m[0]) && !notAName.has(m[0].split(/\s+/).pop()!.toLowerCase())) {
      return m[0].replace(/\s+/g, ' ');
    }
  }
  return name;
}

const closing =
  /^(?:met\s+)?(?:(?:vriendelijke|hartelijke|collegiale|beste|warme|fijne|zonnige)\s+)?groet(?:en|jes)?\b|^m\.?v\.?g\.?|^gr(?:\.|oet)?\s*,?$|^(?:kind|best|warm)?\s*regards|^hoogachtend|^met\s+(?:de\s+)?meeste\s+hoogachting|^(?:yours\s+)?(?:sincerely|faithfully|truly)|^respectfully|^best(?:\s+wishes)?\s*,?$|^cheers|^thanks?\b|^thank\s+you|^sincerely|^yours|^--\s*$|^—+$|^_+$|^groetjes/iu;

/** The sender's name from a signature block: the first line that is a name, after any closing. */
export function nameFromSignature(signature: string | null, fromName: string | null = null): string | null {
  if (!signature) return null;
  const lines = givenNameFirst(signature).split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  for (const raw of lines.slice(0, 4)) {
    if (raw.length > 80) return null;
    if (closing.test(raw)) continue;
    const line = raw.replace(/[,.]$/, '').replace(leadingTitle, '').trim();
    if (!wholePerson.test(line) || !plausible(line) || organisation.test(line)) return null;
    if (!line.includes(' ')) {
      // A given name alone ("Roel"): the From header often has the whole name.
      const full = fromName ? cleanName(fromName) : null;
      return full && full.split(' ')[0] === line ? full : line;
    }
    return line;
  }
  return null;
}

/** Word parts too: "Bestuurssecretariaat", "Jeugdzorg". */
const organisation =
  /secretariaat|administratie|afdeling|stichting|zorg|groep|noreply|no-reply|(?<![\p{L}])(?:info|bv|b\.v\.|team|office|support|gemeente|bestuur|servicedesk)(?![\p{L}])/iu;

/** A From display name that names a person, cleaned; null for addresses and organisations. */
function nameFromDisplay(from: MailAddress | null): string | null {
  // "Wendy de Smit | Jeugdteam Terneuzen", "Jan Jansen - Emergis": the person comes before the bar.
  const display = from?.name?.replace(/^["']|["']$/g, '').split(/\s+[|/–—-]\s+/)[0] ?? null;
  const name = cleanName(display);
  if (!name || name.includes('@')) return null;
  if (organisation.test(name)) return null;
  return name;
}

/** The closing at the end of the reply text, when anatomy left the signature in. */
function nameAfterClosing(replyText: string, fromName: string | null): string | null {
  const lines = replyText.slice(-2000).split(/\r?\n/);
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 6); i--) {
    if (closing.test(lines[i]!.trim())) return nameFromSignature(lines.slice(i).join('\n'), fromName);
  }
  return null;
}

/** The sender's own name: signature first, then the From display name. */
export function senderName(replyText: string, signature: string | null, from: MailAddress | null): string | null {
  return (
    nameFromSignature(signature, from?.name ?? null) ??
    nameAfterClosing(replyText, from?.name ?? null) ??
    nameFromDisplay(from)
  );
}

/** Whether the sender speaks of coming themselves (own clause with accept/tentative, not a substitute). */
export function senderComes(reading: IntentReading): boolean {
  if (reading.substitute) return false;
  return reading.clauses.some(
    (c) => !c.thirdParty && !c.question && (c.intent === 'accept' || c.intent === 'tentative') &&
      // "Namens ons komen Jan en Petra" names others; "Namens Juvent kom ik" is the sender.
      !(/^\s*namens(?![\p{L}])/iu.test(c.text) && !/(?<![\p{L}])(?:ik|wij|we)(?![\p{L}])/iu.test(c.text)),
  );
}

export function detectAttendees(
  replyText: string,
  signature: string | null,
  from: MailAddress | null,
  intent: Intent | null,
  partySize: number | null,
  reading: IntentReading = readIntent(replyText, builtInRules),
): { attendees: string[]; reasons: string[] } {
  if (intent === null || intent === 'decline' || partySize === 0) return { attendees: [], reasons: [] };
  const reasons: string[] = [];
  const listed = attendingNames(findListedNames(replyText), reading);
  const found = senderName(replyText, signature, from);
  const sender = found ? completeName(found, replyText, signature, from) : null;
  let attendees: string[] = [];
  if (reading.substitute) {
    // "Namens Emergis komen Hanneke Bosch en Ton Meijer. Ik kan zelf niet.": all who come instead.
    attendees = listed.kind === 'roster' ? listed.names : listed.names.slice(0, 1);
    if (attendees.length) reasons.push('names:substitute');
  } else if (listed.kind === 'roster') {
    attendees = listed.names;
    reasons.push('names:listed');
  } else {
    const self = (senderComes(reading) || listed.selfListed) && sender ? [sender] : [];
    if (self.length) reasons.push(signature && nameFromSignature(signature, from?.name ?? null) ? 'names:sender-signature' : 'names:sender-display');
    if (listed.kind === 'companions') reasons.push('names:companions');
    attendees = dedupe([...self, ...listed.names]);
  }
  attendees = dedupe(attendees.map((n) => completeName(n, replyText, signature, null)));
  return { attendees, reasons };
}
