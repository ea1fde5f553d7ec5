/**
 * The reading of last resort: when no intent rule fires, the sender's first statements are scored
 * the way a coordinator skims them. Not phrases but the parts a statement about attending is made
 * of, each looked for on its own within one clause:
 *
 * - a verb of coming or taking part ("kom", "aansluiten", "join", "be there"),
 * - a negation ("niet", "geen", "can't", "impossible"),
 * - a hedge ("eventueel", "misschien", "hopelijk", "als het lukt", "perhaps", "if I can"),
 * - a reason that implies absence, said of the sender ("ik werk niet op maandag", "ik zit dan in
 *   het buitenland", "I'm on leave that week", "al ingepland").
 *
 * - regret ("helaas", "unfortunately") with something else the sender must do or has on.
 *
 * hedge + (coming or absence) → tentative; absence, coming + negation, or regret + an engagement of
 * the sender → decline; coming said by
 * the sender with neither → accept. The weight stays below the review threshold's neighbourhood
 * (0.6–0.7): a reading this loose is shown to a person unless the config trusts it.
 */
import type { Intent } from './types.js';

const L = '(?<![\\p{L}\\p{N}])';
const R = '(?![\\p{L}\\p{N}])';
const w = (s: string) => new RegExp(`${L}(?:${s})${R}`, 'iu');

/** Coming or taking part, Dutch and English, any person or tense the clause needs. */
const coming = w(
  [
    'kom|komt|komen|kwam|gekomen|aanwezig|erbij|er\\s+bij|present|bij\\s+te\\s+wonen|deelnemen|deelname|neem\\s+deel|nemen\\s+deel|deel\\s+te\\s+nemen',
    'aansluiten|aan\\s+te\\s+sluiten|sluit\\s+(?:ik\\s+)?aan|aanschuiven|schuif|schuiven|bijwonen|meedoen|doe\\s+mee|langskomen',
    // Separable verbs with words between: "sluit ik later aan", "neem ik graag deel", "doe ik mee".
    '(?:sluit|sluiten|schuif|schuiven)\\s+(?:\\S+\\s+){0,6}?aan|(?:neem|nemen)\\s+(?:\\S+\\s+){0,6}?deel|(?:doe|doen)\\s+(?:\\S+\\s+){0,6}?mee',
    // "er graag bij willen zijn", "er die middag bij zijn".
    'er\\s+(?:\\S+\\s+){0,6}?bij\\s+(?:te\\s+)?(?:zijn|willen|kunnen|wezen)',
    // "wij zien jullie daar", "see you then".
    'zien\\s+(?:jullie|u|je|elkaar)\\s+(?:daar|dan|op\\s+\\S+)|see\\s+you\\s+(?:there|then|on)',
    'come|coming|join|joining|attend|attending|participate|participating|be\\s+there|make\\s+it|drop\\s+in|pop\\s+in|turn\\s+up|show\\s+up',
  ].join('|'),
);

/** Managing it ("dat gaat niet lukken", "haal ik niet"): a statement only with a negation or a hedge. */
const managing = w(
  "lukken|lukt|haal|halen|redden|red|gaan|gaat|ga|manage|work\\s+out|do\\s+(?:it|that|this|the\\s+\\S+|\\S+days?|afternoons?|mornings?)",
);

const negation = w(
  "niet|geen|nooit|geenszins|not|no|never|cannot|can't|won't|couldn't|wouldn't|isn't|aren't|impossible|onmogelijk|unable|niet\\s+mogelijk|no\\s+longer",
);

