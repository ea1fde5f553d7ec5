/**
 * Is this mail automatic (out of office, autoresponder), from a mailing list, or from an address
 * nobody reads? Such mail is never answered (RFC 3834 §2: responders must not reply to automatic
 * mail) and is not an RSVP.
 */
import type { AutomaticInfo } from './types.js';
import type { HeaderMap } from './parse.js';
import { outOfOfficeParts } from './out-of-office.js';

function values(headers: HeaderMap, name: string): string[] {
  return [...(headers.get(name.toLowerCase()) ?? [])].map((v) => v.trim());
}

/** Subjects automatic replies carry: Exchange NL/EN/DE ("Automatisch antwoord: …"), Gmail, Zimbra… */
const AUTO_SUBJECT: Array<[RegExp, string]> = [
  [/^\s*(automatisch antwoord|automatisch beantwoord|automatische reactie|automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|automatische antwort|abwesenheitsnotiz|réponse automatique|respuesta automática)\b/i, 'auto'],
  [/^\s*(afwezig(heid|heidsmelding)?|niet aanwezig|out of (the )?office|ooo\b|abwesend|vacation|vakantie)\b/i, 'out-of-office'],
  [/^\s*(away|absent|on leave|annual leave|afwezig)\s*:/i, 'out-of-office'],
  [/\b(out of (the )?office|afwezigheidsmelding|abwesenheitsnotiz|automatic reply|automatisch antwoord)\b/i, 'out-of-office'],
];

/**
 * Out-of-office statements from the body alone, for responders that set no header (some hosted
 * mail, Zimbra templates forwarded by rules). Each needs a period ("tot en met", "until") or a
 * return, so a human "ik ben afwezig op 26 november" (a decline) does not count.
 */
