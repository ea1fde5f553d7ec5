/**
 * Puts `count` messages into the URL's mailbox with IMAP APPEND, for benchmarks. APPENDs are
 * issued a batch at a time (imapflow queues them on the one connection), which is what a
 * delivery agent's steady stream looks like to the reader.
 */
import { ImapFlow } from 'imapflow';
import { imapOptionsOf } from '../test/support/dovecot.js';

export interface FillOptions {
  /** APPENDs in flight at once. */
  batchSize?: number;
}

export async function fillMailbox(
  imapUrl: string,
  count: number,
  makeMessage: (index: number) => string | Buffer,
  options: FillOptions = {},
): Promise<{ appended: number; seconds: number }> {
  const { mailbox, ...connection } = imapOptionsOf(imapUrl);
  const client = new ImapFlow({ ...connection, logger: false });
  await client.connect();
  const started = process.hrtime.bigint();
  let appended = 0;
  try {
    if (mailbox.toUpperCase() !== 'INBOX') await client.mailboxCreate(mailbox).catch(() => {});
    const batchSize = options.batchSize ?? 100;
    for (let start = 0; start < count; start += batchSize) {
      const batch: Promise<unknown>[] = [];
      for (let i = start; i < Math.min(count, start + batchSize); i++) batch.push(client.append(mailbox, makeMessage(i)));
      await Promise.all(batch);
      appended += batch.length;
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return { appended, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** A short RSVP reply such as the poll job sees most: a few lines of plain text. */
export function shortReply(index: number): string {
  return [
    `From: Invitee ${index} <invitee${index}@zorg.example>`,
    'To: Inkooporganisatie <info@inkoop.example>',
    'Subject: RE: Uitnodiging Dialoogsessie',
    'Date: Mon, 23 Nov 2026 10:00:00 +0100',
    `Message-ID: <bench-${index}@zorg.example>`,
    'In-Reply-To: <invite@inkoop.example>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    index % 3 === 0 ? 'Helaas kan ik niet komen.' : 'Ik kom graag, met een collega.',
    '',
    `Invitee ${index}`,
    '',
  ].join('\r\n');
}
