/**
 * Where outbound mail goes: SMTP (nodemailer, pooled) or the outbox folder data/outbox, where each
 * mail is written as an .eml file. Both build the same MIME message from the same fields.
 */
export interface Address {
  address: string;
  name?: string | null;
}

export interface OutgoingMail {
  /** Fixed when the mail was put in the outbox, without <>. */
  messageId: string;
  from: Address;
  to: Address;
  replyTo?: Address | null;
  subject: string;
  text: string;
  html: string;
  /** An iCalendar part, sent as text/calendar; method=… and as an .ics attachment. */
  ics?: { content: string; method: string } | null;
  /** Threading (RFC 5322 3.6.4), without <>. */
  inReplyTo?: string | null;
  references?: string[];
  /** Extra headers such as Auto-Submitted (RFC 3834) and X-Auto-Response-Suppress. */
  headers?: Record<string, string>;
  date: Date;
}

export interface SendResult {
  messageId: string;
  /** Server response or file path, for the log. */
  response: string;
}

/** Stable codes, in the manner of nodemailer's own error codes. */
export type SendErrorCode = 'ETRANSIENT' | 'EPERMANENT';

export class SendError extends Error {
  constructor(
    message: string,
    readonly code: SendErrorCode,
    readonly responseCode?: number,
  ) {
    super(message);
    this.name = 'SendError';
  }
}

export interface MailSender {
  readonly kind: 'smtp' | 'folder';
  /** Throws SendError: ETRANSIENT (retry later) or EPERMANENT (give up, mark the address). */
  send(mail: OutgoingMail): Promise<SendResult>;
  close(): Promise<void>;
}
