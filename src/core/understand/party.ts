/**
 * How many people come from the sender's side, as stated or clearly implied (CONTRACT.md): "ik kom"
 * = 1, "met z'n drieën" = 3, "ik kom met 2 collega's" = 3, a list of names = its length, a decline
 * = 0, and null when it cannot be told ("wij komen" without a number).
 */
import { attendingNames, findListedNames, senderAmongCount, senderComes } from './names.js';
import { MAX_ANALYSED_CHARS, normaliseText, readIntent, type IntentReading } from './intent.js';
import { builtInRules } from './rules.js';
import { collective, consulting, hedgedCompanion, idiomWe, numberWords, pluralSubjectRe, readCoordination, singularRe, toNumber } from './coordination.js';
import type { Intent } from './types.js';

const numberSource = `\\d{1,2}|${Object.keys(numberWords).join('|')}`;
const b = (s: string) => new RegExp(`(?<![\\p{L}\\p{N}])(?:${s})(?![\\p{L}\\p{N}])`, 'iu');

/** "met z'n drieën", "met ons vieren", "met zijn tweeën". */
const collectiveRe = b(`met\\s+(?:z'n|zijn|ons|onze|ze|hun)\\s+(${Object.keys(collective).join('|')})`);
/** "met 3 personen", "voor twee personen", "3 deelnemers", "with 3 people". */
const personsRe = b(`(${numberSource})\\s+(?:personen|persoon|pers|mensen|man|deelnemers|deelnemer|plaatsen|plekken|plekjes|kaarten|tickets|afgevaardigden|afgevaardigde|vertegenwoordigers|people|persons|person|attendees|participants|seats)`);
/** "met 2 collega's", "ik neem een collega mee", "with two colleagues". */
const companionsRe = b(
  `(?:met|en|plus|with|and|neem|nemen|brengen|breng|bring|brings|bringing|take|taking)\\s+(?:nog\\s+)?(${numberSource})\\s+(?:andere\\s+|other\\s+|more\\s+)?(?:collega's|collega|collegae|medewerkers|medewerker|anderen|colleagues|colleague|others|guests|gasten|staff\\s+members|team\\s+members)`,
);
/** "two from our team", "3 van onze organisatie", "Aantal personen: 2" (a form filled in). */
const fromUsRe = b(`(${numberSource})\\s+(?:from|of|van|uit)\\s+(?:(?:our|my|ons|onze|mijn)\\s+\\p{L}+|us(?![\\p{L}]))|(?:aantal(?:\\s+(?:personen|deelnemers|mensen))?|number\\s+of\\s+(?:people|persons|attendees|participants))\\s*[:=]\\s*(${numberSource})`);
/** "there will be three of us", "the two of us will come", "wij zijn met ons drieën" is collectiveRe. */
const ofUsRe = b(`(${numberSource})\\s+of\\s+us`);
/** "Yes, both of us", "wij komen allebei", "we zijn er beiden": two, the sender one of them. */
const bothRe = b(`both\\s+of\\s+us|we\\s+(?:will\\s+|shall\\s+|are\\s+|'ll\\s+)?both|(?:wij|we)\\s+(?:\\S+\\s+){0,3}?(?:allebei|allebeide|beiden)|(?:allebei|beiden)\\s+(?:komen|aanwezig|erbij|present)`);
/** "er komen 2 collega's": a count of others, the sender not among them. */
const othersCountRe = b(`(?:er|dan)\\s+(?:komen|komt|zijn|zullen)\\s+(?:(?:wel|ook|dus|nog|toch|dan)\\s+)?(${numberSource})(?=\\s+\\p{L})|(?:komen|komt|zullen|gaan)\\s+er\\s+(?:\\p{L}+\\s+){0,2}?(${numberSource})(?=\\s+\\p{L})`);
/**
 * A count corrected or settled later in the reply: "het worden er twee", "it will be just two of us";
 * the latest statement wins over the number given first ("eerder gaf ik drie personen door").
 */