const hedge = w(
  [
    '(?:do|doe|doen|zal)\\s+(?:my|mijn|our|ons|ik\\s+mijn)\\s+(?:uiterste\\s+)?best|proberen|probeer|probeert|try|trying|attempt|eventueel|misschien|mogelijk|mogelijkerwijs|wellicht|hopelijk|hoop|hopen|vermoedelijk|waarschijnlijk|wie\\s+weet|onder\\s+voorbehoud',
    'als\\s+het\\s+(?:lukt|kan|past|uitkomt)|indien\\s+mogelijk|zo\\s+mogelijk|als\\s+(?:mijn|de)\\s+agenda|afhankelijk|hangt\\s+af',
    'touch\\s+and\\s+go|(?:whether|if)\\s+i(?:\\s+will|\\s+can|\\s+shall|\\s+am|\\s+get|\\s+make)|onzeker|onduidelijk\\s+of|unclear\\s+(?:if|whether)|niet\\s+zeker|weet\\s+(?:\\S+\\s+){0,2}?niet\\s+of|not\\s+(?:yet\\s+)?sure|unsure|not\\s+certain',
    'perhaps|maybe|possibly|hopefully|hope|hoping|might|may\\s+be\\s+able|probably|likely|if\\s+(?:I|we)\\s+can|if\\s+possible|depending|depends|tentatively',
  ].join('|'),
);

/**
 * A reason for not coming, said of the sender: a place or state elsewhere, a day not worked, a
 * date already taken. The first person is part of each form, so "de bijeenkomst is in het
 * buitenland" or "our director is on leave" do not count.
 */
const absence = new RegExp(
  [
    // Dutch: "ik werk niet op maandag", "ik ben die dag niet in Zeeland", "zit ik in het buitenland".
    `${L}(?:ik|wij|we)\\s+(?:\\S+\\s+){0,3}?(?:werk|werken)\\s+(?:\\S+\\s+){0,2}?(?:niet|nooit)\\s+op${R}`,
    `${L}(?:ik|wij|we|ben\\s+ik|zijn\\s+wij|zit\\s+ik|zitten\\s+wij|zitten\\s+we)${R}[^.!?;\\n]{0,60}?${L}(?:in\\s+het\\s+buitenland|op\\s+vakantie|met\\s+vakantie|met\\s+\\S*verlof|op\\s+reis|op\\s+(?:een\\s+)?congres|niet\\s+in\\s+(?:het\\s+land|\\p{Lu}\\p{L}+)|elders|niet\\s+beschikbaar|niet\\s+werkzaam|al\\s+(?:ingepland|volgeboekt|bezet|vergeven|besproken)|dubbel\\s+geboekt)${R}`,
    // "deze keer moet ik het overslaan", "al ingepland voor een andere bijeenkomst".
    // "that's my day off", "mijn vrije middag", "I only work Tuesday to Thursday", "Monday is out for me".
    `${L}(?:my|mijn|our|onze)\\s+(?:\\S+\\s+)?(?:day\\s+off|days\\s+off|vrije\\s+(?:dag|middag|ochtend)|non-working\\s+day|rest\\s+day)${R}`,
    `${L}(?:i|we|ik|wij)\\s+(?:only|alleen)\\s+(?:work|werk|werken)${R}|${L}(?:werk|werken)\\s+(?:ik|wij|we)\\s+(?:alleen|enkel)${R}`,
    `${L}(?:is|are)\\s+out\\s+for\\s+(?:me|us)${R}`,
    // Another obligation somewhere else: "sta ik de hele middag in de rechtbank", "zit ik bij een uitvaart".
    `${L}(?:sta|zit|ben)\\s+(?:ik|wij|we)\\s+(?:\\S+\\s+){0,4}?(?:in|op|bij|naar)\\s+(?:de\\s+|het\\s+|een\\s+)?(?:rechtbank|zitting|ziekenhuis|beurs|congres|cursus|training|bruiloft|begrafenis|uitvaart|conferentie)${R}`,
    // "Dan heb ik vakantie", "we hebben die week vrij".
    `${L}(?:(?:heb|hebben)\\s+(?:ik|wij|we)|(?:ik|wij|we)\\s+(?:heb|hebben))\\s+(?:\\S+\\s+){0,2}?(?:vakantie|vrij|verlof)${R}`,
    // Time off already taken: "ik heb vrij genomen", "I've booked the day off".
    `${L}(?:vrij|verlof|vakantie)\\s+(?:genomen|gevraagd|aangevraagd|opgenomen)${R}|${L}(?:booked|taken|took|take)\\s+(?:the\\s+day|the\\s+afternoon|time|a\\s+day|annual\\s+leave|leave)(?:\\s+off)?${R}`,
    `${L}(?:accept|send|sends|extend|offer)\\s+(?:my|our)\\s+(?:regrets|apologies)${R}|${L}(?:bericht|melding)\\s+van\\s+verhindering${R}`,
    `${L}(?:overslaan|laten\\s+schieten|aan\\s+mij\\s+voorbij\\s+gaan|missen|moeten\\s+missen|give\\s+(?:it|this\\s+one)\\s+a\\s+miss|pass\\s+on\\s+(?:this|it|that)|sit\\s+(?:this\\s+one|it)\\s+out|have\\s+to\\s+miss|will\\s+miss|skip\\s+(?:it|this))${R}`,
    `${L}al\\s+(?:ingepland|volgeboekt|bezet)\\s+(?:voor|met)${R}`,
    // Said without a subject, as a reply often starts: "Out of the country that week, sorry!", "Op vakantie helaas".
    `^\\s*(?:(?:sorry|helaas|unfortunately|sadly)[,\\s]+)?(?:out\\s+of\\s+the\\s+country|away|abroad|on\\s+(?:annual\\s+|parental\\s+)?leave|on\\s+holiday|on\\s+vacation|op\\s+vakantie|met\\s+vakantie|met\\s+verlof|in\\s+het\\s+buitenland|afwezig|verhinderd)${R}`,
    // English: "I'm on leave that week", "we are abroad", "Monday afternoons are impossible for me".
    `${L}(?:i|i'm|i\\s+am|i'll\\s+be|i\\s+will\\s+be|we|we're|we\\s+are|we'll\\s+be)${R}[^.!?;\\n]{0,40}?${L}(?:on\\s+(?:annual\\s+|parental\\s+|maternity\\s+|sick\\s+)?leave|on\\s+holiday|on\\s+vacation|abroad|out\\s+of\\s+the\\s+country|away|travell?ing|unavailable|not\\s+available|booked|tied\\s+up|otherwise\\s+engaged|double[- ]booked)${R}`,
    `${L}(?:impossible|not\\s+possible|no\\s+good|not\\s+convenient)\\s+for\\s+(?:me|us)${R}`,
    `${L}(?:i|we)\\s+(?:don't|do\\s+not)\\s+work\\s+on${R}`,
  ].join('|'),
  'iu',
);

