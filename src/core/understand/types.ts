/**
 * What the service makes of one inbound message: the shape of `rsvp classify --json`
 * (../shared/CONTRACT.md) plus what the poll job needs to act on it.
 */
export type MessageKind = 'rsvp' | 'auto_reply' | 'bounce' | 'other';
export type Intent = 'accept' | 'decline' | 'tentative';

export interface Classification {
  kind: MessageKind;
  /** Set when kind is 'rsvp', else null. */
  intent: Intent | null;
  /** People attending from the sender's side; 0 for a decline; null when it cannot be told. */
  partySize: number | null;
  /** Names of the people who will attend, given name first; [] when none can be told. */
  attendees: string[];
  /** The sender's own new text: no quoted mail, signature or disclaimer. */
  replyText: string;
  /** 0..1 */
  confidence: number;
  /** The rules that fired, in order, so a coordinator can see why (e.g. "nl.accept:ik kom"). */
  reasons: string[];
  /** For bounces: each failed recipient (RFC 3464 per-recipient fields). */
  bounce?: BounceInfo;
  /** For calendar replies (RFC 5546 METHOD:REPLY). */
  calendar?: CalendarReplyInfo;
  /** Substitute named by the sender ("ik kan niet, maar mijn collega Piet komt"). */
  substitute?: { name: string; email?: string } | null;
}

export interface BounceRecipient {
  address: string;
  /** RFC 3464 Action: failed | delayed | delivered | relayed | expanded */
  action: string | null;
  /** RFC 3463 status code, e.g. "5.1.1" */
  status: string | null;
  diagnostic: string | null;
}

export interface BounceInfo {
  recipients: BounceRecipient[];
  /** Message-ID of the mail that bounced, when the report includes it (without <>). */
  originalMessageId: string | null;
  /** true when every recipient failed for good (5.x.x or action=failed). */
  permanent: boolean;
}

export interface CalendarReplyInfo {
  uid: string | null;
  partstat: 'ACCEPTED' | 'DECLINED' | 'TENTATIVE' | null;
  attendeeEmail: string | null;
  attendeeName: string | null;
  sequence: number | null;
}

/** A mail address with its display name as the header gave it. */
export interface MailAddress {
  address: string;
  name: string | null;
}

/** Why a message is automatic (RFC 3834 and the de-facto headers), and whether it came from a list. */
export interface AutomaticInfo {
  /** An auto-reply (out of office, autoresponder): never answered, not an RSVP. */
  autoReply: boolean;
  /** Sent to a mailing list (List-Id, List-Unsubscribe, Precedence: list/bulk): never answered. */
  list: boolean;
  /** From a no-reply style address (noreply@, mailer-daemon@, postmaster@): never answered. */
  noReply: boolean;
  /** Which headers or phrases decided it, e.g. "header:auto-submitted=auto-replied". */
  reasons: string[];
}

/**
 * One inbound message taken apart: headers the service needs, the sender's own text, and what
 * kind of mail it is by its form (automatic, bounce, calendar reply). Produced by readMessage()
 * in anatomy.ts; the intent rules work on it.
 */
export interface MessageAnatomy {
  /** Message-ID without <>, null when the header is missing. */
  messageId: string | null;
  from: MailAddress | null;
  replyTo: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  subject: string;
  date: Date | null;
  /** Without <>. */
  inReplyTo: string | null;
  references: string[];
  /** The whole body as plain text (HTML converted), quotes included. */
  bodyText: string;
  /** The sender's own new text: quoted mail, signature, disclaimer and device footers removed. */
  replyText: string;
  /** The signature block that was cut off (names are read from it), null when none was found. */
  signature: string | null;
  automatic: AutomaticInfo;
  bounce: BounceInfo | null;
  calendar: CalendarReplyInfo | null;
  /** Forwarded message inside (the sender forwarded the invitation). */
  forwarded: boolean;
  /** Problems met while reading (unknown charset, broken MIME); the message is still usable. */
  problems: string[];
}
