/**
 * `npm run demo`: the seed's consultation end to end on the embedded defaults. The event and ten
 * invitees are imported, invited (the invitations land in data/outbox), a realistic mix of
 * replies is dropped into the Maildir (accepts in Dutch and English, a decline, a maybe, a
 * calendar reply, a forwarded invitation, a question, an out-of-office and a bounce), one poll
 * processes them, and the resulting list is printed. "Now" is 22 October 2018, a week after the
 * invitation went out, unless RSVP_NOW says otherwise. A second run starts the event afresh.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../log.js';
import { createApp } from '../app.js';
import { applyMigrations } from '../db/schema-engine.js';
import { parseDatabaseUrl } from '../db/url.js';
import { parseEventFile } from '../core/event-file.js';
import { parseInviteeCsv } from '../core/invitee-csv.js';
import { importEvent, importInvitees, listInvitees } from '../events/events.js';
import { runInvite } from '../../jobs/invite.js';
import { runPoll } from '../../jobs/poll.js';
import { formatTable } from './table.js';

const SLUG = 'consultatie-2018';
const DEMO_NOW = '2018-10-22T10:00:00+02:00';

export async function runDemo(options: { verbose: boolean; print: (line: string) => void }): Promise<void> {
  const { print } = options;
  const config = loadConfig({ env: { ...process.env, RSVP_NOW: process.env.RSVP_NOW ?? DEMO_NOW } });
  const logger = createLogger({ level: options.verbose ? 'debug' : 'warn' });
  await applyMigrations(parseDatabaseUrl(config.database.url));
  const app = await createApp(config, logger);
  const root = await findDemoFolder();
  try {
    const { prisma } = app.db;
    const started = Date.now();
    print(`inbox-rsvp demo: "now" is ${config.now().toISOString()}; database ${config.database.url}`);

    // A fresh start: the event, its list and what the previous run suppressed go.
    const csvBytes = await readFile(join(root, 'invitees.csv'));
    const invitees = parseInviteeCsv(csvBytes);
    if (!invitees.ok) throw new Error(`demo/invitees.csv: ${invitees.problems[0]?.message}`);
    await prisma.event.deleteMany({ where: { slug: SLUG } });
    await prisma.suppression.deleteMany({ where: { email: { in: invitees.value.map((i) => i.email) } } });

    const eventFile = parseEventFile(await readFile(join(root, `${SLUG}.yaml`), 'utf8'));
    if (!eventFile.ok) throw new Error(`demo/${SLUG}.yaml: ${eventFile.problems[0]?.message}`);
    await importEvent(prisma, eventFile.value, app.organiser.address, app.now());
    const imported = await importInvitees(prisma, SLUG, invitees.value, app.now());
    print(`1. event ${SLUG} imported with ${imported.added} invitees`);

    const invited = await runInvite(app, SLUG);
    print(`2. ${invited.invitations} invitations sent to ${relative(process.cwd(), config.paths.outbox) || '.'}/ (with an .ics, METHOD:REQUEST)`);

    const event = await prisma.event.findUniqueOrThrow({ where: { slug: SLUG } });
    const sent = await prisma.outboundMail.findMany({ where: { eventId: event.id, kind: 'invitation' }, include: { invitee: true } });
    const invitationTo = (email: string) => {
      const mail = sent.find((m) => m.toAddress === email);
      if (!mail) throw new Error(`demo: no invitation to ${email}`);
      return mail;
    };
    const replies = demoReplies({
      organiser: config.mailFrom,
      organiserAddress: app.organiser.address,
      invitationTo,
      icalUid: event.icalUid,
      title: event.title,
      now: app.now(),
    });
    await dropIntoMaildir(config.paths.maildir, replies);
    print(`3. ${replies.length} replies dropped into ${relative(process.cwd(), join(config.paths.maildir, 'new'))}/: ${replies.map((r) => r.label).join(', ')}`);

    const polled = await runPoll(app);
    print(
      `4. poll: ${polled.stored} stored, ${polled.rsvps} RSVPs recorded, ${polled.bounces} bounce(s), ${polled.ignored} ignored (automatic or no change), ${polled.review} for review; ${polled.sent} mails sent`,
    );
    const confirmations = await prisma.outboundMail.count({ where: { eventId: event.id, kind: 'confirmation' } });
    print(`5. ${confirmations} confirmations threaded on their replies, in ${relative(process.cwd(), config.paths.outbox) || '.'}/; nothing was sent to the out-of-office or the bounce`);
    const reviews = await prisma.reviewItem.findMany({ where: { eventId: event.id, state: 'open' }, include: { message: true } });
    for (const r of reviews) print(`   review: ${r.message?.fromAddress ?? ''} ${r.detail ?? r.reason}`);
    print('');
    print(formatTable(await listInvitees(prisma, SLUG)));
    print('');
    print(`done in ${((Date.now() - started) / 1000).toFixed(1)} s. Try: npx rsvp list --event ${SLUG} --json`);
  } finally {
    await app.close();
  }
}

async function findDemoFolder(): Promise<string> {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'demo', `${SLUG}.yaml`);
    try {
      await readFile(candidate);
      return join(dir, 'demo');
    } catch {
      const up = dirname(dir);
      if (up === dir) throw new Error('cannot find the demo folder with the seed event');
      dir = up;
    }
  }
}

interface DemoReply {
  label: string;
  raw: string;
}

interface ReplyContext {
  organiser: string;
  organiserAddress: string;
  invitationTo: (email: string) => { messageId: string; subject: string; toName: string | null };
  icalUid: string;
  title: string;
  now: Date;
}

/** RFC 5322 date in a Dutch offset, minutes after "now" minus a few days (replies came in over the week). */
function dateHeader(now: Date, hoursAgo: number): string {
  const d = new Date(now.getTime() - hoursAgo * 3600_000);
  return d.toUTCString().replace('GMT', '+0000');
}

