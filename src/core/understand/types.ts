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
