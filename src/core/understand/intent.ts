/**
 * What the sender says about attending, read from their own text only (anatomy.ts has already cut
 * quoted mail and the signature; the quoted invitation says "aanwezig" and "uitnodiging" too, so
 * nothing else is read here).
 *
 * The text is cut into clauses (sentences, then "maar"/"but" and comma-separated remarks about
 * someone else); the rules fire per clause; the last statement the sender makes about themselves
 * wins ("ik kwam eerst niet, maar kom nu toch wel"). Questions are not answers: a clause that asks
 * is set aside, and a message that also asks something gets a confidence low enough for review.
 */
import type { Intent } from './types.js';
import { builtInRules, type IntentRule } from './rules.js';
import { readFallbackIntent, scoreClause } from './fallback.js';

export type { IntentRule } from './rules.js';

export interface RuleMatch {
  rule: IntentRule;
  start: number;
  end: number;
  text: string;
}

export interface ClauseReading {
  text: string;
  /** Which sentence of the reply the clause belongs to (clauses of one sentence share it). */
  sentence: number;
  /** A hedge over a negation ("waarschijnlijk niet", "probably not"): tentative, leaning to no. */
  leaningNo: boolean;
  /** The clause asks something ("kan ik ook online deelnemen?"). */
  question: boolean;
  /** About someone else than the sender ("mijn collega komt", "hij niet"). */
  thirdParty: boolean;
  /** Says the mind changed ("toch", "alsnog", "after all"). */
  changeOfMind: boolean;
  intent: Intent | null;
  /** The weight of the decisive rule, after penalties (negation). */
  weight: number;
  negated: boolean;
  matches: RuleMatch[];
}

export interface IntentReading {
  intent: Intent | null;
  /** 0..1; 0 when no intent was found. */
  confidence: number;
  reasons: string[];
  /** The message asks something that a person should answer. */
  question: boolean;
  /** A rule with effect not_rsvp fired. */
  notRsvp: boolean;
  /** The sender declines and names someone who comes in their place. */
  substitute: boolean;
  /** The decisive statement doubts with a negation ("waarschijnlijk niet"): nobody is counted. */
  leaningNo: boolean;
  clauses: ClauseReading[];
}

const regexCache = new Map<string, RegExp>();

function compile(pattern: string): RegExp | null {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'giu');
    } catch {
      // Admin rules are validated by the config schema; a bad one here is skipped, not fatal.
      return null;
    }
    regexCache.set(pattern, re);
  }
  re.lastIndex = 0;
  return re;
}

/**
 * A pattern with its assertions taken out (look-arounds, ^, $, \b, \B): it matches wherever the
 * pattern does and more, and it no longer depends on what surrounds a clause. null when the pattern
 * cannot be read that way (then the rule is always run).
 */
export function relaxPattern(pattern: string): string | null {
  // Taking out an assertion renumbers the groups after it; a back-reference could then change.
  if (/\\[1-9]|\\k</.test(pattern)) return null;
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return null;
      if (!inClass && (next === 'b' || next === 'B')) {
        i++;
        continue;
      }
      out += c + next;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      continue;
    }
    if (c === '^' || c === '$') continue;
    if (c === '(' && /^\(\?(?:=|!|<=|<!)/.test(pattern.slice(i, i + 4))) {
      // Skip to the matching parenthesis.
      let depth = 0;
      let cls = false;
      let j = i;
      for (; j < pattern.length; j++) {
        const d = pattern[j]!;
        if (d === '\\') {
          j++;
          continue;
        }
        if (cls) {
          if (d === ']') cls = false;
          continue;
        }
        if (d === '[') cls = true;
        else if (d === '(') depth++;
        else if (d === ')' && --depth === 0) break;
      }
      if (j >= pattern.length) return null;
      // A quantifier after an assertion (not valid with flag u anyway) would now bind elsewhere.
      if (/^[*+?{]/.test(pattern.slice(j + 1))) return null;
      i = j;
      continue;
    }
    out += c;
  }
  return inClass ? null : out;
}

const relaxedCache = new Map<string, RegExp | null>();

/** Top-level alternatives of a pattern source (split at "|" outside groups and classes). */
function alternatives(source: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(source.slice(start, i));
      start = i + 1;
    }
  }
  out.push(source.slice(start));
  return out;
}

