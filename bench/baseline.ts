/**
 * The floor for the poll job's throughput: the least work it could do with its own libraries.
 * Every message is fetched with imapflow, parsed with mailparser's simpleParser, and answered
 * with one nodemailer mail over a pooled SMTP transport. No database, no classification: what
 * the real job adds on top of this is its own cost.
 */
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { imapOptionsOf } from '../test/support/dovecot.js';

export interface BaselineOptions {
  imapUrl: string;
  smtpUrl: string;
  /** Messages to process: the first `count` in the mailbox. */
  count: number;
  maxConnections?: number;
  /**
   * Wait for each reply before reading the next message (one mail in flight), rather than
   * handing every reply to the pool as the messages stream in.
   */
  oneAtATime?: boolean;
}

export interface BaselineResult {
  messages: number;
  seconds: number;
  perSecond: number;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function toAsync<T>(items: AsyncIterable<T> | Iterator<T>): AsyncIterator<T> {
  if (Symbol.asyncIterator in items) return (items as AsyncIterable<T>)[Symbol.asyncIterator]();
  const it = items as Iterator<T>;
  return { next: async () => it.next() };
}

export async function baselineThroughput({ imapUrl, smtpUrl, count, maxConnections = 5, oneAtATime = false }: BaselineOptions): Promise<BaselineResult> {
  const { mailbox, ...connection } = imapOptionsOf(imapUrl);
  const client = new ImapFlow({ ...connection, logger: false });
  const transport = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections, logger: false });
  await client.connect();
  const started = process.hrtime.bigint();
  const sends: Promise<unknown>[] = [];
  let messages = 0;
  try {
    const lock = await client.getMailboxLock(mailbox, { readOnly: true });
    try {
      // With oneAtATime the sources are collected first: no command may wait inside a FETCH.
      const fetched = client.fetch(`1:${count}`, { uid: true, source: true });
      const sourceOf = oneAtATime ? (await collect(fetched))[Symbol.iterator]() : fetched;
      for await (const message of { [Symbol.asyncIterator]: () => toAsync(sourceOf) }) {
        if (!message.source) continue;
        const parsed = await simpleParser(message.source);
        messages++;
        const sender = parsed.from?.value[0]?.address;
        if (!sender) continue;
        const sending = transport.sendMail({
            from: 'Inkooporganisatie <info@inkoop.example>',
            to: sender,
            subject: `Re: ${parsed.subject ?? ''}`,
            ...(parsed.messageId ? { inReplyTo: parsed.messageId, references: [parsed.messageId] } : {}),
            headers: { 'Auto-Submitted': 'auto-replied' },
            text: 'Dank u voor uw antwoord.',
            html: '<p>Dank u voor uw antwoord.</p>',
          });
        if (oneAtATime) await sending;
        else sends.push(sending);
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
