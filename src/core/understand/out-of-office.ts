/**
 * Out-of-office text recognised by its anatomy rather than its wording, for responders that set no
 * header (RFC 3834 Auto-Submitted is optional in practice: Outlook rules, hosted mail, phone
 * "vacation" settings) and no tell-tale subject. Such a notice is made of a few parts, each worded a
 * hundred ways but each from a small vocabulary:
 *
 * - absence: the writer is away, on leave, not in the office, enjoying days off;
 * - period: a return or an end ("tot 1 februari", "weer bereikbaar op", "returning Monday");
 * - the mail's fate: "uw mail / your message" with what happens to it ("beantwoord", "doorgestuurd",
 *   "niet gelezen", "dealt with", "forwarded");
 * - a way round: someone else to contact ("neem contact op met", "please contact", "bij spoed").
 *
 * The mail's fate is what a person answering the invitation never writes, so it is required, with
 * at least one of the others; absence + period + a way round also suffices (no fate said). An
 * address said to be read no more ("dit adres wordt niet meer gelezen") is a notice on its own. A reply
 * about the meeting is filtered out before this runs (automatic.ts ABOUT_THE_MEETING).
 */

const L = '(?<![\\p{L}\\p{N}])';
const R = '(?![\\p{L}\\p{N}])';
const re = (s: string) => new RegExp(s, 'iu');

const absence = re(
  `${L}(?:afwezig|niet\\s+(?:op\\s+kantoor|aanwezig|bereikbaar|op\\s+het\\s+werk|werkzaam|bezet|geopend|open|aan\\s+het\\s+werk)|not\\s+at\\s+work|on\\s+sabbatical|sabbatical|gesloten|closed|not\\s+staffed|unstaffed|(?:beperkt|slechts\\s+beperkt|minder)\\s+(?:aanwezig|bereikbaar|beschikbaar)|limited\\s+availability|vrij|vrije\\s+dag(?:en)?|vakantie|\\S*verlof|ziek|buiten\\s+kantoor` +
    `|op\\s+(?:cursus|training|congres|studiereis)|on\\s+(?:a\\s+)?(?:training\\s+)?course|at\\s+a\\s+(?:conference|training)|out\\s+of\\s+(?:the\\s+)?office|away|on\\s+(?:\\S+\\s+)?leave|on\\s+holiday|on\\s+vacation|annual\\s+leave|off\\s+work|days\\s+off|not\\s+in\\s+the\\s+office)${R}`,
);

const month =
  'jan(?:uari|uary)?|feb(?:ruari|ruary)?|maart|march|mar|apr(?:il)?|mei|may|jun[ie]?|jul[iy]?|aug(?:ustus|ust)?|sep(?:t(?:ember)?)?|okt(?:ober)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const day =
  'maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|monday|tuesday|wednesday|thursday|friday|saturday|sunday';
const when = `(?:${L}(?:${day})${R}|${L}(?:next|volgende|komende|aanstaande)\\s+week${R}|\\d{1,2}(?:[-/.]\\d{1,2}|\\s+(?:${month})${R})|${L}(?:${month})\\s+\\d{1,2}${R})`;

const period = re(
  `${L}(?:tot(?:\\s+en\\s+met)?|t/m|vanaf|na|weer|terug|until|till|through|returning|return|back|from)${R}[^.!?\\n]{0,30}?${when}` +
    `|${L}(?:weer\\s+(?:bereikbaar|aanwezig|op\\s+kantoor|terug)|terug\\s+op\\s+kantoor|back\\s+in\\s+the\\s+office|on\\s+my\\s+return|na\\s+mijn\\s+terugkomst|bij\\s+terugkomst)${R}`,
);

/** The mail, then what is done with it, within one sentence (either order). */
const mailNoun = `${L}(?:(?:uw|je|jouw|your|de|mijn|my|alle)\\s+)?(?:e-?mails?|mails?|berichten|bericht|messages?|correspondentie)${R}`;
const mailFate =
  `${L}(?:beantwoord|beantwoorden|behandeld|behandelen|in\\s+behandeling|handel|afhandelen|afgehandeld|handle|handled|doorgestuurd|doorgezonden|gelezen|lees|bekeken|verwerkt|opgepakt|reageer|reageren` +
  `|oppakken|opgepakt|answered|dealt\\s+with|responding|replying|answering|reading|pick\\s+up|picked\\s+up|catch\\s+up\\s+on|go\\s+through|look\\s+at|forwarded|read|reviewed|responded|respond|reply|replied|attended\\s+to|checked|checking|processed)${R}`;
const fate = re(`${mailNoun}[^.!?\\n]{0,80}?${mailFate}|${mailFate}[^.!?\\n]{0,40}?${mailNoun}`);

const deputy = re(
  `${L}(?:neem|neemt|kunt|kan)${R}[^.!?\\n]{0,80}?${L}contact\\s+op${R}|${L}(?:bij\\s+spoed|voor\\s+dringende|in\\s+dringende|please\\s+contact|please\\s+direct|you\\s+can\\s+contact|for\\s+(?:anything\\s+)?urgent|if\\s+(?:it\\s+is\\s+|your\\s+\\S+\\s+is\\s+)?urgent|in\\s+urgent)${R}`,
);

/** An address nobody reads any more: "Dit e-mailadres wordt niet meer gelezen", "This mailbox is not monitored". */
const deadAddress = re(
  `${L}(?:dit|deze|this|that)\\s+(?:e-?mail)?(?:adres|address|mailbox|postbus|inbox|e-?mail\\s+address|account)\\s+(?:\\S+\\s+){0,3}?(?:niet\\s+meer|niet|no\\s+longer|not)\\s+(?:\\S+\\s+)?(?:gelezen|gebruikt|bekeken|actief|in\\s+gebruik|monitored|read|checked|in\\s+use|active|attended)${R}`,
);

/** The parts found in the text, by name; empty when it does not read as an out-of-office notice. */
export function outOfOfficeParts(text: string): string[] {
  const head = text.slice(0, 2000);
  const parts: string[] = [];
  if (absence.test(head)) parts.push('absence');
  if (period.test(head)) parts.push('period');
  if (fate.test(head)) parts.push('fate');
  if (deputy.test(head)) parts.push('deputy');
  if (deadAddress.test(head)) return ['dead-address', ...parts];
  const has = (p: string) => parts.includes(p);
  const notice = (has('fate') && parts.length >= 2 && (has('absence') || has('period'))) || (has('absence') && has('period') && has('deputy'));
  return notice ? parts : [];
}