/** The index of the parenthesis that closes the group opening at `open`, or -1. */
function closingParen(source: string, open: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Whether the quantifier at `at` (or none) lets the element before it occur zero times. */
const optionalAt = (source: string, at: number) => {
  const q = source[at];
  return q === '?' || q === '*' || (q === '{' && /^\{0[,}]/.test(source.slice(at)));
};

/**
 * Word parts of which every match of `seq` (a sequence without top-level "|") holds at least one:
 * a run of plain letters outside groups, or a group that is not optional whose alternatives each
 * have their own. The smallest such set with the longest parts is kept; null when there is none.
 */
function requiredSet(seq: string, depthLeft = 4): string[] | null {
  const candidates: string[][] = [];
  let run = '';
  const end = () => {
    if (run.length >= 3) candidates.push([run]);
    run = '';
  };
  for (let i = 0; i < seq.length; i++) {
    const c = seq[i]!;
    if (c === '\\') {
      end();
      i++;
      if (seq[i + 1] === '{') i = seq.indexOf('}', i);
      if (i < 0) return null;
      continue;
    }
    if (c === '[') {
      end();
      let j = i + 1;
      while (j < seq.length && seq[j] !== ']') j += seq[j] === '\\' ? 2 : 1;
      i = j;
      continue;
    }
    if (c === '(') {
      end();
      const close = closingParen(seq, i);
      if (close < 0) return null;
      if (!optionalAt(seq, close + 1) && depthLeft > 0) {
        const inner = seq.slice(i, close + 1).replace(/^\((?:\?:|\?<[\p{L}\d_]+>)?/u, '').slice(0, -1);
        const sets = alternatives(inner).map((alt) => requiredSet(alt, depthLeft - 1));
        if (sets.every((x) => x !== null)) candidates.push([...new Set(sets.flat() as string[])]);
      }
      i = close;
      continue;
    }
    if (/[\p{L}']/u.test(c) && !optionalAt(seq, i + 1)) {
      run += c.toLowerCase();
      if (seq[i + 1] === '+' || seq[i + 1] === '{') end();
    } else end();
  }
  end();
  if (candidates.length === 0) return null;
  // Fewest parts first, then the longest shortest part: the most selective test.
  candidates.sort((a, b) => a.length - b.length || Math.min(...b.map((x) => x.length)) - Math.min(...a.map((x) => x.length)));
  return candidates[0]!;
}

/**
 * A cheap necessary condition for a rule: word parts of which every match holds at least one,
 * tested with indexOf on the lower-cased text before any regular expression runs. null when some
 * alternative has none (the rule is then tested by its relaxed pattern alone).
 */
export function ruleGate(pattern: string): string[] | null {
  const source = relaxPattern(pattern);
  if (source === null) return null;
  const runs: string[] = [];
  for (const alt of alternatives(source)) {
    const set = requiredSet(alt);
    if (set === null) return null;
    runs.push(...set);
  }
  return [...new Set(runs)];
}

const gateCache = new Map<string, string[] | null>();

/**
 * The rules that can match some clause. A clause is a substring of the joined text and only the
 * assertions look outside a match, so a rule whose relaxed pattern finds nothing in the joined
 * clauses matches none of them; the others are run per clause as before. Most rules find nothing
 * in a short reply, which saves running every rule on every clause.
 */
function rulesThatMayMatch(joined: string, rules: IntentRule[]): IntentRule[] {
  const lower = joined.toLowerCase();
  return rules.filter((rule) => {
    let gate = gateCache.get(rule.pattern);
    if (gate === undefined) {
      gate = ruleGate(rule.pattern);
      gateCache.set(rule.pattern, gate);
    }
    if (gate !== null && !gate.some((run) => lower.includes(run))) return false;
    let re = relaxedCache.get(rule.pattern);
    if (re === undefined) {
      const source = relaxPattern(rule.pattern);
      try {
        re = source === null ? null : new RegExp(source, 'iu');
      } catch {
        re = null;
      }
      relaxedCache.set(rule.pattern, re);
    }
    return re === null || re.test(joined);
  });
}

/** The index after the code point at `i` (ECMA-262 AdvanceStringIndex with unicode). */
function advance(text: string, i: number): number {
  if (i + 1 >= text.length) return i + 1;
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? i + 2 : i + 1;
}

/** Typographic quotes and no-break spaces as plain ones, so "z’n" and "can’t" match the rules. */
export function normaliseText(text: string): string {
  return text
    .replace(/[\u2018\u2019\u201b\u0060\u00b4]/g, "'")
    .replace(/[\u201c\u201d\u201e]/g, '"')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/[ \t]+/g, ' ');
}

const questionStart =
  /^\s*(?:kan|kunnen|kunt|mag|mogen|is|zijn|moet|moeten|wil|wilt|heeft|hebt|hebben|komt|weet|weten|zou|zouden|hoe|waar|wanneer|wat|welke|wie|waarom|graag\s+hoor|can|could|is|are|do|does|will|would|may|should|where|when|what|how|who|which)(?![\p{L}])/iu;

/** "maar" as a particle does not contrast: "tel mij maar mee", "reken maar op mij", "kom maar langs". */
const contrast =
  /\s*;\s*|\s*[,]?\s+(?=(?:maar|echter|doch|but|however)(?![\p{L}])(?!\s+(?:mee|op|aan|even|eens|gewoon|door|langs|raak|zo)(?![\p{L}])))|\s*[,;]\s*(?=(?:daarom|dus|want|omdat|zodat|so|therefore)\s)/iu;

/**
 * A comma before a remark about someone else ("ik kom, mijn collega niet"), or before the sender's
 * own remark after a longer one ("ik stuur mijn collega Jan, ikzelf kan niet"); "Ja, ik kom" stays whole.
 */
const otherRemark =
  /,\s*(?=(?:alleen|enkel|only|just)\s)|,\s*(?=(?:en\s+|ook\s+)?(?:mijn|onze|ons|de|een|my|our|he|she|hij|zij|collega)\s)(?!de\s+heer(?![\p{L}]))|(?<=(?:\S+\s+){2,}\S+),\s*(?=(?:en\s+|maar\s+)?(?:ik|ikzelf|zelf|wij|we|i)\s)/iu;

const thirdPartyStart =
  /^(?:\s*(?:maar|en|ook|wel|dan|want|omdat|dus|echter|but|and|however|helaas|gelukkig)[\s,]+)*(?:(?:mijn|onze|een|de|my|our|a|two|three|four|twee|drie|vier|\d)\s+)?(?:collega|collega's|directeur|manager|leidinggevende|vervanger|vervangster|teamleider|hij|zij|colleague|colleagues|deputy|he|she)(?![\p{L}])|^\s*(?:(?:maar|en|wel)\s+)?(?:er|dan)\s+(?:komen|komt|zal|zullen)(?![\p{L}])/iu;
/** A hedge followed by a number: it doubts how many, not whether ("probably three of us", "mogelijk met 3"). */
const countAfterHedge =
  /^\s*(?:(?:met|with|around|about|ongeveer|zo'n)\s+)?(?:\d{1,2}|één|one|two|three|four|five|six|twee|drie|vier|vijf|zes)(?![\p{L}\p{N}])|^\s*(?:met|with|samen\s+met|together\s+with|plus|and|en)\s/iu;
/** A range of people ("2 of 3 personen", "two or three of us"): what depends is how many, not whether. */
const countRange =
  /(?<![\p{L}\p{N}])(?:\d{1,2}|twee|drie|vier|vijf|two|three|four|five)\s*(?:of|or|à|a|-|–|tot|to)\s*(?:\d{1,2}|drie|vier|vijf|zes|three|four|five|six)(?![\p{L}\p{N}])/iu;
/** "Hierbij meld ik aan:" above a list of people: a registration of those listed. */
const registrationIntro =
  /(?:(?:meld|melden)\s+(?:ik|wij|we)\s+(?:\S+\s+){0,2}?aan|(?:register|sign\s+up|enrol)(?:\s+the\s+following(?:\s+people)?)?|aanmelden|de\s+volgende\s+(?:personen|deelnemers|collega's))\s*:\s*$/iu;
/** "Jan en Piet komen namens ons": named others come on the organisation's behalf. */
const othersOnBehalf = /(?<![\p{L}])(?:komen|komt|gaan|gaat)\s+namens(?![\p{L}])/iu;
/** Who or how many is still open ("hoeveel precies", "how many of us", "names to follow"). */
const countDoubt =
  /(?<![\p{L}])(?:hoeveel|how\s+many|het\s+(?:precieze\s+|exacte\s+)?aantal|the\s+(?:exact\s+)?number|wie\s+(?:er\s+)?precies|who\s+exactly|welke\s+(?:collega's|collega|personen)|names?\s+(?:will\s+)?(?:to\s+)?follow|namen\s+(?:volgen|laat|laten|geef|geven|stuur|sturen))(?![\p{L}])/iu;
const formalCondition = /(?<![\p{L}])(?:natuurlijk|uiteraard|vanzelfsprekend|of\s+course|obviously|naturally)(?![\p{L}])/iu;
/** A hedge that governs the coming right after it: "I'm hoping to come", "ik hoop te komen", "probeer te komen". */
const hedgeBefore =
  /(?<![\p{L}])(?:hope|hoping|hopefully|hoop|hopen|hopelijk|eventueel|misschien|wellicht|mogelijk|perhaps|maybe|possibly|might|try|trying|proberen|probeer|provisionally|voorlopig|best)(?:\s+\S+){0,3}\s*$/iu;
/** The same hedges inside an acceptance ("I'm hoping to come", "I'll do my best to be there"). */
const hedgeWithin =
  /(?<![\p{L}])(?:hope|hoping|hoop|hopen|try|trying|proberen|probeer|(?:do|doe|doen)\s+(?:my|mijn|our|ons)\s+(?:uiterste\s+)?best)(?![\p{L}])/iu;
/** The sender's own elliptic no: "ikzelf in ieder geval niet", "I myself not". */
const ellipticSelfNo =
  /^\s*(?:(?:maar|en|want|but|and)\s+)?(?:ik\s*zelf|zelf|ik|myself|i\s+myself)(?:\s+[^\s.!?]+){0,4}?\s+(?:niet|not)\s*[.!]*\s*$/iu;
const whetherWord = /(?<![\p{L}])(?:of|whether|if)(?![\p{L}])/iu;
/** "…, als dat verandert", "if that changes": what is promised is news of a change. */
const changeOnly =
  /(?<![\p{L}])(?:als|indien|mocht|if|should)\s+(?:dat|dit|er\s+iets|iets|het|that|this|anything|something|plans?)\s+(?:\S+\s+){0,2}?(?:verandert|wijzigt|veranderen|wijzigen|changes?|change)(?![\p{L}])|(?<![\p{L}])bij\s+(?:een\s+)?wijziging(?![\p{L}])/iu;
/** An elliptic yes about others: "but two colleagues will: …", "zij gaan wel". */
const ellipticYes = /(?<![\p{L}])(?:will|shall|do|does|can|gaan|gaat|komen|komt)(?=\s*[:;,.!]|\s*$)/iu;

/** "Mijn collega en ik komen": the sender is in it. */
const withSender = /(?<![\p{L}])(?:en|and)\s+(?:ik|i|ikzelf|mijzelf|mezelf|ondergetekende|myself)(?![\p{L}'])/iu;
const thirdPartyInverted =
  /(?:meld|melden)(?:\s+(?:ik|wij|we))?\s+(?:mevrouw|mevr|mw|de\s+heer|dhr|meneer)(?![\p{L}])|vertegenwoordigd\s+door|vertegenwoordigen\s+door|(?:afvaardiging|delegatie)(?:\s+\S+){0,3}?\s+(?:bestaat|bestaan)\s+uit|delegation\s+(?:consists|will\s+consist)\s+of|represented\s+by|(?:send|sending|delegate|delegating)\s+(?:\S+\s+){0,2}?(?:delegates?|colleagues?|representatives?|someone|somebody|people|staff\s+members?|deputy|deputies|substitute|replacement|stand-in|successor|team\s+members?)(?![\p{L}])|(?:komt|gaat|zal)\s+(?:\S+\s+){0,2}?(?:mijn|onze)\s+(?:collega|vervanger|vervangster|plaatsvervanger|opvolger|opvolgster|waarnemer|directeur|manager)|(?:stuur|sturen|vaardig|vaardigen)\s+(?:\S+\s+){0,2}?(?:collega|collega's|vervanger|vervangster|iemand|afgevaardigden?|vertegenwoordigers?|medewerkers?|mensen|personen|deelnemers)/iu;
/**
 * "Jan Jansen komt", "Koen gaat namens ons", case-sensitive: a name at the start of the clause. A lone
 * capitalised word is a name only when it is not one of the words that start Dutch sentences.
 */
const namedThirdParty =
  /^\s*(?:(?:maar|en|ook)\s+)?(?!Namens|Vanuit|Vanaf|Op|In|Bij)\p{Lu}[\p{Ll}'-]+(?:\s+(?:van|de|der|den|ter|ten|te|het|'t|in|op))*\s+\p{Lu}[\p{Ll}'-]+\s+(?:komt|zal|gaat|is)(?![\p{L}])|^\s*(?:(?:maar|en|ook)\s+)?(?!(?:Namens|Vanuit|Vanaf|Op|In|Bij|Er|Dan|Die|Dat|Deze|Dit|Wie|Wat|Het|Ik|Wij|We|Zij|Hij|Ze|Men|Mijn|Onze|Ons|Daar|Hier|Toch|Wel|Niet|Graag|Helaas|Iedereen|Niemand|Ook|Nu|Zo|Morgen|Vandaag|Maandag|Misschien|Waarschijnlijk|Hopelijk)(?![\p{L}]))\p{Lu}\p{Ll}[\p{Ll}'-]+\s+(?:komt|gaat)\s+(?:namens|in\s+(?:mijn|onze)\s+plaats|naar|wel|dus)(?![\p{L}])/u;

/**
 * "Namens Emergis komen Hanneke Bosch en Ton Meijer": on behalf of the organisation others come; the
 * sender is not the subject ("Namens Intervence zal ik aanwezig zijn" is the sender).
 */
const onBehalfStart = /^\s*(?:namens|vanuit)\s/iu;
const onBehalfVerb = /(?<![\p{L}])(?:komen|komt|zal|zullen|is|zijn|neemt|nemen|schuift|schuiven|gaat|gaan)(?![\p{L}])/iu;
const senderSubject = /(?<![\p{L}])(?:ik|wij|we|ikzelf|mijzelf|ondergetekende)(?![\p{L}])/iu;
const onBehalfOfOthers = (text: string) => onBehalfStart.test(text) && onBehalfVerb.test(text) && !senderSubject.test(text);

/**
 * "Linda van Dijk kan toch niet", "Mike Jansen can no longer make it", "Our assistant director, Paul
 * Hendriks, will attend": a named person (two capitalised words, case-sensitive) or a role as the
 * subject of a statement, in a clause where the sender does not speak of themselves.
 */
const namedSubject =
  /(?<![\p{L}])\p{Lu}\p{Ll}+(?:[ -](?:van|de|der|den|ter|ten|te|het|'t|el|al))*[ -]\p{Lu}\p{Ll}+,?\s+(?:kan|kon|komt|zal|gaat|moet|is|heeft|neemt|can|cannot|can't|will|won't|is|has)(?![\p{L}])|(?<![\p{L}])(?:director|manager|assistant|coordinator|representative|deputy|chair|directeur|bestuurder|wethouder|voorzitter|teamleider|secretaris)(?:\s*,\s*[^,]{2,40},)?\s+(?:will|kan|komt|zal|gaat|is)(?![\p{L}])/u;
const firstPerson = /(?<![\p{L}])(?:ik|wij|we|i|me|mij|us|ons|ikzelf|mijzelf|myself|ondergetekende)(?![\p{L}])/iu;

/** "(Namens Juvent) meld ik Ellen Kraaijeveld en Bas Hoogerwerf aan": a registration of named others. */
const registersNamedOthers =
  /(?:[Mm]eld|[Mm]elden)\s+(?:ik|wij|we)\s+(?:(?:hierbij|graag|bij\s+deze)\s+)*(?:(?:\p{Lu}\.\s?)+\s*)?(?:\p{Lu}\p{Ll}+|(?:onze|mijn|de)\s+(?:\p{Ll}+\s+)?(?:directeur|bestuurder|manager|wethouder|voorzitter|teamleider|collega|medewerker|medewerkster|collega's|medewerkers))(?:[^!?\n]{0,120}?)\s+aan(?![\p{L}])|(?:[Rr]egister|[Ss]ign\s+up|[Ee]nrol)\s+(?!(?:me|us|myself)(?![\p{L}]))\S/u;

const substituteMarker =
  /in\s+mijn\s+plaats|(?:laat|laten)\s+(?:me|mij|ons)\s+vertegenwoordigen|in\s+plaats\s+van\s+mij|namens\s+mij|(?:mij|me)\s+vervangen|vervangt\s+(?:mij|me)|ter\s+vervanging|in\s+my\s+place|instead\s+of\s+me|on\s+my\s+behalf|replace\s+me|neemt\s+(?:mijn|de)\s+plaats/iu;

const changeMarker = /(?<![\p{L}])(?:toch|alsnog|inmiddels|nu\s+wel|nu\s+toch|after\s+all|now|actually|change\s+of\s+plans?)(?![\p{L}])/iu;

interface RawClause {
  text: string;
  question: boolean;
  sentence: number;
}

/** "K. Jobse", "dhr. Jansen": a dot that ends an initial or a title does not end the sentence. */
const abbreviationDot = /(?<![\p{L}])(\p{Lu}|dhr|mevr|mw|drs|ir|dr|mr|ing|bijv|ca|o\.a|i\.v\.m|z\.s\.m|a\.s)\./gu;

/** Sentences, then contrast ("maar") and remarks about others; question marks mark the asking part. */
export function splitClauses(text: string): RawClause[] {
  const out: RawClause[] = [];
  const sentences = normaliseText(text)
    .replace(abbreviationDot, '$1\u2024')
    // "om 15.00 uur", "26.11.2018": a dot between digits ends no sentence.
    .replace(/(?<=\d)\.(?=\d)/g, '\u2024')
    .match(/[^.!?\n]+[.!?]*|[.!?]+/g) ?? [];
  for (const [index, sentence] of sentences.entries()) {
    if (!/[\p{L}\p{N}]/u.test(sentence)) continue;
    const asks = /\?\s*$/.test(sentence);
    const segments = asks ? sentence.split(/,\s*/) : [sentence];
    segments.forEach((segment, i) => {
      const segmentAsks = asks && (i === segments.length - 1 || questionStart.test(segment));
      for (const part of segment.split(contrast)) {
        for (const piece of part.split(otherRemark)) {
          if (/[\p{L}\p{N}]/u.test(piece)) out.push({ text: piece.trim().replace(/\u2024/g, '.'), question: segmentAsks, sentence: index });
        }
      }
    });
  }
  return out;
}

const negationWord = /(?<![\p{L}])(?:niet|geen|not|no|never|nooit|can't|cannot|won't)(?![\p{L}])/iu;
/** "waarschijnlijk niet", "helaas waarschijnlijk niet", "probably not", "misschien niet": doubt leaning to no. */
const hedgeThenNegation =
  /(?<![\p{L}])(?:waarschijnlijk|vermoedelijk|misschien|wellicht|probably|possibly|maybe|perhaps)(?:\s+\S+){0,3}?\s+(?:niet|geen|not)(?![\p{L}])|(?<![\p{L}])(?:probably|possibly|maybe)\s+(?:can't|cannot|won't)(?![\p{L}])/iu;

function findMatches(text: string, rules: IntentRule[]): RuleMatch[] {
  const found: RuleMatch[] = [];
  for (const rule of rules) {
    const re = compile(rule.pattern);
    if (!re) continue;
    // An exec loop on the cached regex rather than matchAll, which clones the regex on every call
    // (RegExp.prototype[Symbol.matchAll]); the matches are the same.
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0].length === 0) {
        // As matchAll does: step over the empty match by one code point (flag u).
        re.lastIndex = advance(text, re.lastIndex);
        continue;
      }
      found.push({ rule, start: m.index, end: m.index + m[0].length, text: m[0] });
    }
  }
  const inside = (a: RuleMatch, b: RuleMatch) =>
    b !== a && b.start <= a.start && b.end >= a.end && b.end - b.start > a.end - a.start;
  return found
    .filter((m) => {
      // "zij laat zelf weten of ze komt": what says the clause is no statement holds even inside one.
      if (m.rule.effect === 'not_rsvp') return true;
      if (m.rule.effect === 'negation') {
        // "weet nog niet", "kan helaas niet": the negation belongs to that statement.
        return !found.some((o) => o.rule.effect !== 'accept' && o.rule.effect !== 'negation' && inside(m, o));
      }
      // A shorter statement inside a longer one is part of it ("ik kom" in "ik kom niet"), except a
      // decline inside an accept match ("kan niet komen" matches both "kan … komen" and "niet komen").
      return !found.some(
        // Nor a hedge inside an accept ("ik meld mij onder voorbehoud aan"): tentative outranks accept.
        // Nor a hedge inside a negated decline ("ik kom waarschijnlijk niet"): the doubt wins over the
        // negation; "misschien een volgende keer" has no negation and stays a decline.
      (o) =>
        o.rule.effect !== 'negation' &&
        inside(m, o) &&
        !((m.rule.effect === 'decline' || m.rule.effect === 'tentative') && o.rule.effect === 'accept') &&
        !(m.rule.effect === 'tentative' && o.rule.effect === 'decline' && negationWord.test(o.text)),
      );
    })
    .sort((a, b) => a.start - b.start || b.end - a.end);
}

/** Rules that state a reason or a courtesy rather than the answer itself. */
const WEAK_RULES = new Set([
  'nl.decline:op vakantie',
  'nl.decline:helaas alleen',
  'nl.decline:al een afspraak',
  'en.decline:away',
  'nl.accept:tot dan',
  'nl.accept:in agenda',
]);
const weakOnly = (c: ClauseReading) => {
  const said = c.matches.filter((m) => m.rule.effect !== 'negation');
  return said.length > 0 && said.every((m) => WEAK_RULES.has(m.rule.id));
};

function readClause(raw: RawClause, rules: IntentRule[]): ClauseReading {
  let matches = findMatches(raw.text, rules);
  if (matches.some((m) => m.rule.effect === 'accept')) {
    // "We will attend, probably three of us", "wij komen, mogelijk met 3": the doubt is about the count.
    matches = matches.filter((m) => !(m.rule.effect === 'tentative' && countAfterHedge.test(raw.text.slice(m.end))));
  }
  if (countRange.test(raw.text) && matches.some((m) => m.rule.effect === 'accept')) {
    matches = matches.filter((m) => m.rule.effect !== 'tentative');
  }
  if (countDoubt.test(raw.text) && !whetherWord.test(raw.text)) {
    // "hoeveel precies laat ik nog weten", "names to follow": who or how many is open, not whether.
    matches = matches.filter((m) => m.rule.effect !== 'tentative');
  }
  if (formalCondition.test(raw.text) && matches.some((m) => m.rule.effect === 'accept')) {
    // "Ik ben erbij, mits de trein rijdt natuurlijk": a condition said to go without saying.
    matches = matches.filter((m) => m.rule.effect !== 'tentative');
  }
  if (changeOnly.test(raw.text)) {
    // "Ik laat het nog weten als dat verandert": a promise to report a change, not doubt.
    matches = matches.filter((m) => m.rule.effect !== 'tentative');
  }
  const notRsvp = matches.some((m) => m.rule.effect === 'not_rsvp');
  if (notRsvp) matches = matches.filter((m) => m.rule.effect === 'not_rsvp' || m.rule.effect === 'question');
  const thirdParty =
    (thirdPartyStart.test(raw.text) || thirdPartyInverted.test(raw.text) || namedThirdParty.test(raw.text) ||
      registersNamedOthers.test(raw.text) || onBehalfOfOthers(raw.text) ||
      (othersOnBehalf.test(raw.text) && !senderSubject.test(raw.text)) || registrationIntro.test(raw.text) ||
      (namedSubject.test(raw.text) && !firstPerson.test(raw.text))) &&
    !withSender.test(raw.text);
  // "Kunt u mij aanmelden?" asks to be registered: an answer, not a question for a person.
  const request = matches.some((m) => m.rule.id.endsWith(':verzoek aanmelden'));
  const question = !request && (raw.question || matches.some((m) => m.rule.effect === 'question'));
  const best = (effect: IntentRule['effect']) =>
    matches.filter((m) => m.rule.effect === effect).reduce((w, m) => Math.max(w, m.rule.weight), 0);
  const tentative = best('tentative');
  // A reason ("ik ben tot 20 november op vakantie") does not outweigh a firm "kom graag" beside it.
  const firmAccept = matches.some((m) => m.rule.effect === 'accept' && !WEAK_RULES.has(m.rule.id));
  const decline = firmAccept
    ? matches.filter((m) => m.rule.effect === 'decline' && !WEAK_RULES.has(m.rule.id)).reduce((w, m) => Math.max(w, m.rule.weight), 0)
    : best('decline');
  const accept = best('accept');
  let intent: Intent | null = null;
  let weight = 0;
  let negated = false;
  // "Ik ben niet verhinderd", "geen verhindering": a negation right before a decline word that has
  // no negation of its own turns it into an acceptance.
  const negatedDecline =
    decline > 0 &&
    matches
      .filter((m) => m.rule.effect === 'decline')
      .every(
        (d) =>
          !/(?<![\p{L}])(?:niet|geen|not|no)(?![\p{L}])/iu.test(d.text) &&
          matches.some((n) => n.rule.effect === 'negation' && n.end <= d.start && raw.text.slice(n.end, d.start).trim().split(/\s+/).filter(Boolean).length <= 1),
      );
  if (tentative > 0) [intent, weight] = ['tentative', tentative];
  // "Not sure I can make it", "weet niet of ik kan komen": the negation doubts, it does not decline.
  else if (
    accept > 0 && decline === 0 &&
    matches.some(
      (m) =>
        m.rule.effect === 'accept' && !WEAK_RULES.has(m.rule.id) &&
        (hedgeBefore.test(raw.text.slice(0, m.start)) || hedgeWithin.test(m.text)) && !countAfterHedge.test(raw.text.slice(m.end)),
    )
  ) [intent, weight] = ['tentative', Math.min(accept, 0.75)];
  else if ((accept > 0 || decline > 0) && doubtOverStatement(raw.text, matches)) [intent, weight] = ['tentative', Math.min(Math.max(accept, decline), 0.8)];
  else if (negatedDecline) [intent, weight, negated] = ['accept', Math.min(decline, 0.8), true];
  else if (decline > 0) [intent, weight] = ['decline', decline];
  else if (accept > 0) {
    const acceptMatches = matches.filter((m) => m.rule.effect === 'accept');
    const negations = matches.filter((m) => m.rule.effect === 'negation');
    // A negation within a few words of the statement turns it ("ik ben er dit keer niet bij").
    negated = negations.some((n) =>
      acceptMatches.some((a) => {
        const between = n.start >= a.end ? raw.text.slice(a.end, n.start) : n.end <= a.start ? raw.text.slice(n.end, a.start) : '';
        return between.trim().split(/\s+/).filter(Boolean).length <= 4;
      }),
    );
    if (negated) [intent, weight] = ['decline', Math.min(accept, 0.6)];
    else [intent, weight] = ['accept', accept];
  } else if (!thirdParty && !notRsvp && ellipticSelfNo.test(raw.text)) {
    [intent, weight] = ['decline', 0.8];
  } else if (thirdParty && !notRsvp) {
    // "…, mijn collega wel" / "…, hij niet": elliptic remarks about someone else.
    if (
      (/(?<![\p{L}])(?:wel|ook|too|as\s+well)(?![\p{L}])/iu.test(raw.text) || ellipticYes.test(raw.text) || onBehalfOfOthers(raw.text) ||
        substituteMarker.test(raw.text) || registrationIntro.test(raw.text)) &&
      !negationWord.test(raw.text)
    ) [intent, weight] = ['accept', 0.8];
    else if (/(?<![\p{L}])(?:niet|not)(?![\p{L}])/iu.test(raw.text)) [intent, weight] = ['decline', 0.8];
    else {
      // "my colleague Laura Finch will be joining instead", "onze directeur komt samen met …": the
      // parts of a statement about coming, read as the fallback reads them (fallback.ts).
      const parts = scoreClause(raw.text);
      if (parts && parts.intent !== 'tentative') [intent, weight] = [parts.intent, 0.75];
    }
  }
  return {
    text: raw.text,
    sentence: raw.sentence,
    leaningNo: intent === 'tentative' && hedgeThenNegation.test(raw.text) && !/(?<![\p{L}])wel(?![\p{L}])/iu.test(raw.text),
    question,
    thirdParty,
    changeOfMind: changeMarker.test(raw.text),
    intent,
    weight,
    negated,
    matches,
  };
}

const builtInFirst = builtInRules[0];
const usesBuiltInRules = (rules: IntentRule[]) => builtInFirst !== undefined && rules.includes(builtInFirst);

/** Doubt that wraps a statement: "not sure I can", "weet niet of ik kan", "no idea whether". */
const uncertainty =
  /(?<![\p{L}])(?:not\s+(?:yet\s+|entirely\s+|quite\s+|100%\s+)?(?:sure|certain)|unsure|uncertain|(?:don't|do\s+not)\s+know\s+(?:yet\s+)?(?:if|whether)|no\s+idea\s+(?:if|whether)|niet\s+(?:helemaal\s+|100%\s+)?zeker|(?:nog\s+)?onzeker\s+of|onduidelijk\s+of|de\s+vraag\s+of|unclear\s+(?:if|whether)|weet\s+(?:\S+\s+){0,2}?niet\s+(?:zeker\s+)?of|geen\s+idee\s+of)(?![\p{L}])/iu;

/**
 * Whether the clause doubts its statement: an uncertainty with no decline of its own beside it
 * ("not sure I can make it"), or whose negation is the one a decline rule took ("weet niet of ik kan
 * komen" holds "niet … komen").
 */
function doubtOverStatement(text: string, matches: RuleMatch[]): boolean {
  const u = uncertainty.exec(text);
  if (!u) return false;
  const end = u.index + u[0].length;
  return matches.filter((m) => m.rule.effect === 'decline').every((m) => m.start >= u.index && m.start < end);
}

/** A clause that gives a reason: a verb of being, having or needing ("alleen ben ik", "but the board meets"). */
const reasonVerb =
  /(?<![\p{L}])(?:ben|bent|is|zijn|zit|zitten|heb|hebben|heeft|moet|moeten|am|'m|are|'re|have|has|'ve|must|need|meets?|vergadert|vergaderen)(?![\p{L}])/iu;
const contrastStart = /^\s*(?:maar|alleen|echter|doch|helaas|but|however|only|unfortunately|sadly)(?![\p{L}])/iu;
const wishWord = /(?<![\p{L}])(?:graag|love|like|want|wish|willen|wil)(?![\p{L}])/iu;
/** "Dan meld ik ons aan" right after a question: a statement that waits for the answer. */
const conditionalOnAnswer = /^\s*(?:dan|in\s+dat\s+geval|zo\s+ja|indien\s+ja|als\s+dat\s+kan|then|if\s+so|in\s+that\s+case|if\s+that's\s+ok(?:ay)?)(?![\p{L}])/iu;

const counterfactual = /(?<![\p{L}])(?:zou|zouden|had|hadden|would)(?![\p{L}])|(?<=\p{L})'d(?![\p{L}])/iu;
const regretAfterWish = /^\s*(?:maar|but|echter|however)[\s,]+(?:\S+\s+){0,2}?(?:helaas|jammer\s+genoeg|unfortunately|sadly)(?![\p{L}])/iu;

const combine = (a: number, b: number) => 1 - (1 - a) * (1 - b);

/**
 * Only the start of a long text is read: an answer about attending comes first, and the rules'
 * cost grows faster than the text (100 kB took seconds). A longer text also goes to a person.
 */
export const MAX_ANALYSED_CHARS = 4000;

/** Reads the intent with everything the party and name readers need as well. */
export function readIntent(replyText: string, rules: IntentRule[]): IntentReading {
  const long = replyText.length > MAX_ANALYSED_CHARS;
  const raw = splitClauses(replyText.slice(0, MAX_ANALYSED_CHARS));
  const active = rulesThatMayMatch(raw.map((c) => c.text).join('\n'), rules);
  const clauses = raw.map((c) => readClause(c, active));
  const reasons: string[] = [];
  for (let i = 1; i < clauses.length; i++) {
    // "Ik zou graag komen, maar helaas …": a wish in the conditional followed by a regret is a decline.
    const wish = clauses[i - 1]!;
    const regret = clauses[i]!;
    if (wish.question && conditionalOnAnswer.test(regret.text) && regret.intent !== null) {
      regret.question = true;
      reasons.push('conditional on a question');
      continue;
    }
    if (
      (wish.intent === 'accept' || (wish.intent === null && wishWord.test(wish.text))) && !wish.question && !wish.thirdParty &&
      (regret.intent === null || regret.intent === 'decline') && counterfactual.test(wish.text) &&
      (regretAfterWish.test(regret.text) || (contrastStart.test(regret.text) && reasonVerb.test(regret.text)))
    ) {
      // "… maar helaas", and also "I'd love to come, but the board meets that afternoon", "ik zou er
      // graag bij willen zijn, alleen ben ik die week op wintersport": the reason after the wish.
      wish.intent = 'decline';
      wish.weight = Math.min(wish.weight || 0.8, 0.85);
      reasons.push('wish then regret');
    }
  }
  for (const c of clauses) {
    for (const m of c.matches) if (m.rule.effect !== 'negation') reasons.push(m.rule.id);
    if (c.negated) reasons.push('negated');
  }
  const question = clauses.some((c) => c.question);
  const notRsvp = clauses.some((c) => c.matches.some((m) => m.rule.effect === 'not_rsvp'));
  if (question) reasons.push('question');

  const statements = clauses.filter((c) => c.intent !== null && !c.question);
  const own = statements.filter((c) => !c.thirdParty);
  const others = statements.filter((c) => c.thirdParty);
  const otherAccepts = others.filter((c) => c.intent === 'accept');

  let intent: Intent | null = null;
  let confidence = 0;
  let substitute = false;
  let fallbackLeaningNo = false;
  // A reason or a pleasantry ("ik zit die week op een congres", "tot de 26e") decides only when the
  // sender says nothing firmer: "Helaas waarschijnlijk niet, ik zit op een congres" stays tentative.
  const firm = own.filter((c) => !weakOnly(c));
  const last = firm.length > 0 ? firm[firm.length - 1] : own[own.length - 1];
  if (last) {
    intent = last.intent;
    confidence = last.weight;
    const earlier = own.filter((c) => c !== last);
    for (const c of earlier) if (c.intent === intent) confidence = combine(confidence, c.weight * 0.5);
    const conflicting = earlier.some((c) => c.intent !== intent);
    if (conflicting) {
      // The last statement wins; said with "toch"/"alsnog" it is a change of mind, else unclear.
      reasons.push('last statement wins');
      confidence = Math.min(confidence, last.changeOfMind ? 0.8 : 0.55);
    }
    if (intent === 'decline' && (otherAccepts.length > 0 || (substituteMarker.test(replyText) && others.length > 0))) {
      // The contract counts the people attending from the sender's side: a colleague who comes in
      // the sender's place makes this an acceptance for one, with the substitute named.
      intent = 'accept';
      substitute = true;
      confidence = Math.min(combine(confidence, otherAccepts[0]?.weight ?? 0.8), 0.85);
      reasons.push('substitute');
    } else if (others.some((c) => c.intent !== intent)) {
      // "ik kom, mijn collega niet": the sender's own answer stands; the rest is for a person to see.
      reasons.push('mixed');
      confidence = Math.min(confidence, 0.85);
    }
  } else if (others.length > 0) {
    const lastOther = others[others.length - 1]!;
    intent = lastOther.intent;
    confidence = Math.min(lastOther.weight, 0.85);
    if (intent === 'accept' && substituteMarker.test(replyText)) {
      substitute = true;
      reasons.push('substitute');
    }
  } else if (!notRsvp && usesBuiltInRules(rules)) {
    // (fallbackLeaningNo below: "I doubt it" is tentative and counts nobody.)
    // No rule fired: the sender's first statements read by their parts (fallback.ts), low weight.
    // It belongs to the built-in understanding: an admin who replaced the rules gets only theirs.
    const fallback = readFallbackIntent(clauses);
    if (fallback) {
      intent = fallback.intent;
      confidence = fallback.weight;
      fallbackLeaningNo = fallback.leaningNo === true;
      reasons.push(fallback.reason);
    }
  }
  if (intent !== null && question) confidence = Math.min(confidence, 0.6);
  if (intent !== null && notRsvp) confidence = Math.min(confidence, 0.6);
  if (long) {
    reasons.push('long text: start read');
    if (intent !== null) confidence = Math.min(confidence, 0.6);
  }
  const leaningNo = intent === 'tentative' && ((last !== undefined && last.intent === 'tentative' && last.leaningNo) || fallbackLeaningNo);
  if (leaningNo) reasons.push('leaning no');
  return {
    intent,
    confidence: Math.round(Math.min(confidence, 0.99) * 100) / 100,
    reasons,
    question,
    notRsvp,
    substitute,
    leaningNo,
    clauses,
  };
}

/** The sender's intent from their own text; `confidence` is 0..1, `reasons` the rules that fired. */
export function detectIntent(
  replyText: string,
  rules: IntentRule[],
): { intent: Intent | null; confidence: number; reasons: string[] } {
  const { intent, confidence, reasons } = readIntent(replyText, rules);
  return { intent, confidence, reasons };
}
