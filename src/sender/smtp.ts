/**
 * Sending over SMTP with a pooled nodemailer transport (SMTP_URL, as nodemailer reads it).
 *
 * Error policy (RFC 5321 section 4.2.1): a 5yz reply is a permanent refusal of this message or
 * recipient, so it is EPERMANENT and the outbox gives up on it; 4yz replies and everything that
 * breaks the connection (ECONNECTION, ETIMEDOUT, ESOCKET, EDNS, ETLS) are ETRANSIENT and retried.
 * Two exceptions: 503 ("bad sequence of commands") is a session state problem that a new
 * connection fixes; and a refused login (EAUTH, 535) is a configuration error, not a property
 * of the recipient, so it is retried rather than marking every address undeliverable.
 */
import nodemailer from 'nodemailer';
import type { Logger } from '../log.js';
import { toNodemailerMessage } from './message.js';
import { type MailSender, type OutgoingMail, type SendResult, SendError } from './types.js';

export interface SmtpSenderOptions {
  /** smtp://USER:PASS@HOST:PORT (smtps:// for TLS). */
  url: string;
  logger: Logger;
  maxConnections?: number;
  /** Milliseconds; applies to connecting, greeting and each socket read. */
  timeout?: number;
}

type NodemailerError = Error & { code?: string; responseCode?: number; response?: string; command?: string };

/** smtp://host:port, without the credentials, for messages and logs. */
export function smtpServerOf(url: string): string {
  try {
    const u = new URL(url);
    const secure = u.protocol === 'smtps:';
    return `${u.protocol}//${u.hostname}:${u.port || (secure ? 465 : 587)}`;
  } catch {
    return 'smtp://(invalid URL)';
  }
}

export function toSendError(e: unknown, server: string, secrets: string[] = []): SendError {
  const err = (e instanceof Error ? e : new Error(String(e))) as NodemailerError;
  const scrub = (text: string) => secrets.filter(Boolean).reduce((t, s) => t.split(s).join('***'), text);
  const code = err.responseCode;
  const detail = scrub(err.response ?? err.message).replace(/\s+/g, ' ').trim();
  if (code !== undefined && code >= 500 && code < 600 && code !== 503 && err.code !== 'EAUTH') {
    return new SendError(`SMTP server ${server} refused the message: ${detail}`, 'EPERMANENT', code);
  }
  const what = code !== undefined ? `answered ${code}` : `failed (${err.code ?? 'error'})`;
  return new SendError(`SMTP server ${server} ${what}: ${detail}`, 'ETRANSIENT', code);
}

export function createSmtpSender(options: SmtpSenderOptions): MailSender {
  const server = smtpServerOf(options.url);
  const logger = options.logger.child({ component: 'smtp', server });
  let secrets: string[] = [];
  try {
    const u = new URL(options.url);
    secrets = [u.password, decodeURIComponent(u.password)];
  } catch {
    throw new SendError('SMTP_URL is not a valid URL (expected smtp://USER:PASS@HOST:PORT)', 'EPERMANENT');
  }
  const timeout = options.timeout ?? 30_000;
  const transport = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: options.maxConnections ?? 5,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 2,
    // nodemailer's own logger would print the SMTP dialogue; our logs say what matters.
    logger: false,
  });
  transport.on('error', (e: Error) => logger.warn({ error: toSendError(e, server, secrets).message }, 'SMTP pool error'));

  return {
    kind: 'smtp',
    async send(mail: OutgoingMail): Promise<SendResult> {
      try {
        const info = await transport.sendMail(toNodemailerMessage(mail));
        // A server may accept some recipients and refuse others; with one recipient per mail,
        // a refusal here means the one recipient was refused.
        const rejected = (info.rejected ?? []) as unknown[];
        if (rejected.length > 0 && (info.accepted ?? []).length === 0) {
          const first = (info as { rejectedErrors?: NodemailerError[] }).rejectedErrors?.[0];
          throw first ?? new Error(`recipient refused: ${info.response ?? ''}`);
        }
        logger.debug({ messageId: mail.messageId, response: info.response }, 'mail sent');
        return { messageId: mail.messageId, response: info.response ?? '' };
      } catch (e) {
        if (e instanceof SendError) throw e;
        const error = toSendError(e, server, secrets);
        logger.warn({ messageId: mail.messageId, code: error.code, responseCode: error.responseCode, error: error.message }, 'mail not sent');
        throw error;
      }
    },
    async close() {
      transport.close();
    },
  };
}
