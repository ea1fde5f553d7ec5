/**
 * The one place an OutgoingMail becomes a MIME message, shared by the SMTP sender and the outbox
 * folder so both produce the same bytes (nodemailer's MailComposer builds it in either case).
 */
import type { SendMailOptions } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Address, OutgoingMail } from './types.js';

/**
 * A header value from people's input (names from the CSV or a From header, event titles,
 * subjects): one line, no control characters, and short enough that no header line can pass
 * RFC 5322 2.1.1's 998 characters (nodemailer folds at spaces and encodes non-ASCII text, but
 * cannot fold one long ASCII word). nodemailer already encodes CR LF inside a display name;
 * this makes the value sensible as well as safe.
 */
export function headerText(value: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const line = value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

const MAX_NAME = 200;
const MAX_SUBJECT = 500;

function address(a: Address): { name: string; address: string } | string {
  const name = a.name ? headerText(a.name, MAX_NAME) : '';
  return name ? { name, address: a.address } : a.address;
}

const bracket = (id: string) => `<${id.replace(/^<|>$/g, '')}>`;
/** A Message-ID (RFC 5322 3.6.4) as it may appear in In-Reply-To and References; anything else is dropped. */
const isMessageId = (id: string) => /^<?[^\s<>"]+@[^\s<>"]+>?$/.test(id);

/**
 * RFC 5322 section 2.3: lines end in CRLF. nodemailer's SMTP connection converts bare LF on the
 * wire, MailComposer alone does not; normalising here gives the outbox file the same bytes.
 */
const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');

export function toNodemailerMessage(mail: OutgoingMail): SendMailOptions {
  const references = (mail.references ?? []).filter((id) => id && isMessageId(id)).map(bracket);
  return {
    // Fixed when the mail entered the outbox, so a retry after a crash carries the same ID.
    messageId: bracket(mail.messageId),
    date: mail.date,
    from: address(mail.from),
    to: address(mail.to),
    ...(mail.replyTo ? { replyTo: address(mail.replyTo) } : {}),
    subject: headerText(mail.subject, MAX_SUBJECT),
    // RFC 5322 section 3.6.4: In-Reply-To names the parent, References the whole thread.
    ...(mail.inReplyTo && isMessageId(mail.inReplyTo) ? { inReplyTo: bracket(mail.inReplyTo) } : {}),
    ...(references.length ? { references } : {}),
    headers: { ...(mail.headers ?? {}) },
    text: crlf(mail.text),
    html: crlf(mail.html),
    // nodemailer adds the event twice: a text/calendar; method=… alternative beside text and
    // html (what Outlook and Gmail act on) and an application/ics attachment invite.ics
    // (what other clients offer to import).
    ...(mail.ics
      ? { icalEvent: { method: mail.ics.method.toUpperCase(), content: crlf(mail.ics.content), filename: 'invite.ics' } }
      : {}),
  };
}

/** The complete RFC 5322 message, as the SMTP sender would transmit it. */
export async function buildMime(mail: OutgoingMail): Promise<Buffer> {
  const composer = new MailComposer(toNodemailerMessage(mail));
  // keepBcc false, and no envelope: the stored copy is exactly what recipients would get.
  return composer.compile().build();
}