function mid(domain: string): string {
  return `${randomBytes(8).toString('hex')}@${domain}`;
}

/** The replies of the demo, written as the mail clients named in each would write them. */
export function demoReplies(ctx: ReplyContext): DemoReply[] {
  const replyHeaders = (from: string, fromDomain: string, email: string, hoursAgo: number, extra = '') => {
    const inv = ctx.invitationTo(email);
    return [
      `From: ${from}`,
      `To: ${ctx.organiser}`,
      `Subject: RE: ${inv.subject}`,
      `Date: ${dateHeader(ctx.now, hoursAgo)}`,
      `Message-ID: <${mid(fromDomain)}>`,
      `In-Reply-To: <${inv.messageId}>`,
      `References: <${inv.messageId}>`,
      'MIME-Version: 1.0',
      extra,
    ].filter(Boolean).join('\r\n');
  };
  const quoted = (email: string) => {
    const inv = ctx.invitationTo(email);
    return `Van: Inkooporganisatie Jeugdhulp <${ctx.organiserAddress}>\r\nVerzonden: maandag 15 oktober 2018 09:00\r\nAan: ${inv.toName ?? email}\r\nOnderwerp: ${inv.subject}\r\n\r\nGeachte heer, mevrouw,\r\n\r\nWij verzoeken u uiterlijk 16 november aan te geven of u aanwezig kunt zijn.\r\n`;
  };
  const replies: DemoReply[] = [];

  replies.push({
    label: 'accept for two (Outlook)',
    raw: `${replyHeaders('"Sinke, Roel" <r.sinke@zorgpunt-zeeland.example>', 'zorgpunt-zeeland.example', 'r.sinke@zorgpunt-zeeland.example', 120, 'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 8bit\r\nX-Mailer: Microsoft Outlook 16.0')}\r\n\r\nGoedemiddag,\r\n\r\nWij komen met twee personen: ikzelf en mijn collega Petra de Boer.\r\n\r\nMet vriendelijke groet,\r\n\r\nRoel Sinke\r\nZorgpunt Zeeland\r\n\r\n${quoted('r.sinke@zorgpunt-zeeland.example')}`,
  });
  replies.push({
    label: 'decline (Gmail)',
    raw: `${replyHeaders('Jan Jansen <j.jansen@jeugdzorg-walcheren.example>', 'jeugdzorg-walcheren.example', 'j.jansen@jeugdzorg-walcheren.example', 96, 'Content-Type: text/plain; charset="UTF-8"')}\r\n\r\nBeste organisatie,\r\n\r\nHelaas kan ik niet aanwezig zijn op 26 november vanwege een andere afspraak.\r\n\r\nGroet,\r\nJan Jansen\r\n\r\nOp ma 15 okt. 2018 om 09:00 schreef Inkooporganisatie Jeugdhulp <${ctx.organiserAddress}>:\r\n\r\n> Wij verzoeken u uiterlijk 16 november aan te geven of u aanwezig kunt zijn.\r\n`,
  });
  replies.push({
    label: 'maybe (iPhone)',
    raw: `${replyHeaders('Marieke de Vries <m.de.vries@kindkracht.example>', 'kindkracht.example', 'm.de.vries@kindkracht.example', 72, 'Content-Type: text/plain; charset=us-ascii')}\r\n\r\nIk kom misschien, dat weet ik pas volgende week zeker.\r\n\r\nVerzonden vanaf mijn iPhone\r\n\r\n> Op 15 okt. 2018 om 09:00 heeft Inkooporganisatie Jeugdhulp <${ctx.organiserAddress}> het volgende geschreven:\r\n>\r\n> Wij verzoeken u uiterlijk 16 november aan te geven of u aanwezig kunt zijn.\r\n`,
  });
  replies.push({
    label: 'accept (English)',
    raw: `${replyHeaders('Sarah Maas <s.maas@youthcare-delta.example>', 'youthcare-delta.example', 's.maas@youthcare-delta.example', 60, 'Content-Type: text/plain; charset=utf-8')}\r\n\r\nThank you for the invitation. I will attend.\r\n\r\nKind regards,\r\nSarah Maas\r\nYouthcare Delta\r\n`,
  });
  replies.push({
    label: 'out-of-office',
    raw: [
      'From: Henk Bakker <h.bakker@gezinshuis-de-linde.example>',
      `To: ${ctx.organiser}`,
      `Subject: Automatisch antwoord: ${ctx.invitationTo('h.bakker@gezinshuis-de-linde.example').subject}`,
      `Date: ${dateHeader(ctx.now, 160)}`,
      `Message-ID: <${mid('gezinshuis-de-linde.example')}>`,
      'Auto-Submitted: auto-replied',
      'X-Auto-Response-Suppress: All',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Ik ben afwezig tot en met 29 oktober. Voor dringende zaken kunt u contact opnemen met het secretariaat.',
      '',
    ].join('\r\n'),
  });
  const bounced = ctx.invitationTo('l.verhoeven@zeeuwse-gronden.example');
  replies.push({
    label: 'bounce',
    raw: [
      'From: Mail Delivery System <MAILER-DAEMON@mx.inkooporganisatie.example>',
      `To: ${ctx.organiser}`,
      'Subject: Undelivered Mail Returned to Sender',
      `Date: ${dateHeader(ctx.now, 165)}`,
      `Message-ID: <${mid('mx.inkooporganisatie.example')}>`,
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-boundary"',
      '',
      '--dsn-boundary',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'This is the mail system at host mx.inkooporganisatie.example.',
      '',
      "I'm sorry to have to inform you that your message could not be delivered to one or more recipients.",
      '',
      '<l.verhoeven@zeeuwse-gronden.example>: host mx.zeeuwse-gronden.example said: 550 5.1.1 User unknown',
      '',
      '--dsn-boundary',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.inkooporganisatie.example',
      '',
      'Final-Recipient: rfc822; l.verhoeven@zeeuwse-gronden.example',
      'Original-Recipient: rfc822;l.verhoeven@zeeuwse-gronden.example',
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
      '',
      '--dsn-boundary',
      'Content-Type: text/rfc822-headers',
      '',
      `From: ${ctx.organiser}`,
      'To: Lisa Verhoeven <l.verhoeven@zeeuwse-gronden.example>',
      `Subject: ${bounced.subject}`,
      `Message-ID: <${bounced.messageId}>`,
      '',
      '--dsn-boundary--',
      '',
    ].join('\r\n'),
  });
  replies.push({
    label: 'calendar accept',
    raw: [
      'From: Peter van Dam <p.van.dam@jeugdbescherming-zw.example>',
      `To: ${ctx.organiser}`,
      `Subject: Geaccepteerd: ${ctx.title}`,
      `Date: ${dateHeader(ctx.now, 48)}`,
      `Message-ID: <${mid('jeugdbescherming-zw.example')}>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="cal-boundary"',
      '',
      '--cal-boundary',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Peter van Dam heeft deze uitnodiging geaccepteerd.',
      '',
      '--cal-boundary',
      'Content-Type: text/calendar; method=REPLY; charset=utf-8',
      '',
      'BEGIN:VCALENDAR',
      'PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN',
      'VERSION:2.0',
      'METHOD:REPLY',
      'BEGIN:VEVENT',
      `UID:${ctx.icalUid}`,
      'DTSTAMP:20181020T101500Z',
      'SEQUENCE:0',
      `ATTENDEE;PARTSTAT=ACCEPTED;CN="Peter van Dam":mailto:p.van.dam@jeugdbescherming-zw.example`,
      `ORGANIZER:mailto:${ctx.organiserAddress}`,
      'END:VEVENT',
      'END:VCALENDAR',
      '',
      '--cal-boundary--',
      '',
    ].join('\r\n'),
  });
  replies.push({
    label: 'a colleague of an invitee who got it forwarded',
    raw: [
      'From: Kees de Wit <k.de.wit@kindkracht.example>',
      `To: ${ctx.organiser}`,
      `Subject: FW: ${ctx.invitationTo('m.de.vries@kindkracht.example').subject}`,
      `Date: ${dateHeader(ctx.now, 30)}`,
      `Message-ID: <${mid('kindkracht.example')}>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Goedemorgen,',
      '',
      'Mijn collega stuurde mij deze uitnodiging door. Ik meld mij graag aan voor de bijeenkomst.',
      '',
      'Met vriendelijke groet,',
      'Kees de Wit',
      'KindKracht BV',
      '',
    ].join('\r\n'),
  });
  replies.push({
    label: 'a question',
    raw: `${replyHeaders('Tom Kok <t.kok@ambulant-plus.example>', 'ambulant-plus.example', 't.kok@ambulant-plus.example', 24, 'Content-Type: text/plain; charset=utf-8')}\r\n\r\nGoedendag,\r\n\r\nIs er parkeergelegenheid bij De Stenge?\r\n\r\nMet vriendelijke groet,\r\nTom Kok\r\n`,
  });
  return replies;
}

/** Maildir delivery: write in tmp/, then rename into new/ (the Maildir specification's order). */
async function dropIntoMaildir(maildir: string, replies: DemoReply[]): Promise<void> {
  await mkdir(join(maildir, 'tmp'), { recursive: true });
  await mkdir(join(maildir, 'new'), { recursive: true });
  let i = 0;
  for (const reply of replies) {
    const name = `${Date.now()}.demo${process.pid}_${i++}.localhost`;
    await writeFile(join(maildir, 'tmp', name), reply.raw);
    await rename(join(maildir, 'tmp', name), join(maildir, 'new', name));
  }
}
