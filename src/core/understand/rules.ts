/**
 * The built-in intent rules: Dutch first (the invitees are Dutch providers of youth care), English
 * second. Each rule is a regular expression matched case-insensitively (flags `iu`) against one
 * clause of the sender's own text; intent.ts decides what a clause means from the rules that fire.
 *
 * Admins add rules in the config (`rules.extra`, validated by intentRuleSchema in
 * src/config/schema.ts); those have the same shape, so IntentRule accepts them as they are.
 */

/**
 * - accept / decline / tentative: a statement about attending.
 * - negation: a word that turns an accept statement in the same clause into a decline
 *   ("ik kom niet"); negations inside a decline or tentative match are part of that match.
 * - question: the clause asks something; its statements are not taken as an answer.
 * - not_rsvp: the clause is about something else ("ik kom erop terug"); its matches are dropped.
 */
export type IntentRuleEffect = 'accept' | 'decline' | 'tentative' | 'negation' | 'question' | 'not_rsvp';

export interface IntentRule {
  /** Shown in Classification.reasons, e.g. "nl.accept:ik kom". */
  id: string;
  /** 'any' for admin rules that hold in both languages (the config's default). */
  language: 'nl' | 'en' | 'any';
  /** Regular expression source, matched with flags `iu`. */
  pattern: string;
  effect: IntentRuleEffect;
  /** 0..1: how sure a match alone makes us. */
  weight: number;
}

/**
 * `\b` is ASCII-only even with the `u` flag, so "één" or "aanwezig…" would not have word edges;
 * these look-arounds use Unicode letters instead.
 */
const word = (source: string): string => `(?<![\\p{L}\\p{N}])(?:${source})(?![\\p{L}\\p{N}])`;

/** Up to n words in between ("ik kom [graag] [ook]"). */
const gap = (n: number): string => `(?:\\s+[\\p{L}\\p{N}'’\\u2024-]+){0,${n}}?`;

/** Up to n words in between that may carry punctuation ("mijn collega (in de cc)"), within a sentence. */
const gapAny = (n: number): string => `(?:\\s+[^\\s.!?]+){0,${n}}?`;

/** An infinitive after "niet" that is not about coming ("openen", "wachten"), as a look-ahead body. */
const otherVerb = `\\s+(?!(?:komen|zijn|aanwezig|deelnemen|aansluiten|meedoen|aanschuiven|gaan|erbij|bijwonen)(?![\\p{L}]))[\\p{L}]+en(?![\\p{L}])`;

type Spec = [id: string, effect: IntentRuleEffect, weight: number, source: string];

