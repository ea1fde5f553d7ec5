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
import { idiomWe, pluralSubjectRe, readCoordination, statementsOf } from './coordination.js';
import type { Intent, MailAddress } from './types.js';

/** "Sinke, Roel" → "Roel Sinke"; the invitee import's rule, so both spell a person alike. */
export function cleanName(display: string | null): string | null {
  return cleanInviteeName(display);
}

const particle = "(?:van|von|de|der|den|het|'t|ter|ten|te|in|op|la|le|du|da|di|del|dos|el)";
/**
 * A capitalised word with a lower-case letter in it ("Jansen", "O'Neill", "McDonald", not "BV").
 * Written so that a word matches in one way only: with `[\p{Ll}\p{Lu}]*\p{Ll}[\p{Ll}]*` a word of n
 * letters matched in n ways, and a list of names took exponential time (8 names: 4 s).
 */
const token = "(?:\\p{Lu}[\\p{Lu}'’]*\\p{Ll}(?:[\\p{Ll}'’]|\\p{Lu}+\\p{Ll})*(?:-(?:(?:de|van|der|den) )?\\p{Lu}[\\p{Ll}'’]+)*)";
const initials = '(?:(?:\\p{Lu}\\. ?){1,4})';
/**
 * Forms of address and academic titles before a name, several at once ("mevrouw drs.", "prof. dr.",
 * "dhr. ir."); they are no part of the name a coordinator writes on a badge.
 */
const title =
  '(?:(?:[Dd]hr|[Mm]evr|[Mm]w|[Mm]r|[Mm]rs|[Mm]s|[Mm]iss|[Dd]r|[Dd]rs|[Ii]r|[Ii]ng|[Pp]rof|[Dd]s|[Dd]e heer|[Mm]evrouw|[Mm]eneer|[Ss]ir)\\.? +){1,4}';
/** Degrees written after a name ("Ineke Vos MBA", "B.C. Jansen MSc"). */
const postNominal = '(?:,? +(?:MSc|MA|BSc|BA|MBA|LLM|LLB|PhD|MPA|MD|RA|RC|EMIA|MCM|MHA|MPH|MANP)\\.?(?![\\p{L}]))*';
/**
 * Given name(s) or initials, tussenvoegsels, surname; or a lone given name. Words are joined by
 * spaces only, never a line break: a list of one name per line is several people, not one.
 */
const personSource = `(?:${token}(?: +${token})?|${initials})(?: +${particle}){0,3} +${token}|${token}`;

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
    'ondergetekende hoogachtend sincerely ' +
    // English and Dutch words that open a statement about who comes ("There will be two of us").
    'there this that it both all beiden allebei samen also please yes ' +
    // Adverbs that open a sentence before a verb ("Misschien komt mijn collega ook mee").
    'misschien wellicht waarschijnlijk mogelijk zeker eventueel hopelijk gelukkig natuurlijk uiteraard ' +
    'daarna vandaag morgen nu toen wel zelf maybe perhaps probably possibly hopefully unfortunately sadly luckily'
  ).split(' '),
);

const personAt = new RegExp(`(?:${title})?(${personSource})${postNominal}(?:\\s*\\([^)]{1,40}\\))?`, 'uy');
const separator = /\s*(?:,\s*(?:en\s+|and\s+)?|\s+en\s+|\s+and\s+|\s*&\s*|\s*;\s*|\s*\/\s*)/uy;

/** Words in notAName that are given names too ("Dan Rivers"): a name when a surname follows. */
const givenNameToo = new Set(['dan']);

/**
 * Job titles and roles, by word part ("Beleidsmedewerker Jeugd", "Managementondersteuning",
 * "Executive Assistant"): a signature line or list cell with one of them is no person's name.
 */
const jobTitle =
  /medewerk|adviseu|manager|directeu|director|teamleid|leidinggevend|co[oö]rdinat|secretar|bestuurd|voorzitt|wethoud|consulent|specialist|officer|assisten|assistant|ondersteun|beleids|wetenschapp|psycholo|pedagoog|hulpverlen|verpleegkund|praktijkhoud|eigenaar|(?<![\p{L}])(?:owner|ceo|cfo|coo|cto|hoofd|head|lead|chair|executive|trainer|coach|advisor|adviser|consultant|controller|inkoper|begeleider|therapeut|functie|afdeling|naam|name|e-?mail|telefoon|phone|voornaam|achternaam|tussenvoegsel|roepnaam|surname|first\s+name|last\s+name)(?![\p{L}])/iu;

/** Word parts too: "Bestuurssecretariaat", "Jeugdzorg", "Jeugdcoaching Zeeland", "Bureau Congressen". */
const organisation =
  /secretariaat|administratie|afdeling|stichting|zorg|groep|jeugd|hulp|coaching|praktijk|centrum|bureau|instituut|gemeente|provincie|academie|hogeschool|universiteit|ziekenhuis|kliniek|opvang|welzijn|vereniging|co[oö]peratie|ministerie|noreply|no-reply|(?<![\p{L}])(?:info|bv|b\.v\.?|nv|n\.v\.?|vof|v\.o\.f\.?|ltd|inc|gmbh|llc|team|office|support|gemeente|bestuur|servicedesk|college|school|care|youth|services|consult|consultancy|holding|partners|foundation|council|group|events?|congressen)(?![\p{L}])/iu;