/** The sender's time as the subject: "mijn agenda laat het niet toe", "my schedule doesn't allow it". */
const schedule = w('agenda|planning|rooster|schema|tijd|schedule|diary|calendar|time|timetable');
/** Putting oneself on the list: "zet mij maar op de lijst", "put me down", "noteer ons maar". */
const listMe = w(
  'count\\s+on\\s+(?:me|us)|reken\\s+(?:maar\\s+)?op\\s+(?:mij|ons)|(?:me|mij|myself|mijzelf)\\s*(?:plus|\\+)\\s*(?:one|1|een|één)|(?:graag|please|reserve|reserveer|reserveren|book|boek)\\s+(?:\\S+\\s+){0,2}?(?:places?|seats?|spots?|plek|plekken|plaats|plaatsen)|(?:mij|me|mezelf|mijzelf|ons|onszelf)\\s+(?:\\S+\\s+){0,3}?(?:aan\\s+te\\s+melden|op\\s+te\\s+geven|in\\s+te\\s+schrijven)|(?:places?|seats?|spots?|plek|plekken|plaats|plaatsen)\\s+(?:\\S+\\s+)?(?:for|voor)\\s+(?:me|us|mij|ons|mijzelf|myself)|(?:zet|noteer|schrijf|put|add|pencil)\\s+(?:mij|me|ons|us|mijzelf|myself)(?:\\s+\\S+){0,3}?\\s+(?:op|in|on|down|neer|erbij|to)|(?:noteer|note)\\s+(?:mij|me|ons|us)',
);