const nl: Spec[] = [
  // accept
  ['ik kom', 'accept', 0.92, `(?:ik|wij|we)\\s+(?:kom|komen)(?!\\s+(?:uit|van|er\\s*op|hier\\s*op|daar\\s*op|op\\s+terug))`],
  ['kom ik', 'accept', 0.9, `(?:kom|komen)\\s+(?:ik|wij|we)(?:\\s+graag|\\s+zeker|\\s+ook|\\s+dan)*(?=\\s*[.!,]|\\s*$|\\s+(?:naar|met|op|ook|samen|de|zeker|graag|dus|uiteraard))`],
  ['kom graag', 'accept', 0.93, `(?:kom|komen)\\s+(?:\\S+\\s+){0,2}?graag`],
  ['aanwezig zijn', 'accept', 0.93, `(?:ik\\s+ben|wij\\s+zijn|we\\s+zijn|ben\\s+ik|zijn\\s+wij|zijn\\s+we|zal|zullen|wil|willen|ik\\s+kan|wij\\s+kunnen|we\\s+kunnen)${gap(4)}\\s+aanwezig`],
  ['er zijn', 'accept', 0.9, `(?:ik|wij|we)\\s+(?:zal|zullen)\\s+er${gap(3)}\\s+zijn|(?:ik\\s+ben|wij\\s+zijn|we\\s+zijn)\\s+er(?=\\s+(?:met|graag|zeker|gewoon|ook|dan|pas|wel|vanaf|rond|om|(?:helaas\\s+)?pas|[\\d])|\\s+op\\s+(?:\\d|maandag|dinsdag|woensdag|donderdag|vrijdag|de\\s+\\d)|\\s*[.!,]|\\s*$)`],
  ['stuur collega', 'accept', 0.85, `(?:stuur|sturen|vaardig|vaardigen)${gap(3)}\\s+(?:collega|collega's|vervanger|vervangster|iemand|afgevaardigde|afgevaardigden|vertegenwoordiger|vertegenwoordigers|medewerker|medewerkers|mensen|personen|deelnemers)`],
  ['graag aanwezig', 'accept', 0.93, `graag${gap(2)}\\s+aanwezig`],
  ['graag komen', 'accept', 0.9, `graag${gap(1)}\\s+(?:komen|erbij\\s+zijn|deelnemen|aanschuiven)`],
  ['erbij', 'accept', 0.92, `(?:ik\\s+ben|wij\\s+zijn|we\\s+zijn|ben\\s+ik|zijn\\s+wij|zijn\\s+we|zal|zullen|zijn|ben)${gap(6)}\\s+(?:erbij|er\\s+bij|bij\\s+zijn|bij\\s+aanwezig|van\\s+de\\s+partij|bij(?=\\s+met|\\s*[.,!;:]|\\s*$))`],
  ['namens komen', 'accept', 0.9, `(?:namens|vanuit)${gap(3)}\\s+(?:komen|komt|zijn\\s+aanwezig|is\\s+aanwezig|zal|zullen|nemen\\s+deel|neemt\\s+deel)|namens${gap(4)}\\s+(?:neemt|nemen)${gap(6)}\\s+deel|(?:komen|komt)\\s+namens|(?:er|dan)\\s+(?:komen|komt)(?!\\s+(?:geen|niemand))`],
  ['aanwezig', 'accept', 0.55, `aanwezig`],
  ['ik meld me aan', 'accept', 0.93, `(?:meld|melden)(?:\\s+(?:ik|wij|we))?\\s+(?:me|mij|ons|mezelf|mijzelf)${gapAny(10)}\\s+aan`],
  // A registration of others by name: "Namens Juvent meld ik Ellen Kraaijeveld en Bas Hoogerwerf aan".
  ['meld anderen aan', 'accept', 0.88, `(?:meld|melden)\\s+(?:ik|wij|we)\\s+(?:(?:hierbij|graag)\\s+)*(?!(?:me|mij|mezelf|mijzelf|ons|onszelf|u|je|jullie|af)(?![\\p{L}]))[^!?\\n]{1,120}?\\s+aan(?![\\p{L}])`],
  // "Mijn collega Jeroen Kooman meldt zich hierbij aan".
  ['meldt zich aan', 'accept', 0.88, `(?:meldt|melden)\\s+zich${gapAny(6)}\\s+aan(?![\\p{L}])`],
  // "Onze organisatie wordt vertegenwoordigd door mevrouw L. Hamelink".
  ['vertegenwoordigd door', 'accept', 0.85, `(?:vertegenwoordigd|vertegenwoordigen)(?:\\s+(?:zijn|worden|wezen))?\\s+door|(?:laat|laten)\\s+(?:me|mij|ons)\\s+vertegenwoordigen|(?:be|been|is|are)\\s+represented\\s+by`],
  // "Wij zijn met z'n tweeën", "we zijn met 3": a count of who comes.
  ['wij zijn met', 'accept', 0.88, `(?:wij|we)\\s+(?:zijn|komen)\\s+(?:er\\s+)?(?:dus\\s+|dan\\s+)?met\\s+(?:(?:z'n|zijn|ons)\\s+(?:tweeën|tweeen|drieën|drieen|vieren|vijven|zessen|allen)|\\d{1,2}|twee|drie|vier|vijf|zes)(?![\\p{L}])`],
  // A request to be registered, though asked: "Kunt u mij aanmelden?", "Could you sign us up?".
  ['verzoek aanmelden', 'accept', 0.85, `(?<=(?:kunt|kan|wilt|wil|zou|zoudt)\\s+(?:u|je|jij|jullie)${gap(2)}\\s+(?:mij|me|ons|mijzelf|mijn\\s+collega(?:'s)?|onze\\s+collega(?:'s)?|de\\s+volgende\\s+personen)${gap(4)}\\s+)(?:aanmelden|inschrijven|noteren|opschrijven|registreren)|(?:can|could|would)\\s+you\\s+(?:please\\s+)?(?:register|sign\\s+up|add|put\\s+down|enrol)\\s+(?:me|us|my|our|the\\s+following)(?![\\p{L}])`],
  // "Ik heb het in mijn agenda gezet", "staat genoteerd": the date is kept for the meeting.
  ['in agenda', 'accept', 0.8, `in\\s+(?:mijn|de|onze)\\s+agenda\\s+(?:gezet|genoteerd|opgenomen|gezet|staan|staat|ingepland)|(?:staat|zet|heb|is)${gap(3)}\\s+in\\s+(?:mijn|de|onze)\\s+agenda|(?:put|added|marked|blocked)\\s+(?:it\\s+|the\\s+date\\s+)?in\\s+(?:my|our|the)\\s+(?:calendar|diary|agenda)`],
  // "uw aanmelding is ontvangen" is a registration system talking, not the sender registering.
  ['aanmelden', 'accept', 0.9, `(?<!(?:uw|je|jouw|your)\\s+)aan\\s*(?:melden|melding|gemeld)`],
  ['kom in plaats', 'accept', 0.9, `(?:kom|komen)\\s+in\\s+(?:haar|zijn|hun|diens)\\s+plaats|(?:en|dus)\\s+kom(?:\\s+(?:graag|ook|dan|zeker))?(?=\\s*[.,!]|\\s*$|\\s+(?:in|naar|met|op|samen))`],
  ['ik schuif aan', 'accept', 0.92, `(?:schuif|schuiven)${gap(5)}\\s+aan|aanschuiven`],
  ['present', 'accept', 0.85, `(?:ben|zijn)${gap(3)}\\s+present|(?<=^\\s*)present\\s*[!.]*\\s*$`],
  ['ja', 'accept', 0.85, `(?<=^\\s*)(?:ja|akkoord|prima|graag)[\\s,!.]*(?:graag|hoor|zeker|prima|natuurlijk|akkoord)?[\\s,!.]*$`],
  ['bevestig', 'accept', 0.93, `(?:bevestig|bevestigen)${gap(4)}\\s+(?:aanwezigheid|deelname|komst|aanmelding)|hierbij\\s+bevestig`],
  ['deelnemen', 'accept', 0.9, `(?:neem|nemen|wil|willen|graag)${gap(3)}\\s+(?:deel|deelnemen)(?=\\s+(?:aan|met)|\\s*[.,!]|\\s*$)|acte\\s+de\\s+pr[ée]sence`],
  ['kom toch', 'accept', 0.9, `(?:kom|komen|kan|kunnen)${gap(3)}\\s+(?:toch|alsnog)(?:\\s+wel)?(?:${gap(2)}\\s+(?:komen|aanwezig|erbij))?`],
  ['kan komen', 'accept', 0.88, `(?:ik\\s+kan|wij\\s+kunnen|we\\s+kunnen|kan\\s+ik|kunnen\\s+wij|kunnen\\s+we|lukt\\s+het|het\\s+lukt)${gap(4)}\\s+(?:komen|erbij\\s+zijn|er\\s+bij\\s+zijn|aanwezig\\s+zijn|(?:te\\s+)?komen)`],
  ['neem mee', 'accept', 0.9, `(?:neem|nemen)${gap(6)}\\s+mee`],
  // "hij gaat over inkoop" is being in charge of something, not going.
  ['collega komt', 'accept', 0.88, `(?:collega|collega's|vervanger|vervangster|hij|zij)${gap(5)}\\s+(?:komt|komen|gaat(?!\\s+(?:over|om|het|er\\s+over)(?![\\p{L}]))|zal|is\\s+aanwezig|zijn\\s+aanwezig)|(?:komt|komen|gaat)\\s+(?:\\S+\\s+){0,2}?(?:collega|collega's|vervanger)`],
  ['heeft geaccepteerd', 'accept', 0.85, `heeft\\s+(?:uw|je|de)${gap(3)}\\s+uitnodiging\\s+geaccepteerd|heeft\\s+geaccepteerd`],
  ['heeft afgewezen', 'decline', 0.85, `heeft\\s+(?:uw|je|de)${gap(3)}\\s+uitnodiging\\s+(?:afgewezen|geweigerd)|heeft\\s+(?:afgewezen|geweigerd)`],
  // "dat ik de bijeenkomst graag bijwoon": formal letters put the verb last.
  ['bijwonen', 'accept', 0.9, `bij(?:woon|wonen|woont)|(?:woon|wonen|woont)${gap(8)}\\s+bij(?![\\p{L}])`],
  // "Koen gaat namens ons naar de bijeenkomst", "ik ga naar de consultatie".
  ['ga naar bijeenkomst', 'accept', 0.88, `(?:ga|gaan|gaat)${gap(5)}\\s+naar\\s+(?:de|het)\\s+(?:[\\p{L}-]*bijeenkomst|consultatie|sessie|Stenge)`],
  // A secretary or manager registering someone else: "Hierbij meld ik mevrouw S. de Koning aan".
  ['meld iemand aan', 'accept', 0.88, `(?:meld|melden)(?:\\s+(?:ik|wij|we))?\\s+(?:mevrouw|mevr|mw|de\\s+heer|dhr|meneer|de\\s+volgende|onderstaande)(?![\\p{L}])[^!?\\n]{0,120}?\\s+aan(?![\\p{L}])`],
  // Idioms: "tel mij maar mee", "reken (maar) op mij/ons".
  ['tel mij mee', 'accept', 0.9, `(?:tel|tellen)\\s+(?:mij|me|ons)${gap(2)}\\s+mee|(?:reken|rekenen)${gap(2)}\\s+op\\s+(?:mij|me|ons)(?![\\p{L}])`],
  // Said without "ik", as short mails do: "Kan niet.", "Sorry, kan helaas niet", "Ben erbij!".
  ['kan wel', 'accept', 0.85, `(?:ik|wij|we)\\s+(?:kan|kunnen)\\s+(?:wel|gewoon|prima|zeker)(?=\\s*[.,!;]|\\s*$)`],
  ['er bij zijn', 'accept', 0.88, `(?:ik\\s+kan|wij\\s+kunnen|we\\s+kunnen|kan\\s+ik|kunnen\\s+wij|kunnen\\s+we|ik\\s+zal|wij\\s+zullen|we\\s+zullen)\\s+er${gap(5)}\\s+bij\\s+zijn`],
  // A list or table of participants below: "Hieronder de deelnemers vanuit Emergis:", "Dit zijn onze deelnemers:".
  ['hieronder de deelnemers', 'accept', 0.8, `(?:hieronder|onderstaand|onderstaande|bijgaand|hierbij|dit\\s+zijn|de\\s+volgende)${gap(4)}\\s+(?:deelnemers|aanmeldingen|aanmelding|afgevaardigden|vertegenwoordigers)(?![\\p{L}])|(?:onze|de)\\s+deelnemers\\s+(?:zijn|worden)`],
  // "het worden er twee", "wij worden met z'n drieën": a corrected count of who comes.
  ['het worden er', 'accept', 0.8, `(?:het\\s+)?(?:worden|wordt)\\s+er\\s+(?:\\d{1,2}|twee|drie|vier|vijf|zes|één|een)(?![\\p{L}])`],
  // "ikzelf ben daar één van", "inclusief mijzelf": the sender among a counted group.
  ['ik ben er een van', 'accept', 0.85, `(?:ik|ikzelf)\\s+(?:ben|zit)\\s+(?:daar|er)\\s+(?:één|een|eén)\\s+van|(?:inclusief|waaronder|incl\\.?)\\s+(?:mij|mijzelf|ikzelf|ondergetekende)`],
  // A form filled in: "Deelname: ja", "Aanwezig: ja".
  ['deelname: ja', 'accept', 0.88, `(?:deelname|aanwezig|aanwezigheid|komst|attendance|attending)\\s*[:=]\\s*(?:ja|yes|x)(?![\\p{L}])`],
  // "Ik ga erheen", "Ik ga.", "ik sluit (graag) aan", "ik doe mee".
  ['ik ga', 'accept', 0.85, `(?:ik|wij|we)\\s+(?:ga|gaan)(?:\\s+(?:er\\s*heen|ook|zeker|graag|dus))*(?=\\s*[.,!]*\\s*$)`],
  ['sluit aan', 'accept', 0.88, `(?:sluit|sluiten)${gap(3)}\\s+aan(?![\\p{L}])|aansluiten`],
  ['doe mee', 'accept', 0.88, `(?:doe|doen)${gap(3)}\\s+mee(?![\\p{L}])|meedoen`],
  ['van plan', 'accept', 0.85, `(?:ben|zijn)\\s+(?:\\S+\\s+)?van\\s+plan${gap(4)}\\s+(?:te\\s+komen|aanwezig|erbij|deel\\s+te\\s+nemen)|(?:verwacht|verwachten)${gap(2)}\\s+(?:te\\s+komen|aanwezig\\s+te\\s+zijn|erbij\\s+te\\s+zijn)|interesse${gap(3)}\\s+(?:om\\s+)?(?:te\\s+komen|aanwezig\\s+te\\s+zijn|deel\\s+te\\s+nemen)`],
  // "Noteer mij maar", "U mag mij noteren", "Ik schrijf me in".
  ['noteer mij', 'accept', 0.88, `(?:noteer|noteert|schrijf|schrijft)\\s+(?:u\\s+)?(?:mij|me|ons)(?:\\s+(?:maar|ook|graag|dan))*(?:\\s+in)?(?=\\s*[.,!]|\\s*$)|(?<=(?:mij|me|ons)\\s+)(?:noteren|inschrijven|opschrijven)|(?:schrijf|schrijven)\\s+(?:mij|me|ons|mijzelf)${gap(3)}\\s+in(?![\\p{L}])`],
  // "Petra van Dam komt in mijn plaats", "Jan komt wel": someone else comes (intent.ts tells who).
  ['x komt', 'accept', 0.85, `vervangt\\s+(?:mij|me|ons)(?![\\p{L}])|(?:neemt|nemen)\\s+(?:mijn|onze)\\s+plaats\\s+in|(?:replaces|will\\s+replace|will\\s+stand\\s+in\\s+for)\\s+me|(?:komt|komen|gaat|gaan)\\s+(?:\\S+\\s+){0,2}?in\\s+(?:mijn|onze|haar|zijn)\\s+plaats|(?<=\\S\\s+)(?:komt|komen)\\s+(?:wel|ook|dus)(?=\\s*[.,!]|\\s*$)`],
  ['willen komen', 'accept', 0.85, `(?:wil|willen)\\s+(?:graag\\s+)?(?:\\S+\\s+){0,4}?(?:komen|aanwezig\\s+zijn|deelnemen|erbij\\s+zijn)(?![\\p{L}])`],
  ['ga erbij zijn', 'accept', 0.88, `(?:ga|gaan)\\s+(?:erbij|er${gap(3)}\\s+bij)\\s+zijn|(?:zou|zouden)\\s+er${gap(3)}\\s+bij\\s+zijn|(?:zou|zouden)\\s+graag\\s+(?:komen|aanwezig\\s+zijn|deelnemen)`],
  // "Onze afvaardiging bestaat uit Jan Breeman en Sara Haddou".
  ['afvaardiging bestaat uit', 'accept', 0.85, `(?:afvaardiging|delegatie|vertegenwoordiging)${gap(3)}\\s+(?:bestaat|bestaan)\\s+uit|(?:our\\s+)?delegation\\s+(?:consists|will\\s+consist)\\s+of`],
  ['reserveer een plek', 'accept', 0.85, `(?:reserveer|reserveren|boek|boeken)${gap(3)}\\s+(?:een\\s+)?(?:plek|plekken|plaats|plaatsen|stoel|stoelen)(?![\\p{L}])|(?:heb|hebben)\\s+er\\s+(?:\\S+\\s+)?zin\\s+in`],
  ['kijk ernaar uit', 'accept', 0.75, `(?:kijk|kijken)${gap(2)}\\s+(?:ernaar|er\\s+naar)\\s+uit`],
  ['tot dan', 'accept', 0.6, `tot\\s+(?:dan|de\\s+\\d{1,2}(?:e|ste|de)?|\\d{1,2}\\s+november|maandag|ziens\\s+op|op\\s+de\\s+bijeenkomst)(?![\\p{L}])|see\\s+you\\s+(?:then|on\\s+the|on\\s+monday|on\\s+\\d{1,2}|at\\s+the\\s+(?:meeting|session|consultation))`],
  // decline
  ['ik kom niet', 'decline', 0.93, `(?:ik|wij|we)\\s+(?:kom|komen)${gap(3)}\\s+niet(?!\\s+alleen)|(?:kom|komen)\\s+(?:ik|wij|we)${gap(3)}\\s+niet(?!\\s+alleen)`],
  ['deelname: nee', 'decline', 0.88, `(?:deelname|aanwezig|aanwezigheid|komst|attendance|attending)\\s*[:=]\\s*(?:nee|no)(?![\\p{L}])`],
  ['kan niet (zonder ik)', 'decline', 0.88, `(?<=^(?:\\s*(?:sorry|helaas|nee|jammer|excuses|maar)[\\s,!.]*)*)(?:kan|kunnen)\\s+(?:(?:helaas|dus|echt|er|dan|die\\s+dag|toch)\\s+)*niet(?!\\s+wachten)`],
  ['niet redden', 'decline', 0.88, `(?:red|redden)${gap(3)}\\s+niet|niet${gap(2)}\\s+redden`],
  // "niet" before another verb is about that verb ("kan ik de presentatie niet openen", "niet wachten").
  ['ik kan helaas niet', 'decline', 0.92, `(?:ik|ikzelf|zelf|wij|we)\\s+(?:kan|kunnen)${gap(3)}\\s+niet(?!${otherVerb})|(?:kan|kunnen)\\s+(?:ik|wij|we)${gap(5)}\\s+niet(?!${otherVerb})`],
  ['niet aanwezig', 'decline', 0.93, `niet${gap(3)}\\s+(?:aanwezig|komen|erbij|er\\s+bij|bij\\s+zijn|deelnemen|aansluiten|aanschuiven|bij(?=\\s*[.,!;]|\\s*$|\\s+(?:ivm|i\\.v\\.m|vanwege|wegens|omdat|want|door|op|die|deze)(?![\\p{L}])))|geen${gap(1)}\\s+(?:deelname|vertegenwoordiging|afvaardiging)`],
  ['verhinderd', 'decline', 0.93, `verhinderd|verhindering`],
  ['niet kunnen zijn', 'decline', 0.9, `niet${gap(3)}\\s+(?:bij\\s+)?kunnen\\s+(?:komen|zijn|deelnemen|aanwezig)|niet${gap(1)}\\s+bij\\s+kunnen\\s+zijn`],
  ['afmelden', 'decline', 0.93, `af\\s*(?:melden|melding|gemeld)|(?:meld|melden)(?:\\s+(?:ik|wij|we))?\\s+(?:me|mij|ons)${gap(6)}\\s+af`],
  ['afzeggen', 'decline', 0.92, `afzeggen|(?:zeg|zeggen)${gap(3)}\\s+af(?![\\p{L}])`],
  ['slaan over', 'decline', 0.9, `(?:sla|slaan)${gap(4)}\\s+over`],
  ['lukt niet', 'decline', 0.9, `(?:gaat|zal|gaan)${gap(3)}\\s+niet${gap(1)}\\s+lukken|lukt${gap(4)}\\s+niet|past${gap(4)}\\s+niet|(?:geen|niet\\s+in\\s+de)\\s+(?:tijd|gelegenheid|mogelijkheid)`],
  ['andere verplichting', 'decline', 0.85, `andere\\s+(?:verplichting|verplichtingen|afspraak|afspraken)|dubbele?\\s+afspraak|verstek|moet${gap(3)}\\s+passen`],
  ['niemand', 'decline', 0.88, `niemand`],
  ['afhaken', 'decline', 0.88, `afhaken|(?:haak|haken)${gap(2)}\\s+af(?![\\p{L}])|geen${gap(1)}\\s+(?:capaciteit|ruimte|menskracht|bezetting)(?![\\p{L}])`],
  ['komt niet uit', 'decline', 0.85, `(?:komt|kwam)${gap(3)}\\s+(?:niet|slecht)\\s+uit(?![\\p{L}])|(?<=(?:ben|zijn|zit|zitten)\\s+(?:ik\\s+|wij\\s+|we\\s+)?(?:dan|die\\s+dag|die\\s+middag)\\s+)(?:elders|ergens\\s+anders)`],
  ['iets tussengekomen', 'decline', 0.85, `(?:is|kwam)\\s+(?:er\\s+)?(?:helaas\\s+)?iets\\s+tussen(?:gekomen)?(?![\\p{L}])|tussengekomen|something\\s+(?:has\\s+)?(?:come|came)\\s+up`],
  ['ik pas', 'decline', 0.85, `(?:ik|wij|we)\\s+(?:pas|passen)(?:\\s+(?:helaas|deze\\s+keer|dit\\s+keer|ervoor))*(?=\\s*[.,!]|\\s*$)|(?:wordt|wordt\\s+het)\\s+(?:helaas\\s+)?(?:niks|niets)(?![\\p{L}])|zit\\s+er${gap(2)}\\s+niet\\s+in(?![\\p{L}])|(?:agenda|planning|rooster)${gap(2)}\\s+(?:laat|staat)${gap(2)}\\s+niet\\s+toe`],
  // "Helaas niet.", "Unfortunately not.", "Sorry, no.": regret right before the negation.
  ['helaas niet', 'decline', 0.8, `(?:helaas|jammer(?:\\s+genoeg)?|spijtig\\s+genoeg|unfortunately|sadly|regrettably|afraid|sorry)[\\s,]+(?:niet|not|no|nee)(?=\\s*[.,!]|\\s*$)`],
  // Flemish: "Ik geraak er niet", "ik zal er niet geraken".
  ['geraak er niet', 'decline', 0.88, `(?:geraak|geraken)${gap(2)}\\s+(?:er\\s+)?niet(?![\\p{L}])|niet${gap(1)}\\s+geraken`],
  ['niet in staat', 'decline', 0.85, `niet${gap(2)}\\s+in\\s+staat|(?:deze|dit|die)\\s+keer\\s+niet(?=\\s*[.,!]|\\s*$)|botsing|botst|(?:agenda|planning)${gap(2)}\\s+(?:conflict|overlap)`],
  ['zie af van', 'decline', 0.9, `(?:zie|zien)${gap(2)}\\s+af\\s+van|afzien\\s+van|geen\\s+(?:interesse|behoefte)`],
  ['ben er niet', 'decline', 0.88, `(?:ik\\s+ben|wij\\s+zijn|we\\s+zijn|ben\\s+ik|zijn\\s+wij|zijn\\s+we)\\s+er${gap(2)}\\s+niet(?=\\s*[.,!]|\\s*$)|niet${gap(3)}\\s+beschikbaar|(?<=(?:dag|datum|middag|dan)\\s+)gaat\\s+(?:\\S+\\s+)?niet(?=\\s*[.,!]|\\s*$)`],
  // Reasons: "ik heb dan al een afspraak", "te druk" (weak: a firmer statement wins, intent.ts).
  ['al een afspraak', 'decline', 0.78, `(?<=(?:heb|hebben)${gap(3)}\\s+)al\\s+(?:een\\s+)?(?:andere\\s+)?(?:afspraak|overleg|vergadering|verplichting)|(?<=(?:te|veel\\s+te)\\s+)druk(?![\\p{L}])`],
  // Away that day: "Ik ben die dag op vakantie", "op 26 november zit ik op een congres".
  ['op vakantie', 'decline', 0.8, `(?<=(?:ben|zijn)\\s+(?:ik\\s+|wij\\s+|we\\s+)?(?:\\S+\\s+){0,3}?)afwezig(?![\\p{L}])|(?<=(?:op|met)\\s+)(?:vakantie|verlof|reis|cursus|congres|zakenreis)|(?<=(?:zit|ben)\\s+(?:ik\\s+)?(?:(?:dan|die\\s+dag|die\\s+week)\\s+)?)(?:in\\s+het\\s+buitenland|op\\s+een\\s+(?:congres|cursus|training))`],
  // "Helaas." or "dus helaas" on its own: the answer is no.
  ['helaas alleen', 'decline', 0.75, `(?<=^\\s*(?:(?:dus|maar|nee)[\\s,]+)?)helaas[\\s.!]*$`],
  // "Ik zit die dag (helemaal) vol", "mijn agenda zit vol": no room for the meeting.
  ['zit vol', 'decline', 0.85, `(?<=(?:zit|zitten)${gap(3)}\\s+(?:helemaal\\s+|al\\s+)?|(?:agenda|dag|middag)${gap(2)}\\s+(?:is|zit)\\s+(?:helemaal\\s+|al\\s+)?)(?:vol|volgeboekt)(?![\\p{L}])|volgeboekt`],
  ['nee', 'decline', 0.85, `(?<=^\\s*(?:maar\\s+)?)nee(?:[\\s,]+(?:helaas|bedankt|sorry|dank\\s+(?:je|u)(?:\\s+wel)?))?[\\s,!.]*$`],
  ['voorbij laten gaan', 'decline', 0.88, `(?:aan\\s+(?:ons|mij|me)\\s+)?voorbij${gap(1)}\\s+(?:laten\\s+)?gaan`],
  ['aanmelding intrekken', 'decline', 0.92, `(?:aanmelding|deelname|inschrijving|komst)${gap(2)}\\s+(?:intrekken|annuleren|terugtrekken|terugdraaien)|(?:trek|trekken)${gap(4)}\\s+(?:aanmelding|deelname|inschrijving)${gap(1)}\\s+in|annuleer`],
  ['volgende keer', 'decline', 0.75, `(?:misschien\\s+|wellicht\\s+|hopelijk\\s+)?(?:een|de)\\s+(?:volgende|andere)\\s+keer`],
  // tentative
  ['misschien', 'tentative', 0.88, `misschien|wellicht|mogelijkerwijs|twijfel|twijfelen|(?:grote|goede|kleine)\\s+kans|wie\\s+weet`],
  // A condition on coming: "ik kom als ik mijn andere afspraak kan verzetten", "mits het past".
  ['als het kan', 'tentative', 0.85, `(?:ligt|hangt)${gap(2)}\\s+aan\\s+(?:mijn|ons|onze|de|het)|(?:houd|hou|houden)\\s+(?:het|de\\s+datum|deze\\s+datum)${gap(2)}\\s+open|mits(?![\\p{L}])|(?:als|indien|mits)\\s+(?:ik|wij|we|het|dat|mijn|onze)${gap(5)}\\s+(?:kan|kunnen|lukt|past|toelaat|doorgaat)(?![\\p{L}])|hangt${gap(3)}\\s+af\\s+van|afhankelijk\\s+van`],
  ['onder voorbehoud', 'tentative', 0.92, `onder\\s+voorbehoud|voorlopig`],
  ['weet nog niet', 'tentative', 0.92, `(?:weet|weten)${gap(3)}\\s+nog\\s+niet|nog\\s+niet${gap(1)}\\s+(?:zeker|bekend|duidelijk)|(?:laat|laten)${gap(3)}\\s+nog\\s+weten|kan${gap(2)}\\s+nog\\s+(?:niet\\s+)?(?:zeggen|toezeggen)`],
  ['best doen', 'tentative', 0.85, `(?:mijn|ons|m'n)\\s+best${gap(2)}\\s+(?:doen|om)`],
  // "Ik laat het u zo snel mogelijk weten" (not "ik laat u weten dat ik niet kom").
  ['laat het weten', 'tentative', 0.8, `(?:laat|laten)\\s+(?:het\\s+)?(?:u\\s+|je\\s+|jullie\\s+)?(?:[\\p{L}\\d]+\\s+){0,4}?weten(?=\\s*[.!]|\\s*$)`],
  ['ik probeer te komen', 'tentative', 0.9, `(?:probeer|proberen|hoop|hopen)${gap(3)}\\s+(?:te\\s+komen|aanwezig\\s+te\\s+zijn|erbij\\s+te\\s+zijn|aan\\s+te\\s+schuiven|te\\s+zijn)`],
  ['waarschijnlijk', 'tentative', 0.85, `waarschijnlijk|vermoedelijk|als\\s+het\\s+lukt|indien\\s+mogelijk|als\\s+(?:mijn\\s+)?agenda\\s+het\\s+toelaat`],
  // negation
  ['niet', 'negation', 1, `niet(?!\\s+alleen)|geen|nooit`],
  // questions
  ['vraag', 'question', 0.8, `(?:graag\\s+(?:hoor|verneem)\\s+ik|ik\\s+vroeg\\s+me\\s+af|is\\s+(?:er|het)${gap(2)}\\s+(?:mogelijk|parkeergelegenheid)|kunt\\s+u\\s+(?:mij\\s+)?(?:laten\\s+weten|vertellen))`],
  // not about attending
  // The invitation's own sentences, should a quote slip through the anatomy.
  ['uitnodiging', 'not_rsvp', 1, `(?:of|wanneer)\\s+u${gap(3)}\\s+aanwezig|verzoeken\\s+u|nodigen\\s+u${gap(2)}\\s+uit`],
  // "Ik ben niet meer werkzaam bij deze organisatie", "I am no longer with …": for a person to handle.
  // "eerder kan ik niet", "later lukt het niet": a time limit on coming, no answer about it.
  ['eerder kan ik niet', 'not_rsvp', 1, `(?:eerder|later|daarvoor|vroeger|eerder\\s+dan\\s+\\S+)\\s+(?:kan|lukt)\\s+(?:ik|het)\\s+(?:\\S+\\s+)?niet(?![\\p{L}])`],
  ['niet meer werkzaam', 'not_rsvp', 1, `(?:niet\\s+meer|no\\s+longer)\\s+(?:werkzaam|in\\s+dienst|actief|employed|working|with\\s+(?:the|this|our))`],
  // Unsubscribing or having left: "remove me from your mailing list", "I have left CareConnect",
  // "ik ben vertrokken bij", "uit dienst": about the address, not about attending.
  ['mailing list', 'not_rsvp', 1, `(?:mailing\\s*list|mailinglijst|verzendlijst|distributielijst|distribution\\s+list|nieuwsbrief|newsletter|unsubscribe|afmelden\\s+voor\\s+(?:deze|alle)\\s+(?:mail|berichten))|(?:i|we)\\s+(?:have|'ve)\\s+left\\s+(?!(?:a|the|my|it)(?![\\p{L}]))\\p{L}|(?:ben|is)\\s+(?:\\S+\\s+)?(?:vertrokken\\s+bij|uit\\s+dienst)|(?:heb|hebben)\\s+(?:\\S+\\s+){0,3}?verlaten`],
  ['kom erop terug', 'not_rsvp', 1, `(?:kom|komen)${gap(6)}\\s+(?:op\\s+)?terug|terugkomen`],
  // A forwarder: "(doorgestuurd naar onze teamleider,) zij laat zelf weten of ze komt" — whether
  // someone else comes is theirs to say; "of ze komt" is no statement.
  ['laat zelf weten of', 'not_rsvp', 1, `(?:laat|laten|geeft|geven)${gap(3)}\\s+(?:zelf|zelf\\s+wel|nog)\\s+(?:weten|aan)\\s+of\\s+(?:hij|zij|ze|die)|(?:will|(?:he|she|they)'ll)\\s+let\\s+you\\s+know\\s+(?:themselves|directly)`],
];

