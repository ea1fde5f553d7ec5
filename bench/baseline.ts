/**
 * The floor for the poll job's throughput: the least work it could do with its own libraries.
 * Every message is fetched with imapflow, parsed with mailparser's simpleParser, and answered
 * with one nodemailer mail over a pooled SMTP transport. No database, no classification: what
 * the real job adds on top of this is its own cost.
 */
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';

export interface BaselineOptions {
  imapUrl: string;
  smtpUrl: string;
  /** Messages to process: the first `count` in the mailbox. */
  count: number;
  maxConnections?: number;
}

export interface BaselineResult {
  messages: number;
  seconds: number;
  perSecond: number;
}

export async function baselineThroughput({ imapUrl, smtpUrl, count, maxConnections = 5 }: BaselineOptions): Promise<BaselineResult> {
  const url = new URL(imapUrl);
  const secure = url.protocol === 'imaps:';
  const mailbox = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'INBOX';
  const client = new ImapFlow({
    host: url.hostname,
    port: Number(url.port) || (secure ? 993 : 143),
    secure,
    auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
    logger: false,
  });
  const transport = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections, logger: false });
  await client.connect();
  const started = process.hrtime.bigint();
  const sends: Promise<unknown>[] = [];
  let messages = 0;
  try {
    const lock = await client.getMailboxLock(mailbox, { readOnly: true });
    try {
      for await (const message of client.fetch(`1:${count}`, { uid: true, source: true })) {
        if (!message.source) continue;
        const parsed = await simpleParser(message.source);
        messages++;
        const sender = parsed.from?.value[0]?.address;
        if (!sender) continue;
        sends.push(
          transport.sendMail({
            from: 'Inkooporganisatie <info@inkoop.example>',
            to: sender,
            subject: `Re: ${parsed.subject ?? ''}`,
            ...(parsed.messageId ? { inReplyTo: parsed.messageId, references: [parsed.messageId] } : {}),
            headers: { 'Auto-Submitted': 'auto-replied' },
            text: 'Dank u voor uw antwoord.',
            html: '<p>Dank u voor uw antwoord.</p>',
          }),
        );
      }
    } finally {
      lock.release();
    }
    await Promise.all(sends);
  } finally {
    transport.close();
    await client.logout().catch(() => client.close());
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { messages, seconds, perSecond: messages / seconds };
}
