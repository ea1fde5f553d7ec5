/**
 * The one place an OutgoingMail becomes a MIME message, shared by the SMTP sender and the outbox
 * folder so both produce the same bytes (nodemailer's MailComposer builds it in either case).
 */
import type { SendMailOptions } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Address, OutgoingMail } from './types.js';

function address(a: Address): { name: string; address: string } | string {
  return a.name ? { name: a.name, address: a.address } : a.address;
}

const bracket = (id: string) => `<${id.replace(/^<|>$/g, '')}>`;

/**
 * RFC 5322 section 2.3: lines end in CRLF. nodemailer's SMTP connection converts bare LF on the
 * wire, MailComposer alone does not; normalising here gives the outbox file the same bytes.
 */
const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');

export function toNodemailerMessage(mail: OutgoingMail): SendMailOptions {
  const references = (mail.references ?? []).filter(Boolean).map(bracket);
  return {
    // Fixed when the mail entered the outbox, so a retry after a crash carries the same ID.
    messageId: bracket(mail.messageId),
    date: mail.date,
    from: address(mail.from),
    to: address(mail.to),
    ...(mail.replyTo ? { replyTo: address(mail.replyTo) } : {}),
    subject: mail.subject,
    // RFC 5322 section 3.6.4: In-Reply-To names the parent, References the whole thread.
    ...(mail.inReplyTo ? { inReplyTo: bracket(mail.inReplyTo) } : {}),
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