function plausible(name: string): boolean {
  const words = name.split(/\s+/);
  const first = words[0]!.toLowerCase();
  if (notAName.has(first) && !(givenNameToo.has(first) && words.length > 1 && !notAName.has(words[1]!.toLowerCase()))) return false;
  if (words.length === 1 && notAName.has(first)) return false;
  return !organisation.test(name) && !jobTitle.test(name);
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
    // "mijzelf en mijn collega mevrouw J. de Vries", "Jan Smit en onze directeur Erik Brouwer": the
    // role before a name introduces that person and is read past.
    roleBeforeName.lastIndex = at;
    if (roleBeforeName.exec(text)) at = roleBeforeName.lastIndex;
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

/**
 * Roles a companion is introduced by ("mijn collega", "beleidsmedewerker Tamara van 't Hof",
 * "onze directeur, de heer …"): a known word or a Dutch job word by its ending.
 */
const roleSource =
  "(?:collega|collega's|collegae|collega’s|medewerker|medewerkers|medewerkster|colleague|colleagues|directeur|directrice|director|manager|teamleider|leidinggevende|vervanger|vervangster|partner|vrouw|man|echtgenote|echtgenoot|wife|husband|boss|deputy|lead|head|chair|CEO|CFO|COO|CTO|ceo|opvolger|opvolgster|successor|stagiair|stagiaire|intern|trainee|teamgenoot|teamgenote|" +
  '\\p{Ll}*(?:medewerker|medewerkster|adviseur|adviseuse|wetenschapper|manager|directeur|coördinator|coordinator|leider|pedagoog|psycholoog|hulpverlener|consulent|specialist|secretaris|voorzitter|bestuurder|wethouder|officer))';
/** A word before a role: "mijn nieuwe collega", "onze vaste medewerker", "our policy lead". */
const adjective = '(?:\\p{Ll}{2,14}\\s+)?';
/** What may come between a role and the name: a comma or colon, then forms of address. */
const beforeName = `(?:\\s*[:,]?\\s+|\\s*\\(\\s*)(?=${title}|\\p{Lu})`;
const roleBeforeName = new RegExp(`(?:(?:[Mm]ijn|[Mm]['’]n|[Mm]n|[Oo]nze|[Ee]en|[Mm]y|[Oo]ur|[Aa])\\s+)?${roleSource}${beforeName}`, 'uy');
const possessiveCue = new RegExp(
  `(?<![\\p{L}])(?:(?:[Mm]ijn|[Mm]['’]n|[Mm]n|[Oo]nze|[Mm]y|[Oo]ur)\\s+${adjective}${roleSource}` +
    // "een collega van mij, Evi Roelofs", "a colleague of mine, Sam Lee".
    `|(?:[Ee]en|[Ee]én|[Aa])\\s+${adjective}${roleSource}\\s+(?:van\\s+(?:mij|ons)|of\\s+(?:mine|ours))\\s*,?)${beforeName}`,
  'gu',
);
const companionCue = new RegExp(
  `(?<![\\p{L}])(?:(?:[Ss]amen\\s+met|[Mm]et|en|and|with|[Tt]ogether\\s+with|along\\s+with|joined\\s+by|[Nn]eem|[Nn]emen|[Nn]eemt|[Bb]reng|[Bb]rengen|[Bb]ring|[Bb]ringing)\\s+(?:(?:ook|nog|dan)\\s+)?(?:(?:mijn|m['’]n|mn|onze|een|één|de|my|our|a|one|twee|two)\\s+)?(?:${adjective}${roleSource}(?:\\s*[:,]?\\s+|\\s*\\(\\s*))?(?=${title}|\\p{Lu})` +
    // "ik neem een collega mee, Bram de Koning", "I'm bringing a colleague: Sarah Lee".
    `|(?:[Nn]eem|[Nn]emen|[Nn]eemt|[Bb]reng|[Bb]rengen|bring|bringing)\\s+(?:\\S+\\s+){0,3}?(?:mee|along|with\\s+me)\\s*[,:(–-]\\s*(?=${title}|\\p{Lu}))`,
  'gu',
);
/**
 * The sender registers someone else by role ("Graag meld ik onze directeur, de heer P. Dekker, aan",
 * "on behalf of our director, Mr Paul Hendriks, who will attend"): that person comes, not the sender.
 */
const delegateCue = new RegExp(
  `(?<![\\p{L}])(?:(?:meld|melden)\\s+(?:ik|wij|we)\\s+(?:(?:hierbij|graag|bij\\s+deze)\\s+)*|(?:namens|on\\s+behalf\\s+of|register|registering|sign\\s+up|signing\\s+up)\\s+)(?:[Oo]nze|[Mm]ijn|[Oo]ur|[Mm]y)\\s+${roleSource}${beforeName}`,
  'gu',
);
/** Cues after which the people who come are named instead of the sender ("namens ons komen …"). */
const rosterCue =
  /(?<![\p{L}])(?:(?:afvaardiging|delegatie|vertegenwoordiging)(?:\s+\S+){0,3}?\s+(?:bestaat|bestaan)\s+uit\s+|(?:namens|vanuit)(?:\s+\S+){1,4}?\s+(?:komen|komt|zijn|zal|zullen|is|nemen|neemt|gaan|gaat)(?:\s+(?:aanwezig|er|deel))?\s*:?\s+|(?:aan|af)melding(?:en)?(?:\s+\d{1,2}\s*x)?(?:\s+(?:voor|namens|van)(?:\s+[^\s:]+){1,3}?)?\s*:\s*|aanmelden\s*:\s*|(?:deelnemers?|attendees?|participants?)(?:\s+[^\s:.!?]+){0,8}?\s*:\s*|namen\s*:\s*|(?:plaatsen|plaats|places|seats?)\s+(?:op\s+naam\s+van|in\s+(?:the\s+)?names?\s+of|voor)\s+|op\s+naam\s+van\s+|(?:er|dan)\s+(?:komen|komt)\s+|[Vv]an\s+(?:ons|onze\s+\S+)\s+(?:komen|komt|gaan|gaat|zullen|zal)\s+|(?:plaats|place)\s+(?:\S+\s+){0,2}?(?:komt|komen|gaat|gaan|comes|attends)\s+|(?:personen|mensen|medewerkers|collega's|people|colleagues|delegates|representatives|afgevaardigden|vertegenwoordigers)(?:\s+aan)?\s*:\s*|(?:vertegenwoordigd|represented)\s+(?:\S+\s+){0,3}?(?:door|by)\s+|met\s+(?:z['’]n|zijn|ons|onze|hun)\s+(?:tweeën|tweeen|drieën|drieen|vieren|vijven|zessen|zevenen|achten|\d+)\s*:\s*|(?:meld|melden)(?:\s+(?:ik|wij|we))?\s+(?=(?:de\s+heer|mevrouw|dhr|mevr|mw|meneer)(?![\p{L}]))|(?:meld|melden)\s+(?:ik|wij|we)\s+(?:(?:hierbij|graag)\s+)*|(?:the\s+)?(?:two|three|four|five)\s+of\s+us\s*:\s*|(?:be|zijn|worden)\s+(?:met\s+)?(?:two|three|four|five|six|twee|drie|vier|vijf|zes|\d)\s*:\s*|te\s+weten\s*:?\s*|(?:on\s+our\s+behalf|namens\s+ons|for\s+us|voor\s+ons)\s*:\s*|(?:\d{1,2}|twee|drie|vier|vijf|zes|two|three|four|five|six)\s+(?:collega's|colleagues|medewerkers|people|personen|mensen|staff)(?:\s+[^\s:.!?]+){0,6}?\s*:\s*|namelijk\s*:?\s*|namely\s*:?\s*|(?:wij|we|us)\s*\(\s*|(?:beiden|allebei|both|samen|together|komen|komt|gaan|gaat|aanwezig|erbij|attend|attending|coming|will)\s*:\s*|(?:\d{1,2}|twee|drie|vier|vijf|zes|two|three|four|five|six)\s+[\p{L}'’]{3,20}\s*\(\s*|(?:aantal\s+)?(?:namen|deelnemers)\s*[:=]\s*)/giu;
/** "Jan Jansen en Petra de Boer komen". */
const namesThenVerb = new RegExp(
  `(?:^|[.!?\\n]\\s*|,\\s*(?:maar\\s+)?|maar\\s+)((?:${title})?(?:${personSource})(?:\\s*(?:,|en|&)\\s*(?:${title})?(?:${personSource}))*)\\s+(?:komt|komen|zal|zullen|gaat|gaan|is\\s+aanwezig|zijn\\s+aanwezig|will|neemt|nemen)(?![\\p{L}])`,
  'gu',
);

/** "mevrouw K. Jobse en ik", "Arie Boogert en ikzelf". */
/** Whole-line forms, built once (not per line and call). */
const nameLine = new RegExp(`^(?:${title})?(?:${personSource})${postNominal}$`, 'u');
const wholePerson = new RegExp(`^(?:${personSource})$`, 'u');
const leadingTitle = new RegExp(`^${title}`, 'u');
/** "Ineke Vos MBA" → "Ineke Vos"; titles before the name are taken off by the caller. */
const trailingDegrees = new RegExp(`${postNominal}$`, 'u');

const selfApposition = new RegExp(`(?<![\\p{L}])(ik|I|ondergetekende)\\s*,\\s*(?:${title})?(?:${personSource})${postNominal}\\s*,`, 'gu');
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
  /**
   * The sender registers themselves with the names ("Graag meld ik mijzelf en mijn collega … aan",
   * "There will be two of us: Ben Carter and myself"): a registration like a roster, the sender in it.
   */
  registration?: boolean;
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

/** Header cells of a pasted table, by what the column holds. */
const headerCell = {
  full: /^(?:naam|namen|name|names|full\s+name|volledige\s+naam|deelnemers?|participants?|attendees?|persoon|person)$/iu,
  given: /^(?:voornaam|voornamen|roepnaam|first\s*name|given\s*name|forename)$/iu,
  particle: /^(?:tussenvoegsels?|tussenv\.?|tv|voorvoegsel|prefix)$/iu,
  surname: /^(?:achternaam|familienaam|surname|last\s*name|family\s*name)$/iu,
  other: /^(?:functie|function|rol|role|job\s*title|titel|title|organisatie|organisation|organization|afdeling|department|team|e-?mail(?:adres)?|email\s*address|telefoon(?:nummer)?|tel\.?|phone|mobiel|dieet|diet|opmerking(?:en)?|remarks?|aanhef|initialen|voorletters|nr\.?|#)$/iu,
};

/** A cell as a person's name: titles and degrees off, "Sinke, Roel" turned, or null. */
function cellName(cell: string): string | null {
  if (cell.length > 80) return null;
  let c = cell.replace(/\s+/g, ' ').trim().replace(leadingTitle, '').replace(trailingDegrees, '').trim();
  const turned = /^(\p{Lu}[^,]{1,40}), (\p{Lu}[\p{Ll}'’-]+(?: \p{Lu}[\p{Ll}'’-]+)?)$/u.exec(c);
  if (turned) c = `${turned[2]} ${turned[1]}`;
  return c.length > 0 && c.length <= 60 && nameLine.test(c) && plausible(c) ? c : null;
}

/** Cells of a table row: tab-separated (Excel), pipe-separated, or columns padded with spaces (HTML tables as text). */
function splitRow(line: string): string[] | null {
  if (line.includes('\t')) return line.split('\t').map((c) => c.trim());
  if (/^\s*\|/.test(line) || (line.match(/\|/g)?.length ?? 0) >= 2) {
    return line.replace(/^\s*\|/, '').replace(/\|\s*$/, '').split('|').map((c) => c.trim());
  }
  if (/\S {2,}\S/.test(line)) return line.trim().split(/ {2,}/);
  return null;
}

/**
 * Names in a table pasted into the reply (from Excel with tabs, a pipe table, or an HTML table that
 * was converted to text): the name column by its header ("Naam", or "Voornaam", "Tussenvoegsel",
 * "Achternaam" put together), else the first cell of each row that is a person's name.
 */
function readTableNames(text: string): Found[] {
  const out: Found[] = [];
  const lines = text.split('\n');
  let offset = 0;
  let columns: { full: number; given: number; particle: number; surname: number } | null = null;
  let inTable = false;
  for (const line of lines) {
    const at = offset;
    offset += line.length + 1;
    const cells = line.length <= 500 ? splitRow(line) : null;
    if (!cells || cells.filter((c) => c.length > 0).length < 2) {
      inTable = false;
      columns = null;
      continue;
    }
    if (cells.every((c) => /^[-:= ]*$/.test(c))) continue; // |---|---| under a pipe-table header
    const filled = cells.filter((c) => c.length > 0);
    const isHeader = filled.every((c) => headerCell.full.test(c) || headerCell.given.test(c) || headerCell.particle.test(c) || headerCell.surname.test(c) || headerCell.other.test(c));
    if (isHeader) {
      const find = (re: RegExp) => cells.findIndex((c) => re.test(c));
      columns = { full: find(headerCell.full), given: find(headerCell.given), particle: find(headerCell.particle), surname: find(headerCell.surname) };
      inTable = true;
      continue;
    }
    let name: string | null = null;
    if (columns && columns.given >= 0 && columns.surname >= 0) {
      const part = (i: number) => (i >= 0 ? (cells[i] ?? '') : '');
      name = cellName([part(columns.given), part(columns.particle), part(columns.surname)].filter((x) => x.length > 0).join(' '));
    } else if (columns && columns.full >= 0) {
      name = cellName(cells[columns.full] ?? '');
    } else {
      // No header: the first cell that is a whole name ("Jan Jansen | Manager"); a given name alone is
      // too weak a sign in a row without a header.
      for (const c of cells) {
        const n = cellName(c);
        if (n && n.includes(' ')) {
          name = n;
          break;
        }
      }
    }
    if (name) {
      out.push({ name, at });
      inTable = true;
    } else if (!inTable) columns = null;
  }
  return out;
}

/** "mevr. drs. Anne Smits", "B.C. Jansen MSc" as written on a line of a list → "Anne Smits", "B.C. Jansen". */
const bareName = (line: string) => line.replace(leadingTitle, '').replace(trailingDegrees, '').trim();

function readListedNames(replyText: string): ListedNames {
  const head = givenNameFirst(replyText.slice(0, MAX_ANALYSED_CHARS).replace(/\r\n?/g, '\n'));
  const tableNames = readTableNames(head);
  // "Namens GGZ Delfland zal ik, Merel Schouten, de bijeenkomst bijwonen": the name after "ik," is
  // the sender's own, not a second person.
  const spaced = head.replace(/[\u00a0\t ]+/g, ' ');
  const text = /(?:ik|I|ondergetekende) ?,/u.test(spaced) ? spaced.replace(selfApposition, '$1') : spaced;
  const roster: Found[] = [...tableNames];
  const self = { listed: false };
  for (const m of text.matchAll(rosterCue)) roster.push(...readNameList(text, m.index + m[0].length, self));
  for (const m of text.matchAll(namesThenVerb)) {
    // "Beste, Jan Hoekstra en Piet Wagemaker komen": the list may start with a greeting word that
    // is no name; the names begin after the first separator that leads to one.
    let start = m.index + m[0].indexOf(m[1]!);
    const end = start + m[1]!.length;
    for (let tries = 0; tries < 3 && start < end; tries++) {
      const found = readNameList(text, start);
      if (found.length > 0) {
        roster.push(...found);
        break;
      }
      const sep = /,\s*|\s+(?:en|and)\s+|\s*&\s*/u.exec(text.slice(start, end));
      if (!sep) break;
      start += sep.index + sep[0].length;
    }
  }
  // A list of lines that are nothing but names ("- Jan Jansen").
  // A bulleted line may add a role after the name ("- Hidde van Wijk, gedragswetenschapper").
  const lines = text
    .split(/\r?\n/)
    .map((l) => (/^\s*(?:[-*•·]|\d+[.)])\s/u.test(l) ? l.replace(/^\s*(?:[-*•·]|\d+[.)])\s*/u, '').replace(/\s*(?:,|\(|\s[-–]\s).*$/u, '') : l).trim());
  const nameLines = lines.filter((l) => l.length > 0 && nameLine.test(l) && plausible(bareName(l)) && bareName(l).includes(' '));
  if (nameLines.length >= 2) roster.push(...nameLines.map((line) => ({ name: bareName(line), at: text.indexOf(line) })));
  const companions: Found[] = [];
  for (const m of text.matchAll(nameAndI)) {
    // "(Ruben Tuinman en ik)": the sender lists themselves, whatever other names the reply has.
    self.listed = true;
    companions.push({ name: m[1]!.replace(/\s+/g, ' '), at: m.index + m[0].indexOf(m[1]!) });
  }
  for (const m of text.matchAll(delegateCue)) roster.push(...readNameList(text, m.index + m[0].length));
  for (const m of text.matchAll(possessiveCue)) {
    companions.push(...readNameList(text, m.index + m[0].length).map((f) => ({ ...f, mention: true })));
  }
  let takenAlong = false;
  for (const m of text.matchAll(companionCue)) {
    const found = readNameList(text, m.index + m[0].length);
    // "Neem mn collega Jeroen mee", "samen met Petra": taken along by the sender, who comes too.
    if (found.length > 0 && /^(?:samen|neem|nemen|neemt|breng|brengen|bring|bringing|together|along|joined)/iu.test(m[0])) takenAlong = true;
    companions.push(...found);
  }
  const inOrder = (found: Found[]) => dedupe([...found].sort((a, b) => a.at - b.at).map((f) => f.name));
  const rosterNames = inOrder(roster);
  const companionNames = inOrder(companions).filter((n) => !rosterNames.includes(n));
  const firm = new Set([...roster, ...companions.filter((f) => !f.mention)].map((f) => f.name.toLowerCase()));
  const withMentioned = (l: ListedNames): ListedNames => {
    const mentioned = l.names.filter((n) => !firm.has(n.toLowerCase()));
    return mentioned.length > 0 ? { ...l, mentioned } : l;
  };
  // "register me and my colleague", "mij en mijn collega": the sender is with them.
  // "I'll be there and will bring my colleague …": a contracted I is the sender too.
  const selfWith = takenAlong || /(?<![\p{L}])(?:ik|i|ikzelf|mijzelf|mezelf|myself|ondergetekende|me|mij|i['’](?:ll|m|d|ve))(?![\p{L}'])/iu.test(text);
  if (rosterNames.length > 0 && self.listed) {
    return withMentioned({ names: dedupe([...rosterNames, ...companionNames]), kind: 'companions', selfListed: true, registration: true });
  }
  if (rosterNames.length > 0) return withMentioned({ names: dedupe([...rosterNames, ...(selfWith ? [] : companionNames)]), kind: 'roster' });
  if (companionNames.length > 0) {
    return withMentioned({ names: companionNames, kind: selfWith ? 'companions' : 'roster', ...(self.listed ? { selfListed: true } : {}) });
  }
  return { names: [], kind: null };
}