const correctedCountRe = b(
  `(?:wordt|worden)\\s+(?:het\\s+)?(?:er\\s+)?(?:nu\\s+|toch\\s+|dus\\s+|maar\\s+|nog\\s+)?(${numberSource})(?![\\p{L}\\p{N}])|(?:it\\s+will|it'll)\\s+(?:now\\s+)?be\\s+(?:just\\s+|only\\s+)?(${numberSource})\\s+(?:of\\s+us|people|persons)`,
);
/** "ik neem mijn collega mee", "ik kom met een collega", "with my colleague". */
const oneCompanionRe = b(
  // Not "check with my director", "overleggen met mijn collega": asking someone is not bringing them.
  `(?<!(?:check|checken|overleg|overleggen|afstemmen|stem|bespreken|discuss|talk|speak|consult|confirm|agree|sprak|spreken|bellen)\\s{1,3}(?:\\S{1,20}\\s{1,3})?)` +
  `(?:met|neem|nemen|with|bring|bringing|brengen|breng|joined\\s+by)\\s+(?:ook\\s+|nog\\s+)?(?:mijn|m'n|mn|een|onze|my|a|one|our)\\s+(?:collega|colleague|medewerker|medewerkster|manager|directeur|director|teamleider|leidinggevende|partner|boss|supervisor|deputy)(?!')`,
);
/** "we komen met 4", "we'll be there with 3", "aanmelding voor twee". */
const bareRe = b(
  `(?:met|voor|with|for)\\s+(${numberSource})(?=\\s*(?:[.,!;:)]|$|\\n)|\\s+(?:aanwezig|komen|zijn|erbij|er\\s+bij|bij|naar|present|deelnemen|attending|coming)(?![\\p{L}]))`,
);
/**
 * "ik kom, plus 1", "me +1", "plus één": not "+31 6 …" (a phone number), so the number ends the
 * clause and is small.
 */
const plusRe = /(?<![\p{L}\p{N}+])(?:plus|\+)\s?(1|2|3|één|een|eén|twee|drie|one|two|three)(?=\s*(?:[.,!;)]|\n|$))/iu;
/** "ik en mijn collega", "mijn collega en ik", "me and my colleague". */
const pairRe = b(
  `(?:ik|i|me)\\s+(?:en|and)\\s+(?:mijn|een|my|a)\\s+(?:collega|colleague|medewerker)(?!'s)|(?:mijn|een|my)\\s+(?:collega|colleague|medewerker)\\s+(?:en|and)\\s+(?:ik|i|me)`,
);
/** "wij komen met het hele team (4)", "met onze afdeling (3 personen)": the count in brackets. */
const groupCountRe = b(
  `(?:team|ploeg|groep|afdeling|delegatie|club|group|staff|department)\\s*\\(\\s*(${numberSource})(?:\\s+(?:personen|pers\\.?|mensen|people|persons))?\\s*\\)`,
);
/** "ik kom (dus) alleen", "I'll come alone", "on my own"; not "niet alleen". */
const aloneRe = b(
  `(?<!niet\\s)(?:alleen|in\\s+m['i]j?n\\s+eentje|alone|on\\s+my\\s+own|by\\s+myself)(?=\\s*(?:[.,!;)]|$|\\n))` +
    // "Wij kunnen niet met het hele team komen, alleen ik kom", "only me", "just me".
    `|(?<![\\p{L}][ \\t]?)(?:alleen|slechts|enkel)[ \\t]+(?:ik|ikzelf|mijzelf)(?![\\p{L}'])|(?:only|just)[ \\t]+(?:me|myself|i)(?![\\p{L}'])`,
);
const pluralRe = b(`wij|we|ons|onze|us|our|we'll|we're`);
const pluralObjectRe = b(`ons\\s+(?:\\S+\\s+){0,6}?(?:aan|mee|af)|op\\s+ons|(?:count|sign|register)\\s+us`);

