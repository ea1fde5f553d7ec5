/**
 * The project's own adapters on the same load as the baseline (bench/run-baseline.ts): the IMAP
 * source reading `count` messages in batches the way the poll job does (cursor after each batch),
 * and the SMTP sender sending `count` mails one after another, as the outbox job does, and with
 * several in flight. Prints JSON.
 *   npx tsx bench/run-adapters.ts [count] [batchSize]
 */
import { randomBytes } from 'node:crypto';
import { createImapSource } from '../src/mailbox/imap.js';
import type { MailboxCursor } from '../src/mailbox/types.js';
import { createSmtpSender } from '../src/sender/smtp.js';
import type { OutgoingMail } from '../src/sender/types.js';
import { silentLogger } from '../src/log.js';
import { startDovecot } from '../test/support/dovecot.js';
import { startSmtpReceiver } from '../test/support/smtp-receiver.js';
import { fillMailbox, shortReply } from './fill-mailbox.js';

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

function mail(i: number): OutgoingMail {
  return {
    messageId: `${i}.${randomBytes(6).toString('hex')}@inkoop.example`,
    from: { address: 'info@inkoop.example', name: 'Inkooporganisatie' },
    to: { address: `invitee${i}@zorg.example` },
    subject: 'Bevestiging',
    text: 'Dank u voor uw antwoord.',
    html: '<p>Dank u voor uw antwoord.</p>',
    inReplyTo: `bench-${i}@zorg.example`,
    references: [`bench-${i}@zorg.example`],
    headers: { 'Auto-Submitted': 'auto-replied' },
    date: new Date(),
  };
}

async function main() {
  const count = Number(process.argv[2] ?? 2000);
  const batchSize = Number(process.argv[3] ?? 100);
  const logger = silentLogger();
  const dovecot = await startDovecot();
  const receiver = await startSmtpReceiver();
  try {
    const imapUrl = dovecot.imapUrl('bench@example.test', `adapters-${Date.now()}`);
    await fillMailbox(imapUrl, count, shortReply);

    const source = createImapSource({ url: imapUrl, logger });
    let cursor: MailboxCursor = { uidValidity: null, lastUid: 0n };
    let read = 0;
    const fetchStart = process.hrtime.bigint();
    for (;;) {
      let n = 0;
      for await (const m of source.fetchNew(cursor, { limit: batchSize, maxBytes: 25 * 1024 * 1024 })) {
        cursor = { uidValidity: m.uidValidity!, lastUid: m.uid! };
        n++;
      }
      read += n;
      if (n < batchSize) break;
    }
    const fetchSeconds = seconds(fetchStart);
    await source.close();

    const sender = createSmtpSender({ url: receiver.url(), logger, maxConnections: 5 });
    const sequentialStart = process.hrtime.bigint();
    for (let i = 0; i < count; i++) await sender.send(mail(i));
    const sequentialSeconds = seconds(sequentialStart);
    const parallelStart = process.hrtime.bigint();
    await Promise.all(Array.from({ length: count }, (_, i) => sender.send(mail(i))));
    const parallelSeconds = seconds(parallelStart);
    await sender.close();

    console.log(
      JSON.stringify({
        imapSource: { messages: read, batchSize, seconds: fetchSeconds, perSecond: read / fetchSeconds },
        smtpSequential: { mails: count, seconds: sequentialSeconds, perSecond: count / sequentialSeconds },
        smtpConcurrent: { mails: count, seconds: parallelSeconds, perSecond: count / parallelSeconds },
        received: receiver.messages.length,
      }),
    );
  } finally {
    await receiver.stop();
    await dovecot.stop();
  }
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});
