/**
 * Counting the people in a coordination, as a careful coordinator reads "ik kom samen met onze
 * directeur en een beleidsmedewerker" (3), "mijn manager en ik" (2), "met twee teamgenoten" (3),
 * "met Jan de Vries en een stagiaire" (3), "vertegenwoordigd door twee collega's" (2). Used by
 * party.ts for the count and by names.ts to know whether the sender is among those who come.
 */
import { MAX_ANALYSED_CHARS, normaliseText, type IntentReading } from './intent.js';

export const numberWords: Record<string, number> = {
  een: 1, één: 1, 'eén': 1, ene: 1, one: 1, a: 1, an: 1,
  twee: 2, two: 2, drie: 3, three: 3, vier: 4, four: 4, vijf: 5, five: 5, zes: 6, six: 6,
  zeven: 7, seven: 7, acht: 8, eight: 8, negen: 9, nine: 9, tien: 10, ten: 10,
};
export const collective: Record<string, number> = {
  tweeën: 2, tweeen: 2, drieën: 3, drieen: 3, vieren: 4, vijven: 5, zessen: 6, zevenen: 7, achten: 8,
  negenen: 9, tienen: 10,
};


const bounded = (s: string) => new RegExp(`(?<![\\p{L}\\p{N}])(?:${s})(?![\\p{L}\\p{N}])`, 'iu');
/** "We'll see", "we zien wel": an idiom, not a group of people. */
export const idiomWe = /(?<![\p{L}])(?:we['’]ll\s+see|we\s+will\s+see|(?:we|wij)\s+zien\s+(?:wel|nog)|zien\s+we\s+(?:wel|nog))(?![\p{L}])/giu;
export const singularRe = bounded(`ik|mij|me|mijzelf|mezelf|i|i'll|i'm|i'd|myself`);
export const pluralSubjectRe = bounded(`wij|we|us|we'll|we're|we'd`);

export function toNumber(word: string): number | null {
  const w = word.toLowerCase();
  if (/^\d+$/.test(w)) return Number(w);
  return numberWords[w] ?? collective[w] ?? null;
}


/**
 * The text is cut into words; from a companion cue (met,
 * samen met, with, neem … mee, bring) or from any word, a chain of members joined by "en", "and",
 * "&", "plus" or a comma is read, each member being the sender (ik, mijzelf, myself), a number with
 * a word for people ("twee teamgenoten", "nog 2 anderen"), a determiner with a role ("een collega",
 * "onze directeur", "a colleague", with the person's name after it counted once: "mijn collega Jan
 * de Vries", "onze directeur, Erik Brouwer,"), or a person's name. A role is told by the word or its
 * Dutch ending (beleids-medewerker, orthopedagoog, teamgenoot), so no phrase list grows per reply.
 * Each word is looked at a bounded number of times: linear in the text.
 */
const selfWord = /^(?:ik|ikzelf|mij|mijzelf|mezelf|me|i|myself|ondergetekende)$/iu;
const determiner = /^(?:een|één|eén|mijn|m'n|mn|onze|ons|a|an|one|my|our)$/iu;
/** Role words by their ending (compounds: beleidsmedewerker, teamgenoot) or as a whole word. */
const roleEndings: readonly string[] = ["collega", "collegae", "collega's", "medewerker", "medewerkers", "medewerkster", "medewerksters", "adviseur", "adviseurs", "adviseuse", "directeur", "directeuren", "directrice", "manager", "managers", "teamleider", "teamleiders", "leidinggevende", "leidinggevenden", "coördinator", "coordinator", "coördinatoren", "secretaris", "voorzitter", "bestuurder", "bestuurders", "wethouder", "consulent", "consulenten", "specialist", "specialisten", "assistent", "assistente", "stagiair", "stagiaire", "stagiairs", "stagiaires", "genoot", "genoten", "genote", "teamlid", "teamleden", "vrijwilliger", "vrijwilligers", "deskundige", "deskundigen", "kundige", "kundigen", "pedagoog", "pedagogen", "psycholoog", "psychologen", "arts", "artsen", "begeleider", "begeleiders", "coach", "coaches", "hulpverlener", "hulpverleners", "werker", "werkers", "jurist", "juristen", "inkoper", "inkopers", "controller", "vervanger", "vervangster", "opvolger", "opvolgster", "trainee", "trainees", "student", "studenten", "officer", "officers"];
const roleWords = new Set<string>(["colleague", "colleagues", "director", "directors", "lead", "leads", "head", "chair", "ceo", "cfo", "coo", "cto", "ouder", "ouders", "pleegouder", "pleegouders", "cliënt", "cliënten", "client", "clients", "jongere", "jongeren", "leerling", "leerlingen", "parent", "parents", "man", "vrouw", "echtgenoot", "echtgenote", "husband", "wife", "boss", "supervisor", "deputy", "intern", "interns", "assistant", "assistants", "advisor", "advisers", "advisors", "adviser", "partner", "partners", "volunteer", "volunteers", "staff", "member", "members", "teammate", "teammates", "anderen", "others", "more", "gasten", "guests", "bestuursleden", "bestuurslid"]);
/** A role word: a Set and a few endsWith calls, cheaper per word than a pattern with a free prefix. */
const roleNoun = {
  test(word: string): boolean {
    if (word.length > 40) return false;
    const w = word.toLowerCase().replace(/’/g, "'");
    return roleWords.has(w) || roleEndings.some((e) => w.endsWith(e));
  },
};
/** Plural forms: a number before them counts that many ("twee collega's"), a determiner one. */
const fillerWord = /^(?:andere|other|more|extra|nog|ook|also|van|from|ons|onze|our|het|the|team|teams|vaste|nieuwe|new|jonge|junior|senior)$/iu;
const joinWord = /^(?:en|and|plus|&|\+|,)$/iu;
const afterJoin = /^(?:ook|nog|also|zelf|dan)$/iu;
const particleWord = /^(?:van|von|de|der|den|het|'t|ter|ten|te|la|le|du|da)$/u;
const titleWord = /^(?:dhr|mevr|mw|mr|mrs|ms|dr|drs|ir|ing|prof|de|heer|mevrouw|meneer)\.?$/iu;
const capitalWord = /^(?:\p{Lu}\.|\p{Lu}[\p{Ll}'-]+(?:-\p{Lu}[\p{Ll}'-]+)?)$/u;
/** Capitalised words that open a clause or name something else, not a person in a chain. */
const notPersonWord = /^(?:Ik|I|Wij|We|Ons|Onze|Mijn|My|Our|Een|De|Het|Dan|Dus|Maar|Namens|Graag|Helaas|Tot|Met|En|And|Ook|Ja|Yes|Nee|No|Zelf|Er|Wel|Niet|The|Hij|Zij|Ze|He|She|They)$/u;
/** Consulting someone is not bringing them ("check with my director", "overleggen met mijn collega"). */
const hedgeWord = /^(?:misschien|mogelijk|wellicht|eventueel|perhaps|maybe|possibly)$/iu;
/**
 * A companion put in doubt: "possibly with a colleague", "misschien komt mijn collega ook mee". Not a
 * doubt about the sender that a companion follows ("Mogelijk kom ik, dan samen met een collega").
 */
export const hedgedCompanion =
  /(?<![\p{L}])(?:misschien|mogelijk|wellicht|eventueel|perhaps|maybe|possibly)\s+(?:\S+\s+){0,1}?(?:met|with|samen|komt|komen|gaat|neem|neemt|bring|bringing|plus|een|a)(?![\p{L}])/iu;
export const consulting =
  /(?<![\p{L}])(?:check|checken|overleg|overleggen|overlegd|afstemmen|afgestemd|stem|bespreken|besproken|discuss|talk|speak|consult|confirm|agree|sprak|spreken|gesproken|bellen|gebeld|contact)(?![\p{L}])/iu;
const companionCueWord = /^(?:met|with|neem|nemen|neemt|breng|brengen|brengt|bring|bringing|brings|take|taking|plus|\+)$/iu;
/**
 * Cues after which the chain is who comes, the sender not among them unless named in it: people
 * sent ("ik stuur twee collega's", "sending two colleagues") and the subject after an inverted verb
 * ("van onze organisatie komen een beleidsmedewerker en een teamleider").
 */
const othersCueWord = /^(?:stuur|sturen|stuurt|send|sending|sends|komen|komt|gaan|gaat|afvaardigen)$/iu;
/** Someone not named: "ik neem iemand mee", "bringing someone from our team". */
const someoneWord = /^(?:iemand|someone|somebody)$/iu;

interface Word {
  text: string;
  punct: boolean;
}

function words(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(/\p{Lu}\.|[\p{L}\p{N}][\p{L}\p{N}'-]*|[,:;()&+.!?\n]/gu)) {
    out.push({ text: m[0], punct: !/[\p{L}\p{N}]/u.test(m[0][0]!) });
  }
  return out;
}

interface Chain {
  people: number;
  self: boolean;
  /** A member was a role or a number of people (not names and the sender alone). */
  byRole: boolean;
  /** A member was a number of people ("drie medewerkers"), not a role with a determiner. */
  numbered: boolean;
  members: number;
  end: number;
}

/** A person's name at w[i] (titles, initials, particles, capitalised words); the index after it, or i. */
function nameAt(w: Word[], i: number): number {
  let j = i;
  while (j < w.length && j < i + 3 && titleWord.test(w[j]!.text) && !(w[j]!.text === 'de' && j === i)) j++;
  const start = j;
  let capitals = 0;
  while (j < w.length && j < start + 8) {
    const t = w[j]!.text;
    if (capitalWord.test(t) && !notPersonWord.test(t)) {
      capitals++;
      j++;
    } else if (capitals > 0 && particleWord.test(t) && j + 1 < w.length && capitalWord.test(w[j + 1]!.text)) j++;
    else break;
  }
  return capitals > 0 ? j : i;
}

/** One member at w[i]: its count and where it ends, or null. */
function memberAt(w: Word[], i: number): { people: number; self: boolean; byRole: boolean; numbered?: boolean; end: number } | null {
  const t = w[i]?.text;
  if (!t || w[i]!.punct) return null;
  if (selfWord.test(t)) {
    return { people: 0, self: true, byRole: false, end: i + 1 };
  }
  if (someoneWord.test(t)) return { people: 1, self: false, byRole: true, end: i + 1 };
  const value = toNumber(t);
  const n = value !== null && value <= 50 ? value : null;
  const isDet = determiner.test(t);
  if (n !== null || isDet) {
    let j = i + 1;
    // "my two colleagues", "onze twee stagiaires": a number after the determiner counts.
    let inner: number | null = null;
    // Up to two words before the role: "twee andere collega's", "onze nieuwe beleidsmedewerker", "our policy lead".
    while (j < w.length && j < i + 3 && !roleNoun.test(w[j]!.text) && (fillerWord.test(w[j]!.text) || /^\p{Ll}{2,20}$/u.test(w[j]!.text)) && !joinWord.test(w[j]!.text) && !selfWord.test(w[j]!.text)) {
      const v = isDet ? toNumber(w[j]!.text) : null;
      if (v !== null && v > 1 && v <= 50) inner = v;
      j++;
    }
    if (j < w.length && roleNoun.test(w[j]!.text) && w[j]!.text.length <= 40) {
      const people = inner ?? (isDet && !(n !== null && n > 1) ? 1 : n!);
      let end = j + 1;
      // The person's name after the role: "mijn collega Jan de Vries", "onze directeur, Erik Brouwer,".
      const comma = w[end]?.text === ',' || w[end]?.text === ':' || w[end]?.text === '(' ? 1 : 0;
      const named = nameAt(w, end + comma);
      if (named > end + comma) {
        end = named;
        // "twee collega's: Jan Jansen en Petra de Boer": the names are the number, read past them.
        while (people > 1 && joinWord.test(w[end]?.text ?? '') && nameAt(w, end + 1) > end + 1) end = nameAt(w, end + 1);
        if (comma === 1 && w[end]?.text === ',') end++;
        if (comma === 1 && w[end]?.text === ')') end++;
      }
      return { people, self: false, byRole: true, numbered: !isDet, end };
    }
    return null;
  }
  const named = nameAt(w, i);
  if (named > i) return { people: 1, self: false, byRole: false, end: named };
  return null;
}

/** The chain of members from w[i]: "onze directeur en een beleidsmedewerker", "mijn manager and I". */
function chainAt(w: Word[], i: number): Chain | null {
  const first = memberAt(w, i);
  if (!first) return null;
  const chain: Chain = { people: first.people, self: first.self, byRole: first.byRole, numbered: first.numbered === true, members: 1, end: first.end };
  let j = first.end;
  for (let guard = 0; guard < 12; guard++) {
    let k = j;
    if (w[k]?.text === ',' && joinWord.test(w[k + 1]?.text ?? '') && w[k + 1]!.text !== ',') k++;
    if (!joinWord.test(w[k]?.text ?? '')) break;
    k++;
    while (k < w.length && afterJoin.test(w[k]!.text)) k++;
    const next = memberAt(w, k);
    if (!next) break;
    chain.people += next.people;
    chain.self ||= next.self;
    chain.byRole ||= next.byRole;
    chain.numbered ||= next.numbered === true;
    chain.members++;
    chain.end = j = next.end;
  }
  return chain;
}

/**
 * People counted in coordinations of the statements: companions after a cue (met, with, neem …
 * mee) and chains that hold the sender ("ik en mijn collega"). null when no chain has a role or a
 * number of people in it (names alone are read by names.ts).
 */
interface Counted {
  companions: number;
  selfInChain: boolean;
  numbered: boolean;
  /** Said of people sent or coming without the sender ("van ons komen …", "sending two colleagues"). */
  others: boolean;
}

/**
 * A word part every counted chain holds (a role, others, someone), looked up once in the whole text
 * (includes() on each is cheaper than one regex of alternatives): most replies ("Ik kom graag")
 * have none and are not cut into words at all.
 */
const roleStems: readonly string[] = ['collega', 'medewerk', 'advis', 'adviseu', 'directeu', 'directri', 'director', 'manager', 'leid', 'coordinat', 'coördinat', 'secretar', 'voorzit', 'bestuur', 'wethoud', 'consulent', 'specialist', 'assistent', 'assistant', 'stagia', 'genoo', 'genot', 'teaml', 'teamm', 'vrijwillig', 'volunteer', 'kundig', 'pedago', 'psycholo', 'arts', 'begeleid', 'coach', 'hulpverlen', 'werker', 'jurist', 'inkoper', 'controller', 'vervang', 'opvolg', 'trainee', 'student', 'officer', 'colleague', 'lead', 'head', 'chair', 'boss', 'supervisor', 'deputy', 'intern', 'partner', 'man', 'vrouw', 'echtgeno', 'husband', 'wife', 'ceo', 'cfo', 'ouder', 'parent', 'client', 'cliënt', 'jonger', 'leerling', 'staff', 'member', 'ander', 'other', 'more', 'gast', 'guest', 'iemand', 'someone', 'somebody'];

function countCoordination(statements: string): Counted | null {
  const lower = statements.toLowerCase();
  if (!roleStems.some((stem) => lower.includes(stem))) return null;
  let best: Counted | null = null;
  for (const clause of statements.split(/\n|[.!?;]\s/u)) {
    // Only firm companions count: "Ik kom zeker. Misschien komt mijn collega ook mee" is one (below).
    if (clause.length > 600 || consulting.test(clause)) continue;
    const w = words(clause);
    // Without a cue, only a chain that holds the sender counts ("mijn manager en ik").
    const hasSelf = w.some((x) => selfWord.test(x.text));
    for (let i = 0; i < w.length; i++) {
      if (w[i]!.punct && w[i]!.text !== '+') continue;
      const others = othersCueWord.test(w[i]!.text);
      const cue = others || companionCueWord.test(w[i]!.text) ? 1 : 0;
      if (!cue && !hasSelf) continue;
      if (cue && [w[i - 1], w[i - 2]].some((x) => x !== undefined && hedgeWord.test(x.text))) continue;
      // "samen met", "together with", "along with" are the cue "met"/"with" as well.
      let start = i + cue;
      while (cue && start < w.length && afterJoin.test(w[start]!.text)) start++;
      const chain = chainAt(w, start);
      if (!chain || !chain.byRole) continue;
      if (!cue && !(chain.self && chain.members > 1)) continue;
      const found = { companions: chain.people, selfInChain: chain.self, numbered: chain.numbered, others: others && !chain.self };
      if (!best || found.companions > best.companions) best = found;
      i = Math.max(i, chain.end - 1);
    }
  }
  return best;
}

/**
 * What the sender states (questions left out) and, of that, what speaks about attending: the text
 * party.ts counts in and names.ts asks the same question of.
 */
export function statementsOf(replyText: string, reading: IntentReading): { said: string; speaking: string } {
  const statements = reading.clauses.filter((c) => !c.question).map((c) => c.text).join('\n');
  const said = statements.length > 0 ? statements : normaliseText(replyText.slice(0, MAX_ANALYSED_CHARS));
  const speaking = reading.clauses.filter((c) => !c.question && c.intent !== null).map((c) => c.text).join('\n') || said;
  return { said, speaking };
}

export interface Coordination {
  partySize: number;
  /** The sender is counted among them (named in the chain, or speaking as "ik" and bringing them). */
  withSender: boolean;
  /**
   * Only others are meant, the sender not among them: "wij zijn aanwezig met onze directeur en een
   * beleidsmedewerker" (roles), "vertegenwoordigd door twee collega's". Not so for a number under
   * "wij" ("wij zijn aanwezig met drie medewerkers van ons team": the writer is one of the three).
   */
  othersOnly: boolean;
}

/** Represented by: "vertegenwoordigd door twee collega's", "represented by two colleagues". */
const representedBy = /(?<![\p{L}])(?:vertegenwoordigd|represented)\s+(?:\S+\s+){0,2}?(?:door|by)\s+(?:(?:onze|our|ons)\s+)?(\d{1,2}|twee|drie|vier|vijf|two|three|four|five)\s+(?:\S+\s+)?(?:collega's|collega|collegae|medewerkers|colleagues|staff|mensen|people|personen)(?![\p{L}])/iu;

/**
 * The party by coordination, or null when the statements have none with a role or a number in it.
 * `said` is the sender's statements, `speaking` those that say something about attending.
 * "Wij zijn aanwezig met onze directeur en een beleidsmedewerker": the organisation speaks and
 * those named are who comes; whether the writer is among them is not said, so they are not counted.
 */
export function readCoordination(said: string, speaking: string, substitute: boolean, senderAmong: () => boolean): Coordination | null {
  // party.ts and names.ts ask the same question of one reply, one after the other.
  const last = lastCoordination;
  // senderAmong is a function of `said` (asked only when a chain is found), so it needs no place in the key.
  if (last && last.said === said && last.speaking === speaking && last.substitute === substitute) {
    return last.result;
  }
  const result = coordinationOf(said, speaking, substitute, senderAmong);
  lastCoordination = { said, speaking, substitute, result };
  return result;
}

let lastCoordination: { said: string; speaking: string; substitute: boolean; result: Coordination | null } | null = null;

function coordinationOf(said: string, speaking: string, substitute: boolean, senderAmongOf: () => boolean): Coordination | null {
  const represented = representedBy.exec(said);
  if (represented) return { partySize: toNumber(represented[1]!)!, withSender: false, othersOnly: true };
  const c = countCoordination(said);
  if (!c) return null;
  const senderAmong = senderAmongOf();
  const selfSingular = singularRe.test(speaking);
  if (c.others) return { partySize: c.companions, withSender: false, othersOnly: !senderAmong };
  const withSender = c.selfInChain || (!substitute && !senderAmong && (selfSingular || !pluralSubjectRe.test(speaking)));
  return { partySize: c.companions + (withSender ? 1 : 0), withSender, othersOnly: !withSender && (!c.numbered || substitute) };
}