/**
 * The people a reply registers by name without a word about attending ("Ja, graag twee plaatsen op
 * naam van …", a table of participants under "Hieronder de deelnemers"): classify.ts takes such a
 * reply for an acceptance, with a confidence low enough for a person to check it.
 */
export function registeredNames(replyText: string): string[] {
  const listed = findListedNames(replyText);
  return listed.kind === 'roster' || listed.registration ? listed.names.filter((n) => !(listed.mentioned ?? []).includes(n)) : [];
}

/** Said of a person who will not be there: "Joris is ziek", "mijn collega Wendy niet", "Sven kan helaas niet". */
const absent =
  /(?<![\p{L}])(?:ziek|verhinderd|afwezig|met\s+verlof|op\s+vakantie|niet|geen|sick|ill|unable|away|not|can't|cannot|won't)(?![\p{L}])/iu;
/** Said of a person named in passing who comes after all: "Mijn collega Lotte Bos schuift om half vier aan". */
const comingVerb =
  /(?<![\p{L}])(?:komt|komen|gaat\s+(?:ook\s+)?mee|schuift|schuiven|sluit|sluiten|is\s+(?:er\s+)?(?:ook\s+)?(?:bij|erbij)|joins?|will\s+(?:also\s+)?(?:come|join|attend)|comes|attends)(?![\p{L}])/iu;
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
    ) || naming.some((c) => !c.question && c.intent === null && comingVerb.test(c.text) && !absent.test(c.text.replace(byName, '')));
  });
  return names.length === listed.names.length ? listed : { ...listed, names, kind: names.length > 0 ? listed.kind : null };
}

