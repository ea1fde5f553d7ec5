/**
 * Which event and invitee a reply is about, as a pure function of the reply's facts and what the
 * caller looked up. Tried in order of how sure each way is:
 *
 *   1. thread    In-Reply-To / References name a mail the service sent (invitation, reminder…)
 *   2. token     the reply went to the plus address in our Reply-To (info+TOKEN@…)
 *   3. calendar  a calendar reply's UID is an event's iCalendar UID
 *   4. sender    the sender is invited to exactly one open event (or the subject names one)
 *   5. subject   the subject names exactly one open event (a forwarded invitation)
 *   6. domain    a colleague of an invitee (same organisation mail domain) on one open event
 *
 * A reply that matches nothing, or several events equally, goes to the review queue.
 */

export interface ReplyFacts {
  /** Lower-cased sender address. */
  from: string;
  inReplyTo: string | null;
  references: string[];
  /** Lower-cased To and Cc addresses (where the plus token is). */
  recipients: string[];
  calendarUid: string | null;
  subject: string;
}

export interface ThreadHit {
  eventId: string;
  inviteeId: string | null;
}

export interface SenderInvitation {
  eventId: string;
  inviteeId: string;
}

export interface OpenEvent {
  eventId: string;
  title: string;
  slug: string;
  /** Mail domains of the organisations invited to it. */
  domains: string[];
}

export interface MatchLookups {
  /** Our sent mails by Message-ID (without <>). */
  threads: ReadonlyMap<string, ThreadHit>;
  /** Invitees by plus-address token. */
  tokens: ReadonlyMap<string, SenderInvitation>;
  /** Event ids by iCalendar UID. */
  calendarEvents: ReadonlyMap<string, string>;
  /** The sender's own invitations to events that are still ahead. */
  senderInvitations: SenderInvitation[];
  openEvents: OpenEvent[];
}

export type MatchMethod = 'thread' | 'token' | 'calendar' | 'sender' | 'subject' | 'domain';

export type Match =
  | { matched: true; eventId: string; inviteeId: string | null; method: MatchMethod }
  | { matched: false; reason: 'unmatched' | 'ambiguous'; candidates: string[] };

/** Domains of public mail services: a shared domain there says nothing about an organisation. */
const PUBLIC_MAIL_DOMAINS = new Set([
  'gmail.com', 'googlemail.com', 'hotmail.com', 'hotmail.nl', 'outlook.com', 'outlook.nl', 'live.nl',
  'live.com', 'msn.com', 'yahoo.com', 'yahoo.nl', 'icloud.com', 'me.com', 'ziggo.nl', 'kpnmail.nl',
  'planet.nl', 'home.nl', 'xs4all.nl', 'hetnet.nl', 'casema.nl', 'upcmail.nl', 'proton.me', 'protonmail.com',
]);

export function isPublicMailDomain(domain: string): boolean {
  return PUBLIC_MAIL_DOMAINS.has(domain.toLowerCase());
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * The token in a plus address to the organiser (info+TOKEN@example.nl), or null when the
 * recipient is not a plus address of the organiser's mailbox.
 */
export function plusToken(recipient: string, organiser: string, separator = '+'): string | null {
  const at = recipient.lastIndexOf('@');
  const orgAt = organiser.lastIndexOf('@');
  if (at < 0 || orgAt < 0) return null;
  if (recipient.slice(at).toLowerCase() !== organiser.slice(orgAt).toLowerCase()) return null;
  const local = recipient.slice(0, at);
  const base = organiser.slice(0, orgAt);
  const prefix = base + separator;
  if (!local.toLowerCase().startsWith(prefix.toLowerCase())) return null;
  const token = local.slice(prefix.length);
  return token.length > 0 ? token : null;
}

/** The plus address that carries an invitee's token. */
export function plusAddress(organiser: string, token: string, separator = '+'): string {
  const at = organiser.lastIndexOf('@');
  return `${organiser.slice(0, at)}${separator}${token}${organiser.slice(at)}`;
}

/** Events whose title or slug the subject names (reply and forward prefixes ignored). */
export function eventsNamedBySubject(subject: string, events: OpenEvent[]): string[] {
  const s = normaliseTitle(subject);
  if (!s) return [];
  return events
    .filter((e) => {
      const title = normaliseTitle(e.title);
      return (title.length >= 8 && s.includes(title)) || s.includes(e.slug.toLowerCase());
    })
    .map((e) => e.eventId);
}

function normaliseTitle(text: string): string {
  return text
    .toLowerCase()
    .replace(/['"‘’“”„]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function matchReply(facts: ReplyFacts, lookups: MatchLookups, organiser: string, separator = '+'): Match {
  for (const id of [facts.inReplyTo, ...[...facts.references].reverse()]) {
    const hit = id ? lookups.threads.get(id) : undefined;
    if (hit) {
      // A colleague replying in the thread of someone else's invitation is about the same event
      // but is not that invitee.
      const own = lookups.senderInvitations.find((i) => i.eventId === hit.eventId);
      return { matched: true, eventId: hit.eventId, inviteeId: own?.inviteeId ?? null, method: 'thread' };
    }
  }

  for (const recipient of facts.recipients) {
    const token = plusToken(recipient, organiser, separator);
    const hit = token ? lookups.tokens.get(token) : undefined;
    if (hit) {
      const own = lookups.senderInvitations.find((i) => i.eventId === hit.eventId);
      return { matched: true, eventId: hit.eventId, inviteeId: own?.inviteeId ?? null, method: 'token' };
    }
  }

  if (facts.calendarUid) {
    const eventId = lookups.calendarEvents.get(facts.calendarUid);
    if (eventId) {
      const own = lookups.senderInvitations.find((i) => i.eventId === eventId);
      return { matched: true, eventId, inviteeId: own?.inviteeId ?? null, method: 'calendar' };
    }
  }

  const named = eventsNamedBySubject(facts.subject, lookups.openEvents);
  const invitations = lookups.senderInvitations;
  if (invitations.length === 1) {
    const only = invitations[0]!;
    return { matched: true, eventId: only.eventId, inviteeId: only.inviteeId, method: 'sender' };
  }
  if (invitations.length > 1) {
    const byName = invitations.filter((i) => named.includes(i.eventId));
    if (byName.length === 1) return { matched: true, eventId: byName[0]!.eventId, inviteeId: byName[0]!.inviteeId, method: 'sender' };
    return { matched: false, reason: 'ambiguous', candidates: invitations.map((i) => i.eventId) };
  }

  if (named.length === 1) return { matched: true, eventId: named[0]!, inviteeId: null, method: 'subject' };
  if (named.length > 1) return { matched: false, reason: 'ambiguous', candidates: named };

  const domain = domainOf(facts.from);
  if (!isPublicMailDomain(domain)) {
    const byDomain = lookups.openEvents.filter((e) => e.domains.includes(domain)).map((e) => e.eventId);
    if (byDomain.length === 1) return { matched: true, eventId: byDomain[0]!, inviteeId: null, method: 'domain' };
    if (byDomain.length > 1) return { matched: false, reason: 'ambiguous', candidates: byDomain };
  }
  return { matched: false, reason: 'unmatched', candidates: [] };
}