const OOO_BODY: Array<[RegExp, string]> = [
  [/\b(ik ben|ben ik)\b(?:[^.\n]|\.(?=\d)){0,80}\b(afwezig|niet aanwezig|niet op kantoor|niet bereikbaar|met vakantie|op vakantie|met verlof|vrij)\b(?:[^.\n]|\.(?=\d)){0,40}\b(tot en met|t\/m|tot|vanaf)\b/i, 'nl-out-of-office-until'],
  [/\b(tot en met|t\/m)\b(?:[^.\n]|\.(?=\d)){0,40}\b(afwezig|met vakantie|met verlof|niet aanwezig|niet bereikbaar)\b/i, 'nl-out-of-office-until'],
  [/\btijdens (mijn|onze) afwezigheid\b/i, 'nl-during-absence'],
  // The period first: "Ik ben tot 20 november niet aanwezig", "ben ik t/m vrijdag met zwangerschapsverlof".
  [/\b(ik ben|ben ik)\b(?:[^.\n]|\.(?=\d)){0,20}\b(tot( en met)?|t\/m)\b(?:[^.\n]|\.(?=\d)){0,30}\b(afwezig|niet aanwezig|niet op kantoor|niet bereikbaar|met \S*verlof|op vakantie|met vakantie)\b/i, 'nl-out-of-office-until'],
  [/\b(ik ben|ben ik)\b(?:[^.\n]){0,40}\bmet \S*verlof\b(?:[^.\n]|\.(?=\d)){0,40}\b(tot( en met)?|t\/m)\b/i, 'nl-out-of-office-until'],
  // Absence with a way round it: "… afwezig. Bij spoed kunt u bellen met …", "for urgent matters …".
  [/\b(afwezig|niet aanwezig|met \S*verlof|op vakantie|beperkt bereikbaar|out of (the )?office|on leave|away)\b[\s\S]{0,200}\b(bij spoed|voor dringende zaken|in dringende gevallen|for urgent matters|in urgent cases|if (it is )?urgent)\b/i, 'absence-with-deputy'],
  [/\b(beperkt|slecht) bereikbaar\b/i, 'nl-limited-reach'],
  // Part-time notices: "Ik werk niet op vrijdag", "Ik ben op woensdag niet werkzaam".
  // Only with the mail itself in view ("… op uw bericht terug"): "ik werk niet op maandag" alone is a
  // human reason for not coming to a Monday meeting.
  [/(\bik (werk|ben) (niet |alleen )?op (maandag|dinsdag|woensdag|donderdag|vrijdag)(en)?\b|\bop (maandag|dinsdag|woensdag|donderdag|vrijdag)(en)? (ben ik )?niet werkzaam\b)[\s\S]{0,200}\b(uw|je|jouw) (e-?mail|bericht|mail)\b/i, 'nl-part-time'],
  [/\b(ik ben|ben ik)\b(?:[^.\n]|\.(?=\d)){0,40}\bweer\b(?:[^.\n]|\.(?=\d)){0,40}\b(aanwezig|bereikbaar|op kantoor|terug)\b/i, 'nl-back-on'],
  [/\buw (e-?mail|bericht|mail)\b(?:[^.\n]|\.(?=\d)){0,60}\b(wordt niet doorgestuurd|na mijn terugkomst|zo spoedig mogelijk na)\b/i, 'nl-handled-on-return'],
  [/\b(i am|i'm|i will be|i'll be)\b(?:[^.\n]|\.(?=\d)){0,40}\b(out of (the )?office|away from (the )?office|away|on (annual )?leave|on vacation|on holiday|travell?ing)\b(?:[^.\n]|\.(?=\d)){0,60}\b(until|till|through|returning|and will return|back on)\b/i, 'en-out-of-office-until'],
  [/\b(i am|i'm)\b(?:[^.\n]|\.(?=\d)){0,20}\bcurrently out of (the )?office\b/i, 'en-out-of-office'],
  [/\b(with|have) limited access to (my )?e-?mail\b/i, 'en-limited-access'],
  // An answer promised on return: "will respond on my return", "ik reageer na mijn terugkomst".
  [/\b(will|shall|i'll)\s+(respond|reply|answer|get back to you)\b[^.\n]{0,60}\b(on|upon|after|when)\s+(my return|i return|i am back|i'm back|i get back)\b/i, 'en-on-return'],
  [/\b(reageer|antwoord|beantwoord|kom)\b[^.\n]{0,60}\b(na mijn terugkomst|zodra ik (weer )?terug ben|bij (mijn )?terugkomst)\b/i, 'nl-on-return'],
  // Said of itself: "Dit is een automatisch antwoord", "This is an automated response".
  [/\b(dit is een automatisch(e)? (antwoord|bericht|reactie|gegenereerd)|this is an? (automated|automatic|auto-generated) (response|reply|message|e-?mail))\b/i, 'self-declared'],
  // Part-time workers' notices: "Uw e-mail wordt op mijn eerstvolgende werkdag beantwoord."
  [/\buw (e-?mail|bericht|mail)\b(?:[^.\n]){0,60}\b(eerstvolgende|volgende) werkdag\b/i, 'nl-next-workday'],
  // No period, but a statement that the mail is not read: "on parental leave and will not be checking email".
  [/\b(will not|won't|am not|i'm not|not)\s+(be\s+)?(checking|reading|monitoring)\s+(my\s+)?e-?mails?\b|\bno access to (my )?e-?mail\b/i, 'en-not-reading'],
  [/\b(ik )?lees (mijn )?(e-?)?mail (niet|pas( weer)?|vanaf)\b|\b(uw |mijn )?((e-?)?mail|bericht) wordt (niet|pas) (gelezen|bekeken)\b/i, 'nl-not-reading'],
  // Ticket systems and shared mailboxes confirm receipt (Zendesk, OTRS, TOPdesk wording).
  [/\b(uw|your) (e-?mail|bericht|mail|message|request|verzoek|vraag)\b(?:[^.\n]){0,40}\b(in goede orde ontvangen|is ontvangen|has been received|is geregistreerd|geregistreerd onder)\b/i, 'receipt'],
  [/\b(ticketnummer|ticket number|referentienummer)\b(?:[^.\n]){0,20}\d{4,}/i, 'ticket'],
  [/\b(i will|i'll) (return|be back) (to the office )?on\b/i, 'en-back-on'],
  [/\bich bin\b[^\n]{0,60}\b(nicht im b(ü|ue)ro|abwesend|im urlaub)\b/i, 'de-out-of-office'],
];

/** A human reply talking about the meeting is not an out-of-office, whatever else it says. */
const ABOUT_THE_MEETING =
  // "attend to your message" (an out-of-office) is not attending the meeting.
  // "ik kom zo spoedig mogelijk bij u terug" is an out-of-office's promise, not coming.
  /\b(kom(en)?\b(?![^.\n]{0,60}\bterug\b)|aanwezig zijn bij|aanmelden|aanmelding|afmelden|uitnodiging|bijeenkomst|consultatie|attend(?! to\b| (a|an|another)\b)|attending(?! (a|an|another)\b)|invitation|rsvp)\b/i;

/** Sender local parts that nobody reads (and that must never be answered). */
const NO_REPLY_LOCAL =
  /^(no[-_.]?reply|do[-_.]?not[-_.]?reply|dont[-_.]?reply|geen[-_.]?antwoord|niet[-_.]?beantwoorden|mailer[-_.]?daemon|postmaster|bounces?|notifications?-?noreply)([-_.+].*)?$/i;

export function isNoReplyAddress(address: string | null | undefined): boolean {
  if (!address) return false;
  const local = address.split('@')[0] ?? '';
  return NO_REPLY_LOCAL.test(local);
}

function addressOfHeader(value: string | null | undefined): string | null {
  if (!value) return null;
  const m = /<([^<>\s]+@[^<>\s]+)>/.exec(value) ?? /([^\s<>,;"]+@[^\s<>,;"]+)/.exec(value);
  return m ? m[1]! : null;
}

/**
 * @param headers raw header values by lower-case name
 * @param subject the decoded subject
 * @param bodyText the body as text (the first part is enough)
 * @param fromAddress the sender; read from the From header when not given
 */
export function detectAutomatic(
  headers: HeaderMap,
  subject: string,
  bodyText: string,
  fromAddress?: string | null,
): AutomaticInfo {
  const reasons: string[] = [];
  let autoReply = false;
  let list = false;

  // RFC 3834 §5: Auto-Submitted other than "no" (auto-replied, auto-generated, auto-notified).
  for (const v of values(headers, 'auto-submitted')) {
    const token = v.split(';')[0]!.trim().toLowerCase();
    if (token && token !== 'no') {
      autoReply = true;
      reasons.push(`header:auto-submitted=${token}`);
    }
  }
  // De-facto autoresponder headers: X-Autoreply (Postfix vacation, cPanel), X-Autorespond
  // (various), X-Auto-Reply. X-Auto-Response-Suppress is deliberately absent: Exchange puts it on
  // ordinary mail too (MS-OXCMAIL 2.2.3.2.14), it asks others not to auto-reply to *this* mail.
  for (const name of ['x-autoreply', 'x-autorespond', 'x-auto-reply', 'x-autoresponder']) {
    const v = values(headers, name)[0];
    if (v !== undefined && !/^(no|false|0)$/i.test(v)) {
      autoReply = true;
      reasons.push(`header:${name}`);
    }
  }
  // Exchange/Outlook "X-MS-Exchange-Inbox-Rules-Loop" marks mail sent by an inbox rule, and
  // "X-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent" an OOF; both automatic.
  if (values(headers, 'x-ms-exchange-generated-message-source').some((v) => /mailbox rules agent|oof/i.test(v))) {
    autoReply = true;
    reasons.push('header:x-ms-exchange-generated-message-source');
  }
  // Precedence (RFC 2076 §3.9, not standard but honoured by vacation(1) and most responders).
  for (const v of values(headers, 'precedence')) {
    const p = v.toLowerCase();
    if (p === 'auto_reply') {
      autoReply = true;
      reasons.push('header:precedence=auto_reply');
    } else if (p === 'bulk' || p === 'junk' || p === 'list') {
      list = true;
      reasons.push(`header:precedence=${p}`);
    }
  }
  // RFC 2919 List-Id and RFC 2369 List-* headers: sent through a list.
  for (const name of ['list-id', 'list-unsubscribe', 'list-post']) {
    if (values(headers, name).length > 0) {
      list = true;
      reasons.push(`header:${name}`);
    }
  }

  for (const [re, label] of AUTO_SUBJECT) {
    if (re.test(subject)) {
      autoReply = true;
      reasons.push(`subject:${label}`);
      break;
    }
  }

  if (!autoReply) {
    const head = bodyText.slice(0, 2000);
    const quoted = /^\s*>|^\s*(van|from)\s*:.*$|\b(schreef|wrote)\s*:\s*$/im.test(head);
    if (!quoted && !ABOUT_THE_MEETING.test(head)) {
      for (const [re, label] of OOO_BODY) {
        if (re.test(head)) {
          autoReply = true;
          reasons.push(`body:${label}`);
          break;
        }
      }
      if (!autoReply) {
        // Wording none of the above knows: the notice recognised by its parts (out-of-office.ts).
        const parts = outOfOfficeParts(head);
        if (parts.length > 0) {
          autoReply = true;
          reasons.push(`body:out-of-office(${parts.join('+')})`);
        }
      }
    }
  }

  const from = fromAddress ?? addressOfHeader(values(headers, 'from')[0]);
  const sender = addressOfHeader(values(headers, 'return-path')[0]);
  let noReply = false;
  if (isNoReplyAddress(from)) {
    noReply = true;
    reasons.push('sender:no-reply');
  }
  // RFC 3834 §2: a null Return-Path (<>) means "do not reply" — bounces and many autoresponders.
  if (values(headers, 'return-path').some((v) => /^<\s*>$/.test(v))) {
    noReply = true;
    reasons.push('header:return-path=<>');
  } else if (!noReply && isNoReplyAddress(sender)) {
    noReply = true;
    reasons.push('return-path:no-reply');
  }

  return { autoReply, list, noReply, reasons };
}