/** Regret that opens a refusal: "Helaas, …", "Unfortunately I have …". */
const regret = w("helaas|jammer\\s+genoeg|spijtig\\s+genoeg|tot\\s+mijn\\s+spijt|unfortunately|sadly|regrettably|i'm\\s+afraid|i\\s+am\\s+afraid");
/** Something else the sender must do or has: "moet ik de kinderen halen", "I have a court hearing". */
const engagement = w(
  "al\\s+(?:iets|wat)|already\\s+(?:have\\s+|got\\s+)?(?:something|plans|a\\s+commitment)|ingedeeld|ingeroosterd|ingepland|rostered|scheduled|moet|moeten|must|have\\s+to|has\\s+to|need\\s+to|(?:heb|hebben|have|has|i've\\s+got)\\s+(?:\\S+\\s+){0,4}?(?:een|a|an|andere|other|another)|gesloten|closed",
);

/** A yes said as an estimate: "ik schat van wel", "ik denk het wel", "I think so", "I expect so". */
const estimatedYes = w(
  "(?:we'll|we\\s+will|we\\s+shall|let's)\\s+see|(?:we\\s+)?zien\\s+(?:we\\s+)?(?:het\\s+)?(?:nog|wel)|(?:we\\s+)?zullen\\s+zien|afwachten|wait\\s+and\\s+see|" +
    '(?:schat|denk|verwacht|vermoed|geloof|reken)\\s+(?:van\\s+|het\\s+)?wel|(?:think|expect|believe|reckon|guess|hope)\\s+so',
);

/** Doubt that leans to no: "I doubt it", "ik betwijfel het", "ik denk het niet". */
const doubtNo = w("(?:i|ik)\\s+doubt|betwijfel|(?:ik\\s+)?denk\\s+het\\s+niet|(?:i\\s+)?don't\\s+think\\s+so|unlikely|onwaarschijnlijk");
/** Difficulty that softens a refusal: "dat wordt lastig", "that's tricky". */
const difficulty = w(
  '(?:wordt|is|lijkt|gaat|blijkt)\\s+(?:\\S+\\s+)?(?:lastig|moeilijk|krap|een\\s+probleem|problematisch)|tricky|difficult|a\\s+stretch|(?:is|be)\\s+a\\s+problem',
);
/** Deciding first with others: "ik overleg eerst met mijn team wie er gaat", "I'll check with the team who". */
const consultFirst = w(
  '(?:overleg|overleggen|bespreek|bespreken|stem|check|checking|consult|ask|asking)\\s+(?:\\S+\\s+){0,6}?(?:wie|who|of|whether|if)',
);

/** Open whether the sender makes it: "it's touch and go whether I'll be back", "of ik op tijd terug ben". */
const selfDoubt = w("touch\\s+and\\s+go|(?:whether|if)\\s+(?:i'll|i\\s+will|i\\s+can|i\\s+make\\s+it)|of\\s+ik\\s+(?:\\S+\\s+){0,3}?(?:op\\s+tijd|terug\\s+ben|kan|red)");

/** Nobody can be spared: "we are unable to release anyone", "we kunnen niemand missen". */
const nobodyCan = w(
  "(?:unable|not\\s+able|cannot|can't|kunnen|kan)\\s+(?:\\S+\\s+){0,4}?(?:anyone|anybody|niemand|nobody|no\\s+one)",
);