/**
 * A given name alone ("Koen", "Wouter") made whole from where the reply spells it out: the From
 * display name, or the text itself ("Wouter Bakker hier", "door naar Koen Minderhoud").
 */
export function completeName(name: string, replyText: string, signature: string | null, from: MailAddress | null): string {
  if (name.includes(' ')) return name;
  // "Jan en Marieke Smit": two given names sharing the surname written once.
  const shared = new RegExp(`(?<![\\p{L}])${escapeRe(name)}\\s+(?:en|and|&)\\s+\\p{Lu}[\\p{Ll}'’-]+((?:\\s+${particle}){0,3}\\s+\\p{Lu}[\\p{Ll}'’]+(?:-\\p{Lu}[\\p{Ll}'’]+)?)(?![\\p{L}])`, 'u').exec(replyText.slice(0, MAX_ANALYSED_CHARS));
  if (shared && !notAName.has(shared[1]!.trim().split(/\s+/).pop()!.toLowerCase())) return `${name}${shared[1]!.replace(/\s+/g, ' ')}`;
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
  /^(?:ciao|saluti|cordialement|salutations|gr(?:ü|ue)(?:ß|ss)e|tsch(?:ü|ue)ss|hugs|cheers|take\s+care|best\s+wishes|many\s+thanks|fijne\s+(?:dag|middag|avond|week|weekend))\b|^(?:met\s+)?(?:(?:vriendelijke|hartelijke|collegiale|beste|warme|fijne|zonnige)\s+)?groet(?:en|jes)?\b|^m\.?v\.?g\.?|^gr(?:\.|oet)?\s*,?$|^(?:kind|best|warm)?\s*regards|^hoogachtend|^met\s+(?:de\s+)?meeste\s+hoogachting|^(?:yours\s+)?(?:sincerely|faithfully|truly)|^respectfully|^best(?:\s+wishes)?\s*,?$|^cheers|^thanks?\b|^thank\s+you|^sincerely|^yours|^--\s*$|^—+$|^_+$|^groetjes/iu;

/**
 * A sign-off written on the line of the name ("Gr Hans", "Mvg Ineke", "Groetjes, Ineke", "vr.gr.
 * Jan", "Best, Emma", "Cheers Oliver"): the sign-off is taken off and the rest read as the name.
 */
const inlineClosing =
  /^(?:(?:met\s+)?(?:(?:vriendelijke|hartelijke|collegiale|beste|warme|fijne|zonnige)\s+)?groet(?:en|jes)?|groetjes|gr(?:oet)?|g(?:r)?\.|m\.?v\.?g\.?|vr\.?\s?gr\.?|v\.?g\.?|(?:kind|best|warm|warmest)\s+regards|regards|best(?:\s+wishes)?|cheers|thanks|thank\s+you|liefs|doei|dank(?:\s+je(?:wel)?|\s+u(?:wel)?)?)[ \t]*[,.!:]?[ \t]+(?=\S)/iu;

/** "Joris Kant" signed at joriskant.nl by Joris Kant: the From name vouches for a person. */
const sameGivenName = (line: string, display: string | null) =>
  display !== null && letters(line.split(' ')[0]!) === letters(display.split(' ')[0]!);

/** Letters only, lower case: "Jeugdcoaching Zeeland" and "jeugdcoaching-zeeland" compare equal. */
const letters = (s: string) => s.toLowerCase().replace(/[^\p{L}]/gu, '');

/** The sender's domain names the organisation: a line that spells it is the organisation. */
function namesDomain(line: string, address: string | null | undefined): boolean {
  // Every label but the top-level one: "kompasnoord.nl", also "mail.kompasnoord.co.uk".
  const labels = (address?.split('@')[1]?.split('.') ?? []).slice(0, -1).map(letters);
  const l = letters(line);
  // Only the line within the domain ("Kompas Noord" in kompasnoord.nl): a domain within the line is
  // as often the surname of a sole trader ("Marco Goedegebuure" at goedegebuure.nl).
  return l.length >= 4 && labels.some((label) => label.length >= 4 && label.includes(l));
}


/**
 * The sender's name from a signature block: the first line that is a name, after any closing and
 * past job titles and organisation lines; a given name alone (or the first part of the name) is
 * made whole from the From display name when that starts with it, a surname alone when it ends with it.
 */
export function nameFromSignature(signature: string | null, fromName: string | null = null, fromAddress: string | null = null): string | null {
  if (!signature) return null;
  const lines = givenNameFirst(signature).split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  let skipped = false;
  for (let raw of lines.slice(0, 5)) {
    if (raw.length > 80) return null;
    const inline = inlineClosing.exec(raw);
    const rest = inline ? raw.slice(inline[0].length).replace(/[,.]$/, '').replace(leadingTitle, '').replace(trailingDegrees, '').trim() : '';
    // "Gr Hans": the name after the sign-off; "Met vriendelijke groet / Kind regards": a closing only.
    if (inline && wholePerson.test(rest)) raw = rest;
    else if (inline || closing.test(raw)) continue;
    const line = raw.replace(/[,.]$/, '').replace(leadingTitle, '').replace(trailingDegrees, '').trim();
    const display = personInDisplay(fromName);
    if (organisation.test(line) || jobTitle.test(line) || (namesDomain(line, fromAddress) && !sameGivenName(line, display))) {
      // "Beleidsmedewerker Jeugd" / "Stichting Juzt" under the closing: read on for a name.
      skipped = true;
      continue;
    }
    if (!wholePerson.test(line) || !plausible(line)) return null;
    // After a title or organisation line only a whole name is taken; a lone word there is a place.
    if (skipped && !line.includes(' ')) return null;
    const words = line.toLowerCase().split(' ');
    const displayWords = display?.toLowerCase().split(' ') ?? [];
    // "mr. A. Hoek" signed, "Astrid Hoek" in the From header: the initial and the surname agree, so
    // the given name is the display name's (a badge carries "Astrid Hoek").
    const initialsSigned = /^((?:\p{Lu}\.\s?)+)\s*(.+)$/u.exec(line);
    if (display && initialsSigned && display.toLowerCase().endsWith(` ${initialsSigned[2]!.toLowerCase()}`) &&
        displayWords[0]![0] === initialsSigned[1]![0]!.toLowerCase() && !/^\p{Lu}\./u.test(display)) {
      return display;
    }
    if (display && displayWords.length > words.length) {
      // "Roel" or "Dirk Jan" signed, "Dirk Jan Ossewaarde" in the From header: the whole name.
      if (words.every((w, i) => displayWords[i] === w)) return display;
      // "Van der Heijden" signed, "Peter van der Heijden" in the From header.
      if (words.length > 1 && words.every((w, i) => displayWords[displayWords.length - words.length + i] === w)) return display;
    }
    return line;
  }
  return null;
}

/** A From display name that names a person, cleaned; null for addresses and organisations. */
function personInDisplay(fromName: string | null | undefined): string | null {
  // "Wendy de Smit | Jeugdteam Terneuzen", "Jan Jansen - Emergis": the person comes before the bar.
  const display = fromName?.replace(/^["']|["']$/g, '').split(/\s+[|/–—-]\s+/)[0] ?? null;
  const name = cleanName(display);
  if (!name || name.includes('@')) return null;
  if (organisation.test(name)) return null;
  return name;
}

const nameFromDisplay = (from: MailAddress | null) => personInDisplay(from?.name);

/** The closing at the end of the reply text, when anatomy left the signature in. */
function nameAfterClosing(replyText: string, from: MailAddress | null): string | null {
  const lines = replyText.slice(-2000).split(/\r?\n/);
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 6); i--) {
    if (closing.test(lines[i]!.trim())) return nameFromSignature(lines.slice(i).join('\n'), from?.name ?? null, from?.address ?? null);
  }
  return null;
}

/** The sender's own name: signature first, then the From display name. */
export function senderName(replyText: string, signature: string | null, from: MailAddress | null): string | null {
  return (
    nameFromSignature(signature, from?.name ?? null, from?.address ?? null) ??
    nameAfterClosing(replyText, from) ??
    nameFromDisplay(from)
  );
}

/**
 * The sender says they are one of a number of people ("vijf medewerkers, ikzelf ben daar één van",
 * "inclusief mijzelf", "including myself"): counted within it, and named among the attendees.
 */
const selfAmong =
  /(?<![\p{L}])(?:(?:ik|ikzelf|mijzelf|ondergetekende)\s+(?:ben|is)\s+(?:daar|er)\s+(?:ook\s+)?(?:één|een|eén)\s+van|(?:inclusief|inclusief\s+ook|incl\.?|waaronder|waarvan)\s+(?:ik(?:zelf)?|mijzelf|mezelf|mij|ondergetekende)|(?:including|incl\.?)\s+(?:me|myself)|(?:i\s+am|i'm)\s+one\s+of\s+them|(?:of\s+whom|one\s+of\s+whom)\s+(?:is\s+)?(?:me|myself|i))(?![\p{L}])/iu;

export function senderAmongCount(text: string): boolean {
  return selfAmong.test(text);
}

/** The reply says who will come is not known yet ("weten nog niet wie", "namen volgen", "names to follow"). */
const whoIsOpen =
  /(?<![\p{L}])(?:(?:weten|weet)\s+(?:ik\s+|we\s+|wij\s+)?(?:nog\s+)?niet\s+(?:precies\s+)?wie|nog\s+niet\s+(?:bekend|duidelijk|zeker)\s+wie|(?:nog\s+)?onbekend\s+wie|wie\s+(?:er\s+)?(?:gaat|gaan|komt|komen)\s+(?:is|wordt)\s+nog|namen\s+(?:volgen|komen\s+(?:nog|later)|stuur|laat|geef|mail)|(?:not\s+(?:yet\s+)?(?:sure|know|decided|certain)|don't\s+(?:yet\s+)?know)\s+(?:yet\s+)?who|names\s+(?:to\s+follow|will\s+follow|later)|send\s+(?:you\s+)?(?:the\s+)?names|met\s+(?:z['’]n|zijn|ons|onze)\s+allen|met\s+(?:het|de)\s+hele\s+\p{L}+|met\s+een\s+(?:paar|aantal|groep|groepje)\s|with\s+(?:the\s+)?(?:whole|entire)\s+\p{L}+|(?:a\s+few|several)\s+of\s+us|hoeveel\s+(?:\S+\s+){0,3}?(?:laat|laten|volgt|volgen|weten|weet|hoort|horen|mail|mailen)|how\s+many\s+(?:\S+\s+){0,4}?(?:later|follow|let\s+you\s+know))(?![\p{L}])/iu;

/** Whether the sender speaks of coming themselves (own clause with accept/tentative, not a substitute). */
export function senderComes(reading: IntentReading): boolean {
  if (reading.substitute) return false;
  // No rule read a clause, and the reply as a whole was read as coming (fallback.ts: "Ik hoop erbij
  // te kunnen zijn"): the sender speaks of themselves, nobody else is said to come.
  // "Ja, wij doen mee!" says nothing of who: only a reply in the first person singular names the sender.
  if ((reading.intent === 'accept' || reading.intent === 'tentative') && reading.clauses.every((c) => c.intent === null)) {
    // "Graag twee plekken", "We'll see": no "wij" that would make it a group of unknown size.
    const text = reading.clauses.map((c) => c.text).join('\n').replace(idiomWe, ' ');
    return !pluralSubjectRe.test(text);
  }
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
  } else if (partySize === null && whoIsOpen.test(replyText.slice(0, MAX_ANALYSED_CHARS))) {
    // "Wij komen waarschijnlijk, weten nog niet wie", "met een paar mensen, namen volgen": how many
    // and who is open, so nobody is named, not even the sender ("wij komen" alone names the sender).
    attendees = listed.names;
    if (attendees.length) reasons.push('names:listed');
  } else if (listed.kind === 'roster') {
    attendees = listed.names;
    reasons.push('names:listed');
    // "Ik kom met 2 collega's: Jan de Wit en Bas Kok": the count has one more than the names, and
    // the sender says they come: that one is the sender.
    if (sender && partySize === listed.names.length + 1 && senderComes(reading) && !attendees.includes(sender)) {
      attendees = [sender, ...attendees];
      reasons.push('names:sender-counted');
    }
  } else {
    // With a number ("aanmelding voor 3 personen, namen volgen") the sender who writes counts as one of them.
    // "Wij zijn aanwezig met onze directeur en een beleidsmedewerker": those counted are the others.
    const { said, speaking } = statementsOf(replyText, reading);
    const coordination = readCoordination(said, speaking, reading.substitute, () => senderAmongCount(said));
    const othersOnly = coordination !== null && coordination.othersOnly && coordination.partySize === partySize;
    const self =
      (senderComes(reading) || listed.selfListed || senderAmongCount(replyText.slice(0, MAX_ANALYSED_CHARS))) && sender && (!othersOnly || listed.selfListed)
        ? [sender]
        : [];
    if (self.length) reasons.push(signature && nameFromSignature(signature, from?.name ?? null, from?.address ?? null) ? 'names:sender-signature' : 'names:sender-display');
    if (listed.kind === 'companions') reasons.push('names:companions');
    attendees = dedupe([...self, ...listed.names]);
  }
  attendees = dedupe(attendees.map((n) => completeName(n, replyText, signature, null)));
  return { attendees, reasons };
}
