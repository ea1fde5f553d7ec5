// The least work for "a reply arrives → its answer leaves", as the reference for the worker's
// latency (bench/latency.ts): one IMAP connection in IDLE (imapflow), and on each EXISTS the new
// messages fetched, parsed (mailparser) and answered with one short mail over a pooled SMTP
// transport (nodemailer). No database, no understanding. Prints "ready", runs until SIGTERM.
//   IMAP_URL=imap://… SMTP_URL=smtp://… node bench/idle-reference.mjs
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';

const url = new URL(process.env.IMAP_URL);
const mailbox = decodeURIComponent(url.pathname.replace(/^\/+/, '')) || 'INBOX';
const client = new ImapFlow({
  host: url.hostname,
  port: Number(url.port),
  secure: url.protocol === 'imaps:',
  auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
  logger: false,
  // IDLE at once after each command, as a least-work client would.
  autoIdleDelay: 0,
});
const transport = nodemailer.createTransport({ url: process.env.SMTP_URL, pool: true, maxConnections: 5, logger: false });
await client.connect();
const box = await client.mailboxOpen(mailbox, { readOnly: true });
let lastUid = box.uidNext - 1;
let busy = false;
let again = false;

async function drain() {
  if (busy) {
    again = true;
    return;
  }
  busy = true;
  do {
    again = false;
    const fetched = [];
    for await (const m of client.fetch(`${lastUid + 1}:*`, { uid: true, source: true }, { uid: true })) {
      if (m.uid > lastUid) fetched.push(m);
    }
    for (const m of fetched) {
      lastUid = Math.max(lastUid, m.uid);
      const parsed = await simpleParser(m.source);
      const to = parsed.from?.value[0]?.address;
      if (!to) continue;
      void transport.sendMail({
        from: 'Inkooporganisatie <info@inkoop.example>',
        to,
        subject: `Re: ${parsed.subject ?? ''}`,
        ...(parsed.messageId ? { inReplyTo: parsed.messageId, references: [parsed.messageId] } : {}),
        headers: { 'Auto-Submitted': 'auto-replied' },
        text: 'Dank u voor uw antwoord.',
        html: '<p>Dank u voor uw antwoord.</p>',
      });
    }
  } while (again);
  busy = false;
}

client.on('exists', () => void drain().catch((e) => console.error(e.message)));
console.log('ready');
await new Promise((resolve) => process.once('SIGTERM', resolve));
transport.close();
await client.logout().catch(() => client.close());
