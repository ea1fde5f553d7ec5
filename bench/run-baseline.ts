/**
 * Runs the baseline once on private servers: a Dovecot mailbox filled with `count` short
 * replies (default 2,000; first argument) and an in-memory SMTP receiver. Prints JSON.
 *   npx tsx bench/run-baseline.ts [count]
 */
import { startDovecot } from '../test/support/dovecot.js';
import { startSmtpReceiver } from '../test/support/smtp-receiver.js';
import { baselineThroughput } from './baseline.js';
import { fillMailbox, shortReply } from './fill-mailbox.js';

async function main() {
  const count = Number(process.argv[2] ?? 2000);
  const dovecot = await startDovecot();
  const receiver = await startSmtpReceiver();
  try {
    const imapUrl = dovecot.imapUrl('bench@example.test', `bench-${Date.now()}`);
    const fill = await fillMailbox(imapUrl, count, shortReply);
    const result = await baselineThroughput({ imapUrl, smtpUrl: receiver.url(), count });
    const oneAtATime = await baselineThroughput({ imapUrl, smtpUrl: receiver.url(), count, oneAtATime: true });
    const received = receiver.messages.length;
    console.log(JSON.stringify({ fill, baseline: result, baselineOneAtATime: oneAtATime, received }));
  } finally {
    await receiver.stop();
    await dovecot.stop();
  }
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});