const firstPerson = w("ik|wij|we|mij|me|ons|i|i'm|i'll|i've|i'd|us|my|mijn|our|onze");
/** Informal Dutch drops the "ik": "Heb helaas al iets staan", "Zit dan in Gent". */
const impliedI = /^\s*(?:(?:helaas|sorry|jammer|nee)[,\s]+)?(?:heb|ben|zit|kan|moet|kom|ga|zal|wil|werk|had|was)(?![\p{L}])/iu;
const speaks = (text: string) => firstPerson.test(text) || impliedI.test(text);
/** Not wanting to miss it is coming: "I wouldn't miss it", "dat wil ik niet missen". */
const notMissing =
  /(?<![\p{L}])(?:(?:wouldn't|would\s+not|won't|will\s+not|not\s+going\s+to|don't\s+want\s+to)\s+miss|(?:niet|nooit)\s+(?:willen\s+)?missen|(?:wil|zou|ga)\s+(?:ik|wij|we)\s+(?:\S+\s+){0,2}?(?:niet|nooit)\s+(?:willen\s+)?missen)(?![\p{L}])/iu;

export interface FallbackReading {
  intent: Intent;
  weight: number;
  reason: string;
  /** Doubt leaning to no ("I doubt it", "ik denk het niet"): tentative, and nobody is counted. */
  leaningNo?: boolean;
}

export interface FallbackClause {
  text: string;
  question: boolean;
  thirdParty: boolean;
}

/** How many of the sender's first statements are read (the answer comes first). */
const FIRST_CLAUSES = 4;

/** Scores one clause from its parts; null when it says nothing about attending. */
export function scoreClause(text: string, regretSaid = false): FallbackReading | null {
  const regretted = regretSaid || regret.test(text) || difficulty.test(text);
  if (selfDoubt.test(text) && hedge.test(text)) return { intent: 'tentative', weight: 0.55, reason: 'fallback:open whether' };
  if (doubtNo.test(text)) return { intent: 'tentative', weight: 0.6, reason: 'fallback:doubt', leaningNo: true };
  if (consultFirst.test(text) && speaks(text)) return { intent: 'tentative', weight: 0.55, reason: 'fallback:deciding with others' };
  if (estimatedYes.test(text)) return { intent: 'tentative', weight: 0.6, reason: 'fallback:estimated yes' };
  if (notMissing.test(text) && !hedge.test(text)) return { intent: 'accept', weight: 0.6, reason: 'fallback:not missing it' };
  const hedged = hedge.test(text);
  const absent = absence.test(text);
  const comes = coming.test(text);
  const manages = comes || managing.test(text);
  const negated = negation.test(text);
  if (hedged && (manages || absent)) return { intent: 'tentative', weight: 0.6, reason: 'fallback:hedge' };
  if (absent) return { intent: 'decline', weight: 0.65, reason: 'fallback:absence' };
  if (nobodyCan.test(text) && speaks(text)) return { intent: 'decline', weight: 0.6, reason: 'fallback:nobody can be spared' };
  if (manages && negated) return { intent: 'decline', weight: 0.6, reason: 'fallback:negated coming' };
  if (schedule.test(text) && negated && speaks(text)) return { intent: 'decline', weight: 0.6, reason: 'fallback:schedule does not allow' };
  if (listMe.test(text) && !negated) return { intent: 'accept', weight: 0.6, reason: 'fallback:on the list' };
  if (regretted && engagement.test(text) && speaks(text)) return { intent: 'decline', weight: 0.6, reason: 'fallback:regret and engagement' };
  if (comes && firstPerson.test(text)) return { intent: 'accept', weight: 0.55, reason: 'fallback:coming' };
  return null;
}

/**
 * The first of the sender's own statements (not a question, not about someone else) that the parts
 * above make something of.
 */
export function readFallbackIntent(clauses: FallbackClause[]): FallbackReading | null {
  const own = clauses.filter((c) => !c.question && !c.thirdParty).slice(0, FIRST_CLAUSES);
  let regretSaid = false;
  for (const c of own) {
    const reading = scoreClause(c.text, regretSaid);
    if (reading) return reading;
    // "Helaas. Ik heb dan een andere afspraak.": the regret carries to the next statement.
    regretSaid ||= regret.test(c.text) || difficulty.test(c.text);
  }
  return null;
}