const en: Spec[] = [
  // accept
  ['i will attend', 'accept', 0.93, `(?:i|we)(?:'ll|’ll|\\s+will|\\s+shall|(?:\\s+would|'d)\\s+(?:love|like)\\s+to|\\s+am|\\s+are|'m|'re)${gap(2)}\\s+(?:attend(?!\\s+(?:to|a|an|another)\\s)|attending(?!\\s+(?:a|an|another)\\s)|come|coming|join|joining|be\\s+there|participate)`],
  ['count me in', 'accept', 0.93, `count\\s+(?:me|us)\\s+in|sign\\s+(?:me|us)\\s+up|register\\s+(?:me|us)|(?:like|want|wish)\\s+to\\s+(?:register|sign\\s+up|attend|join)|confirm${gap(2)}\\s+(?:attendance|participation|registration|place|spot)`],
  ["we'll be there", 'accept', 0.93, `(?:(?:i|we)(?:'ll|’ll|\\s+will)|will)\\s+be\\s+there|see\\s+you\\s+there`],
  ['i can make it', 'accept', 0.88, `(?:i|we)\\s+can${gap(2)}\\s+(?:make\\s+it|attend|come|join|be\\s+there)|(?:i'll|we'll|i\\s+will|we\\s+will)\\s+make\\s+it(?=\\s*[.,!]|\\s*$)`],
  ['happy to attend', 'accept', 0.9, `(?:happy|glad|pleased|delighted)\\s+to\\s+(?:attend|come|join|participate|accept|take\\s+part)|i\\s+accept|gladly\\s+accept`],
  // Calendar servers' notices when the iCalendar part is missing (Apple Calendar Server wording).
  ['has accepted', 'accept', 0.85, `(?:has|have)\\s+accepted\\s+(?:your|the)${gap(3)}\\s+invitation`],
  ['has declined', 'decline', 0.85, `(?:has|have)\\s+declined\\s+(?:your|the)${gap(3)}\\s+invitation`],
  // The same notices from French and German calendar servers (a REPLY without PARTSTAT says it in text).
  ['a accepté', 'accept', 0.85, `(?<=a\\s+)accepté\\s+(?:votre|l')${gap(2)}\\s*invitation|hat\\s+(?:ihre|die)\\s+einladung\\s+angenommen`],
  ['a refusé', 'decline', 0.85, `(?<=a\\s+)refusé\\s+(?:votre|l')${gap(2)}\\s*invitation|hat\\s+(?:ihre|die)\\s+einladung\\s+abgelehnt`],
  ['n of us', 'accept', 0.9, `(?:\\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|all|both)\\s+of\\s+us(?:'ll|\\s+will|\\s+are\\s+going\\s+to|\\s+would\\s+like\\s+to)\\s+(?:come|attend|join|be\\s+there)`],
  ['looking forward', 'accept', 0.75, `look(?:ing)?\\s+forward\\s+to\\s+(?:it|attending|joining|coming|participating|the\\s+(?:meeting|session|consultation)|seeing\\s+you)`],
  ['i am in', 'accept', 0.85, `(?<=^\\s*)(?:i'm|i\\s+am|we're|we\\s+are)\\s+in\\s*[!.]*\\s*$`],
  ['yes', 'accept', 0.85, `(?<=^\\s*)yes[\\s,!.]*(?:please|sure|definitely|of\\s+course)?[\\s,!.]*$`],
  ['x will attend', 'accept', 0.85, `(?<!(?:not|n't)\\s+)will\\s+(?:attend(?!\\s+(?:to|a|an|another)\\s)|be\\s+attending(?!\\s+(?:a|an|another)\\s)|come|join|participate|represent)|will\\s+be\\s+(?:just|only)(?=\\s)`],
  ['register others', 'accept', 0.85, `(?:please\\s+)?(?:register|sign\\s+up|enrol)\\s+(?!(?:me|us|myself)(?![\\p{L}]))[\\p{L}\\p{N}]+|below\\s+(?:are|is)\\s+(?:the\\s+|our\\s+)?(?:attendees|participants|names)|(?:our|the)\\s+(?:attendees|participants)\\s+(?:are|will\\s+be)|including\\s+(?:me|myself)`],
  ['plan to attend', 'accept', 0.85, `(?:book|reserve|save|hold)\\s+(?:me\\s+|us\\s+)?(?:a|one|two|\\d{1,2})\\s+(?:place|seat|spot)s?|(?:my|our)\\s+pleasure\\s+to\\s+(?:attend|come|join)|(?:pleased|honoured|honored)\\s+to\\s+(?:confirm|accept)|(?:plan|planning|intend|intending|expect|expecting)\\s+to\\s+(?:attend|come|join|be\\s+there)|put\\s+(?:me|us)\\s+down|(?:add|include)\\s+(?:me|us)\\s+(?:to|on|in)\\s+(?:the\\s+)?(?:list|attendees|registration)`],
  ['unavailable', 'decline', 0.85, `(?<=(?:i'm|i\\s+am|we're|we\\s+are|i\\s+will\\s+be|i'll\\s+be)(?:\\s+\\S+)?\\s+)(?:unavailable|not\\s+available)`],
  ['send delegates', 'accept', 0.85, `(?:send|sending|delegate|delegating)${gap(3)}\\s+(?:delegates?|colleagues?|representatives?|someone|somebody|people|staff\\s+members?|deputy|deputies|substitute|replacement|stand-in|successor|team\\s+members?)`],
  ['colleague will', 'accept', 0.88, `(?:colleague|colleagues|he|she|deputy)${gap(4)}\\s+(?:will|is\\s+going\\s+to)${gap(2)}\\s+(?:attend|come|join|be\\s+there)`],
  // decline
  ["i can't make it", 'decline', 0.93, `(?:(?:won't|won’t|will\\s+not|wouldn't|would\\s+not)\\s+be\\s+able\\s+to|can't|can’t|cannot|can\\s+not|won't|won’t|will\\s+not|wont|unable\\s+to|not\\s+(?:be\\s+)?able\\s+to)${gap(2)}\\s+(?:make\\s+it|attend|come|join|be\\s+there|participate)`],
  ['give it a miss', 'decline', 0.88, `give\\s+(?:it|this(?:\\s+one)?|the\\s+\\S+)\\s+a\\s+miss|double[\\s-]booked|scheduling\\s+conflict|conflicting\\s+(?:appointment|meeting|engagement)|(?:have|got)\\s+a\\s+clash|clashes\\s+with|(?:i'm|i\\s+am|we're|we\\s+are)\\s+(?:fully\\s+)?booked|(?:i|we)\\s+(?:will|'ll)\\s+(?:have\\s+to\\s+)?pass`],
  ['unfortunately unable', 'decline', 0.93, `unfortunately${gap(3)}\\s+(?:unable|not\\s+able|can't|cannot|won't|not)|regret(?:fully)?${gap(3)}\\s+(?:decline|unable|not|that)|must\\s+decline|have\\s+to\\s+decline|(?:i|we)\\s+decline|send\\s+(?:my|our)\\s+apologies|apologies\\s+for\\s+absence|another\\s+(?:commitment|appointment)|prior\\s+commitment`],
  ['not this time', 'decline', 0.85, `not\\s+in\\s+a\\s+position\\s+to|tied\\s+up|prior\\s+engagement|(?:can't|cannot|can\\s+not)\\s+make\\s+(?:the|it\\s+on)|(?:not|n't)\\s+(?:going\\s+to|gonna)\\s+(?:make\\s+it|be\\s+able|attend|come|join)|(?:doesn't|does\\s+not|won't|will\\s+not)\\s+(?:work|suit)\\s+(?:for\\s+)?(?:me|us)|count\\s+(?:me|us)\\s+out|(?<=^\\s*(?:i'm\\s+|i\\s+am\\s+)?)afraid\\s+not|not\\s+this\\s+time|(?:maybe\\s+|perhaps\\s+)?next\\s+time|(?:i|we)\\s+(?:have|need)\\s+to\\s+pass|(?:remove|take|cross)\\s+(?:me|us|my\\s+name)\\s+(?:off|from)|cancel\\s+(?:my|our)\\s+(?:registration|attendance|place|spot)|withdraw\\s+(?:my|our)`],
  // Away that day (weak, intent.ts: "I'm away until Friday but will attend" is an acceptance).
  ['away', 'decline', 0.8, `(?<=(?:i'm|i\\s+am|we're|we\\s+are|i'll\\s+be|i\\s+will\\s+be)\\s+)(?:away|abroad|out\\s+of\\s+(?:the\\s+)?(?:country|office)|on\\s+(?:leave|holiday|vacation))`],
  ['neither of us', 'decline', 0.9, `neither\\s+(?:i|we|me)\\s+nor|none\\s+of\\s+us|(?:no\\s*one|nobody)\\s+(?:from|of)\\s+(?:our|my|us)`],
  ['unable to send', 'decline', 0.88, `(?:unable\\s+to|not\\s+able\\s+to|can't|cannot|won't|will\\s+not)\\s+send\\s+(?:anyone|anybody|someone|a\\s+representative|a\\s+delegate|people|staff)`],
  ["can't (no subject)", 'decline', 0.85, `(?<=^(?:\\s*(?:sorry|unfortunately|no|but|alas)[\\s,!.]*)*)(?:can't|cannot|won't\\s+be\\s+able\\s+to)(?:\\s+(?:make\\s+it|attend|come|join))?(?=\\s*[.,!;]|\\s*$)`],
  ['no', 'decline', 0.85, `(?<=^\\s*(?:but\\s+)?)no(?:[\\s,]+(?:thanks?|thank\\s+you|sorry|unfortunately))?[\\s,!.]*$`],
  // tentative
  ['maybe', 'tentative', 0.88, `maybe|perhaps|might|possibly`],
  ['depends', 'tentative', 0.88, `(?:hopefully|likely)(?![\\p{L}])|pencil\\s+(?:me|us)\\s+in|(?:unable|not\\s+able)\\s+to\\s+(?:commit|confirm)\\s+(?:yet|at\\s+this)|(?:can't|cannot|can\\s+not)\\s+(?:promise|guarantee|commit|confirm)(?![\\p{L}])|(?:still\\s+)?waiting\\s+(?:on|for)\\s+(?:my|our|the)\\s+(?:schedule|calendar|confirmation|approval|manager)|(?<=^\\s*(?:i\\s+)?)hope\\s+so|depend(?:s|ing)\\s+on|subject\\s+to|(?:need|have)\\s+to\\s+check|check\\s+(?:my|our)\\s+(?:schedule|calendar|diary|agenda)|to\\s+be\\s+confirmed|\\btbc\\b`],
  ['tentatively', 'tentative', 0.92, `tentative(?:ly)?|provisional(?:ly)?`],
  ['not sure yet', 'tentative', 0.92, `not\\s+(?:sure|certain)\\s+(?:yet|whether|if)|don't\\s+know\\s+yet|(?:will|shall|i'll|we'll)\\s+(?:try|let\\s+you\\s+know)|hope\\s+to\\s+(?:attend|come|join|be\\s+there)|if\\s+(?:i|we)\\s+can|probably`],
  // negation
  ['not', 'negation', 1, `not|never|cannot|can't|won't|don't|isn't|aren't`],
  // questions
  ['question', 'question', 0.8, `i\\s+was\\s+wondering|could\\s+you\\s+(?:let\\s+me\\s+know|tell)|is\\s+(?:there|it)${gap(2)}\\s+(?:possible|parking)`],
];

/*
 * Patterns that hold only at the start of a clause put that condition in a look-behind
 * ("(?<=^\\s*)yes" rather than "^\\s*yes"): the prefilter in intent.ts drops look-arounds, and a
 * relaxed pattern that begins with a selective word is tested fast; one that begins with "\\s*" or
 * a starred group is tried at every position of the reply.
 */
function build(language: 'nl' | 'en', specs: Spec[]): IntentRule[] {
  return specs.map(([name, effect, weight, source]) => ({
    id: `${language}.${effect}:${name}`,
    language,
    pattern: word(source),
    effect,
    weight,
  }));
}

export const builtInRules: IntentRule[] = [...build('nl', nl), ...build('en', en)];