export function detectPartySize(
  replyText: string,
  intent: Intent | null,
  reading: IntentReading = readIntent(replyText, builtInRules),
): { partySize: number | null; reasons: string[] } {
  if (intent === null) return { partySize: null, reasons: [] };
  if (intent === 'decline') return { partySize: 0, reasons: ['party:decline'] };
  // "Waarschijnlijk niet", "probably not": kept as tentative for a person to see, nobody counted.
  if (intent === 'tentative' && reading.leaningNo) return { partySize: 0, reasons: ['party:leaning-no'] };
  const text = normaliseText(replyText.slice(0, MAX_ANALYSED_CHARS));
  // Only what the sender says as a statement counts: "kunnen we met 5 komen?" asks, it does not say.
  const statements = reading.clauses.filter((c) => !c.question).map((c) => c.text).join('\n');
  const said = statements.length > 0 ? statements : text;

  let m = correctedCountRe.exec(said);
  if (m) return { partySize: toNumber((m[1] ?? m[2])!), reasons: ['party:corrected'] };
  m = collectiveRe.exec(said);
  if (m) return { partySize: toNumber(m[1]!), reasons: ['party:collective'] };
  m = personsRe.exec(said);
  if (m) return { partySize: toNumber(m[1]!), reasons: ['party:persons'] };
  m = fromUsRe.exec(said);
  if (m) return { partySize: toNumber((m[1] ?? m[2])!), reasons: ['party:from-us'] };
  m = ofUsRe.exec(said);
  if (m) return { partySize: toNumber(m[1]!), reasons: ['party:of-us'] };
  if (bothRe.test(said)) return { partySize: 2, reasons: ['party:both'] };
  // Who speaks is read from the clauses that say something about attending ("ik meld mij aan"),
  // not from the rest ("in de bijlage onze reactie").
  const speaking = reading.clauses.filter((c) => !c.question && c.intent !== null).map((c) => c.text).join('\n') || said;
  const selfSingular = singularRe.test(speaking);
  // "Joris is ziek. Ik kom dus alleen": the sender alone, whoever was named with them before.
  if (aloneRe.test(speaking) && selfSingular && !reading.substitute) return { partySize: 1, reasons: ['party:alone'] };
  const coordination = readCoordination(said, speaking, reading.substitute, () => senderAmongCount(said));
  if (coordination) {
    return {
      partySize: coordination.partySize,
      reasons: [coordination.withSender ? 'party:sender+coordination' : 'party:coordination'],
    };
  }
  // "I'll attend, possibly with a colleague": only a firm companion counts; someone consulted is not
  // brought along ("Ik heb het met mijn collega besproken: ik kom").
  let broughtText: string | null = null;
  const brought = () => (broughtText ??= said.split('\n').filter((line) => !consulting.test(line) && !hedgedCompanion.test(line)).join('\n'));
  m = companionsRe.test(said) ? companionsRe.exec(brought()) : null;
  if (m) {
    const n = toNumber(m[1]!)!;
    // The sender counts when they say "ik" (ik kom met 2 collega's); "er komen 2 collega's" is 2.
    // "vijf medewerkers, ikzelf ben daar één van": the sender is one of the number already.
    const withSender = selfSingular && !reading.substitute && !senderAmongCount(said);
    return { partySize: withSender ? n + 1 : n, reasons: [withSender ? 'party:sender+companions' : 'party:companions'] };
  }
  m = othersCountRe.exec(said);
  if (m) return { partySize: toNumber((m[1] ?? m[2])!), reasons: ['party:others'] };
  m = plusRe.exec(said);
  if (m && (selfSingular || !pluralSubjectRe.test(speaking))) {
    // "Ik kom, plus 1", "count me in, +1": the sender and who they add ("wij komen +1" is unclear).
    return { partySize: toNumber(m[1]!)! + 1, reasons: ['party:plus'] };
  }
  m = bareRe.exec(said);
  if (m) return { partySize: toNumber(m[1]!), reasons: ['party:number'] };
  m = groupCountRe.exec(said);
  if (m) return { partySize: toNumber(m[1]!), reasons: ['party:group-count'] };
  const listed = attendingNames(findListedNames(replyText), reading);
  if (reading.substitute) {
    // Everyone named to come instead of the sender ("namens ons komen Hanneke en Ton"), else one.
    const size = listed.kind === 'roster' && listed.names.length > 1 ? listed.names.length : 1;
    return { partySize: size, reasons: ['party:substitute'] };
  }
  if (aloneRe.test(speaking) && selfSingular) return { partySize: 1, reasons: ['party:alone'] };
  if (listed.names.length > 0) {
    // Named with the sender ("ik kom met Jan") counts the sender too, when they say they come.
    const senderToo = listed.kind === 'companions' && (senderComes(reading) || listed.selfListed === true);
    const size = listed.names.length + (senderToo ? 1 : 0);
    return { partySize: size, reasons: [`party:names-${listed.kind}`] };
  }
  if (pairRe.test(said) && pairRe.test(brought())) return { partySize: 2, reasons: ['party:pair'] };
  if (selfSingular && oneCompanionRe.test(said) && oneCompanionRe.test(brought())) return { partySize: 2, reasons: ['party:sender+companion'] };
  // "ik kom, als ons teamoverleg het toelaat": a possessive "ons" does not make the sender a group.
  // "het hangt af van ons MT-overleg": a possessive is no group; "meld ons aan", "reken op ons" is.
  const plainSpeaking = speaking.replace(idiomWe, ' ');
  const plural = pluralSubjectRe.test(plainSpeaking) || pluralObjectRe.test(plainSpeaking);
  if (plural && !(selfSingular && !pluralSubjectRe.test(speaking))) {
    return { partySize: null, reasons: ['party:plural-unknown'] };
  }
  // "Ik kom", "count me in", and also "Ja" or "Aanmelding": the sender alone.
  return { partySize: 1, reasons: [selfSingular ? 'party:sender' : 'party:implied-sender'] };
}

