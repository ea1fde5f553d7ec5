/**
 * Reliability and security through the real paths: sender authentication (a spoofed From lands
 * in review, a signed reply is acted on), the per-sender limit on automatic answers, header
 * injection into outbound mail (CSV, event file, inbound From and Subject → the MIME that goes
 * out, parsed back), HTML escaping of everything a sender wrote, and what a poll logs at info.
 * On SQLite (the paths are the same on PostgreSQL; test/privacy.test.ts covers both).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { dkimSign } from 'mailauth';
import { runInvite } from '../jobs/invite.js';
import { runPoll } from '../jobs/poll.js';
import { runDigest } from '../jobs/digest.js';
import { type App, type AppOverrides, createApp } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';
import { type Logger, createLogger, silentLogger } from '../src/log.js';
import { listInvitees } from '../src/events/events.js';
import type { DnsResolver } from '../src/inbound/authenticate.js';
import { buildMime, toNodemailerMessage } from '../src/sender/message.js';
import type { OutgoingMail } from '../src/sender/types.js';
import { createMailRenderer } from '../src/mail/templates.js';
import { composeDigest, composeRsvpMail, type EventFields } from '../src/mail/compose.js';
import { appendMessage, freePort, imapUrlOf } from './support/dovecot.js';
import { EVENT_YAML, type Harness, ORGANISER, createHarness, reply, seedEvent } from './support/harness.js';

const NOW = '2026-11-23T09:00:00Z';
const SLUG = 'dialoog-2026';

/** Replaces the harness's App by one with this config file, overrides and logger (same folder and database). */
async function rebuild(h: Harness, env: Record<string, string>, overrides: AppOverrides = {}, logger: Logger = silentLogger()): Promise<App> {
  await h.app.close();
  const config = loadConfig({ env: { DATABASE_URL: h.db.url, MAIL_FROM: `Inkooporganisatie <${ORGANISER}>`, RSVP_NOW: NOW, ...env }, cwd: h.dir });
  h.app = await createApp(config, logger, overrides);
  return h.app;
}

async function configFile(yaml: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'rsvp-sec-')), 'rsvp.yaml');
  await writeFile(file, yaml);
  return file;
}

async function invitations(app: App): Promise<Map<string, string>> {
  const rows = await app.db.prisma.outboundMail.findMany({ where: { kind: 'invitation' } });
  return new Map(rows.map((m) => [m.toAddress, m.messageId]));
}

const status = async (app: App, email: string) => (await listInvitees(app.db.prisma, SLUG)).find((i) => i.email === email);
const addressesOf = (field: unknown): string[] => ((field as { value?: { address?: string }[] } | undefined)?.value ?? []).map((v) => v.address ?? '');

/** The header block of a raw message, one entry per (unfolded) header line. */
function headerLines(raw: string): string[] {
  const block = raw.slice(0, raw.search(/\r?\n\r?\n/));
  return block.split(/\r?\n(?![ \t])/);
}

describe('sender authentication (mailauth, recorded DNS)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const dkimRecord = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
  const records: Record<string, string> = {
    'sel._domainkey.zorgpunt.example': dkimRecord,
    '_dmarc.zorgpunt.example': 'v=DMARC1; p=reject',
    'sel._domainkey.walcheren.example': dkimRecord,
    '_dmarc.walcheren.example': 'v=DMARC1; p=quarantine',
    'sel._domainkey.attacker.example': dkimRecord,
  };
  const resolver: DnsResolver = async (name, rrtype) => {
    const record = rrtype === 'TXT' ? records[name.toLowerCase()] : undefined;
    if (record === undefined) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return [[record]];
  };
  const sign = async (raw: string, domain: string) => {
    const signed = await dkimSign(raw, { signTime: new Date(NOW), signatureData: [{ signingDomain: domain, selector: 'sel', privateKey: pem }] } as never);
    return signed.signatures + raw;
  };

  let h: Harness;
  beforeEach(async () => {
    h = await createHarness('sqlite', { RSVP_NOW: NOW });
    await rebuild(h, { RSVP_CONFIG: await configFile('authentication:\n  mode: mailauth\n  clientIpHeader: null\n') }, { dnsResolver: resolver });
    await seedEvent(h.app);
    await runInvite(h.app, SLUG);
  });
  afterEach(async () => h?.close());

  it('a spoofed From goes to review and changes nothing; a reply signed by its domain is acted on', async () => {
    const invited = await invitations(h.app);
    const before = await h.outbox();
    // Someone at attacker.example declines in Roel's name, signing with their own domain.
    const spoofed = reply({ from: 'Roel Sinke <roel@zorgpunt.example>', inReplyTo: invited.get('roel@zorgpunt.example'), body: 'Helaas kan ik niet komen.', messageId: 'spoof@attacker.example' });
    await h.drop('spoofed', await sign(spoofed, 'attacker.example'));
    const genuine = reply({ from: 'Jan Jansen <jan@walcheren.example>', inReplyTo: invited.get('jan@walcheren.example'), body: 'Ik kom graag.', messageId: 'real@walcheren.example' });
    await h.drop('genuine', await sign(genuine, 'walcheren.example'));

    const summary = await runPoll(h.app);
    expect(summary).toMatchObject({ processed: 2, rsvps: 1, review: 1 });

    const { prisma } = h.app.db;
    expect(await status(h.app, 'roel@zorgpunt.example')).toMatchObject({ status: 'invited' });
    expect(await prisma.rsvp.count({ where: { invitee: { email: 'roel@zorgpunt.example' } } })).toBe(0);
    const item = await prisma.reviewItem.findFirstOrThrow({ where: { reason: 'sender_not_authenticated' }, include: { message: true } });
    expect(item.detail).toMatch(/^sender not authenticated: DMARC fails for zorgpunt\.example \(p=reject\)/);
    expect(item.message?.state).toBe('review');
    expect(item.message?.reasons).toEqual(expect.arrayContaining(['auth:dkim=pass header.d=attacker.example', 'auth:dmarc=fail header.from=zorgpunt.example p=reject']));

    expect(await status(h.app, 'jan@walcheren.example')).toMatchObject({ status: 'accepted' });
    const jan = await prisma.inboundMessage.findUniqueOrThrow({ where: { messageId: 'real@walcheren.example' } });
    expect(jan.reasons).toEqual(expect.arrayContaining(['auth:dmarc=pass header.from=walcheren.example p=quarantine']));
    // The one mail sent is Jan's confirmation: nothing went to Roel.
    expect((await h.outbox(before)).flatMap((m) => addressesOf(m.to))).toEqual(['jan@walcheren.example']);
  });
});

describe('the per-sender limit on automatic answers', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness('sqlite', { RSVP_NOW: NOW });
    await rebuild(h, { RSVP_CONFIG: await configFile('limits:\n  autoRepliesPerSenderPerHour: 2\n') });
    await seedEvent(h.app);
    await runInvite(h.app, SLUG);
  });
  afterEach(async () => h?.close());

  it('confirms at most the configured number in an hour; the answer beyond it is recorded and goes to review unanswered', async () => {
    const before = await h.outbox();
    const answers = ['Ik kom graag.', 'Helaas kan ik toch niet komen.', 'Ik kom toch graag.'];
    for (const [i, body] of answers.entries()) {
      await h.drop(`roel-${i}`, reply({ from: 'Roel Sinke <roel@zorgpunt.example>', date: `Mon, 23 Nov 2026 08:${10 + i}:00 +0100`, body }));
      await runPoll(h.app);
    }
    await h.drop('jan', reply({ from: 'Jan Jansen <jan@walcheren.example>', body: 'Ik kom graag.' }));
    await runPoll(h.app);

    const sent = (await h.outbox(before)).flatMap((m) => addressesOf(m.to));
    expect(sent.filter((a) => a === 'roel@zorgpunt.example')).toHaveLength(2);
    expect(sent.filter((a) => a === 'jan@walcheren.example')).toHaveLength(1);
    expect(await status(h.app, 'roel@zorgpunt.example')).toMatchObject({ status: 'accepted' });
    const limited = await h.app.db.prisma.reviewItem.findMany({ where: { reason: 'rate_limited' }, include: { invitee: true } });
    expect(limited.map((r) => r.invitee?.email)).toEqual(['roel@zorgpunt.example']);
    // An hour later the sender is answered again.
    await h.drop('roel-later', reply({ from: 'Roel Sinke <roel@zorgpunt.example>', date: 'Mon, 23 Nov 2026 11:30:00 +0100', body: 'Helaas, ik kom niet.' }));
    const seen = await h.outbox();
    await rebuild(h, { RSVP_NOW: '2026-11-23T10:31:00Z', RSVP_CONFIG: h.app.config.source! });
    await runPoll(h.app);
    expect((await h.outbox(seen)).flatMap((m) => addressesOf(m.to))).toEqual(['roel@zorgpunt.example']);
  });
});

describe('header injection into outbound mail', () => {
  const BAD = '\r\nBcc: victim@attacker.example\r\nX-Injected: yes';

  /** Every outbound .eml: one To, no Cc or Bcc, no injected header, no line over 998 characters (RFC 5322 2.1.1). */
  async function expectClean(raw: string, to: string) {
    const lines = headerLines(raw);
    expect(lines.filter((l) => /^bcc:|^cc:|^x-injected:/i.test(l))).toEqual([]);
    expect(lines.filter((l) => /^to:/i.test(l))).toHaveLength(1);
    for (const line of raw.slice(0, raw.search(/\r?\n\r?\n/)).split(/\r?\n/)) expect(line.length).toBeLessThanOrEqual(998);
    const parsed = await simpleParser(raw);
    expect(addressesOf(parsed.to)).toEqual([to]);
    expect(parsed.cc).toBeUndefined();
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.headers.has('x-injected')).toBe(false);
    return parsed;
  }

  it('names, organisations and titles from the CSV and event file, and From and Subject of a reply, stay inside their header', async () => {
    const h = await createHarness('sqlite', { RSVP_NOW: NOW });
    try {
      const yaml = EVENT_YAML.replace(/^title: .*$/m, `title: "Dialoog\\r\\nBcc: victim@attacker.example\\r\\nX-Injected: yes"`).replace(
        /^location: .*$/m,
        `location: "Stadhuis\\r\\nBcc: victim@attacker.example"`,
      );
      const long = 'Van der '.repeat(400).trim();
      const csv = `email;naam;organisatie\r\nroel@zorgpunt.example;"Roel${BAD}";"Zorgpunt${BAD}"\r\njan@walcheren.example;"${long}";Walcheren\r\n`;
      await seedEvent(h.app, yaml, csv);
      await runInvite(h.app, SLUG);
      const invited = await invitations(h.app);
      // Encoded words decode to CR LF in the display name and subject (RFC 2047).
      const raw = [
        'From: =?utf-8?Q?Roel=0D=0ABcc:_victim@attacker.example=0D=0AX-Injected:_yes?= <roel@zorgpunt.example>',
        `To: ${ORGANISER}`,
        'Subject: =?utf-8?Q?Aanmelding=0D=0ABcc:_victim2@attacker.example?=',
        'Date: Mon, 23 Nov 2026 10:00:00 +0100',
        'Message-ID: <inj@zorgpunt.example>',
        `In-Reply-To: <${invited.get('roel@zorgpunt.example')}>`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Ik kom graag.',
        '',
      ].join('\r\n');
      await h.drop('injection', raw);
      await runPoll(h.app);

      const folder = h.app.config.paths.outbox;
      const files = (await readdir(folder)).filter((f) => f.endsWith('.eml'));
      expect(files.length).toBe(3); // two invitations and Roel's confirmation
      for (const file of files) {
        const eml = await readFile(join(folder, file), 'utf8');
        const row = await h.app.db.prisma.outboundMail.findFirstOrThrow({ where: { messageId: (await simpleParser(eml)).messageId!.replace(/^<|>$/g, '') } });
        const parsed = await expectClean(eml, row.toAddress);
        // The calendar part: one attendee, the title escaped onto its one SUMMARY line (RFC 5545 3.3.11).
        const ics = parsed.attachments.find((a) => a.contentType.startsWith('application/ics') || a.contentType.startsWith('text/calendar'));
        if (ics) {
          const text = ics.content.toString();
          expect(text.match(/^ATTENDEE/gm)).toHaveLength(1);
          expect(text).not.toMatch(/^(Bcc|X-Injected):/m);
        }
      }
      expect(await status(h.app, 'roel@zorgpunt.example')).toMatchObject({ status: 'accepted' });
    } finally {
      await h.close();
    }
  });

  it('the MIME builder keeps CR LF, Bcc tricks and very long values out of the header structure', async () => {
    const mail: OutgoingMail = {
      messageId: 'x1@inkoop.example',
      from: { address: ORGANISER, name: `Inkoop${BAD}` },
      to: { address: 'roel@zorgpunt.example', name: `Roel${BAD}, victim3@attacker.example` },
      replyTo: { address: ORGANISER, name: `Antwoord${BAD}` },
      subject: `Bevestiging${BAD}\r\n\r\n<p>body</p>${'x'.repeat(3000)}`,
      text: 'tekst',
      html: '<p>html</p>',
      inReplyTo: `orig@zorgpunt.example>${BAD}`,
      references: [`a@zorgpunt.example>${BAD}`],
      date: new Date(NOW),
    };
    const raw = (await buildMime(mail)).toString();
    const parsed = await expectClean(raw, 'roel@zorgpunt.example');
    expect(parsed.text?.trim()).toBe('tekst');
    const envelope = new MailComposer(toNodemailerMessage(mail)).compile().getEnvelope();
    expect(envelope.to).toEqual(['roel@zorgpunt.example']);
  });
});

describe('HTML escaping of what senders wrote', () => {
  const PAYLOADS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(2)>', '{{event.title}}', '<mj-raw><b>raw</b></mj-raw>'];
  const renderer = createMailRenderer();
  const event: EventFields = {
    title: 'Dialoogsessie',
    organiser: 'Inkooporganisatie',
    description: null,
    startsAt: new Date('2026-12-14T13:00:00Z'),
    endsAt: new Date('2026-12-14T15:30:00Z'),
    timezone: 'Europe/Amsterdam',
    location: 'Stadhuis',
    rsvpDeadline: new Date('2026-12-04T22:59:00Z'),
    capacity: null,
    language: 'nl',
    icalUid: 'uid-1@inkoop.example',
    sequence: 0,
  };

  /** Only the escaped forms: no tag, attribute break-out or template expansion came through. */
  function expectEscaped(html: string) {
    expect(html).not.toMatch(/<script|<img|<mj-raw|<b>raw/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('&lt;mj-raw&gt;&lt;b&gt;raw&lt;/b&gt;&lt;/mj-raw&gt;');
    // The sender's braces are text, never a template tag.
    expect(html).toContain('{{event.title}}');
  }

  it('in the confirmation: the name and the attendees a sender gave', async () => {
    const mail = await composeRsvpMail(renderer, {
      template: 'confirmation-accepted',
      event,
      invitee: { email: 'roel@zorgpunt.example', name: PAYLOADS.join(' '), status: 'accepted', partySize: 4, attendees: PAYLOADS },
      late: true,
      cancelCalendar: false,
      organiser: { address: ORGANISER, name: 'Inkoop' },
    });
    expectEscaped(mail.html);
    expect(mail.text).toContain('<script>alert(1)</script>');
  });

  it('in the digest: review queue, late changes, attendees and bounces', async () => {
    const at = new Date(NOW);
    const mail = await composeDigest(renderer, {
      event,
      day: '2026-11-23',
      organiser: { address: ORGANISER, name: null },
      facts: {
        invitees: [
          { email: 'roel@zorgpunt.example', name: PAYLOADS.join(' '), status: 'accepted', partySize: 2, attendees: PAYLOADS, late: true, bounceReason: null, bouncedAt: null },
          { email: 'x@bounce.example', name: PAYLOADS[1]!, status: 'bounced', partySize: null, attendees: [], late: false, bounceReason: PAYLOADS.join(' '), bouncedAt: at },
        ],
        changes: [{ email: 'roel@zorgpunt.example', name: PAYLOADS.join(' '), from: 'invited', to: 'accepted', partySize: 2, late: true, at }],
        reviews: [
          { reason: 'question', detail: null, from: 'roel@zorgpunt.example', subject: PAYLOADS.join(' '), at },
          { reason: PAYLOADS[0]!, detail: PAYLOADS.join(' '), from: null, subject: null, at },
        ],
      },
    });
    expectEscaped(mail.html);
  });

  it('in the notice mail: subject and body', async () => {
    const mail = await renderer.render('notice', 'nl', { organiser: 'Inkoop', subject: PAYLOADS.join(' '), body: `${PAYLOADS.join('\n\n')}`, recipientName: PAYLOADS[1]! });
    expectEscaped(mail.html);
  });

  it('through a poll and the digest: a forwarded reply whose From and text carry markup', async () => {
    const h = await createHarness('sqlite', { RSVP_NOW: NOW });
    try {
      await seedEvent(h.app);
      await runInvite(h.app, SLUG);
      const invited = await invitations(h.app);
      const before = await h.outbox();
      // A colleague of Roel (same domain, not invited) accepts; a second asks a question.
      await h.drop('a', reply({ from: '"<script>alert(1)</script>" <collega@zorgpunt.example>', subject: 'RE: <img src=x onerror=alert(2)>', inReplyTo: invited.get('roel@zorgpunt.example'), body: 'Ik kom graag.\r\n\r\n<script>alert(1)</script>' }));
      await h.drop('b', reply({ from: '"{{event.title}} <mj-raw>" <vraag@zorgpunt.example>', subject: '"><img src=x onerror=alert(2)>', inReplyTo: invited.get('roel@zorgpunt.example'), body: 'Is er parkeergelegenheid <script>alert(1)</script>?' }));
      await runPoll(h.app);
      await runDigest(h.app);
      const digest = (await h.outbox(before)).find((m) => addressesOf(m.to)[0] === 'coordinator@inkoop.example');
      expect(digest).toBeDefined();
      const html = String(digest!.html);
      expect(html).not.toMatch(/<script|<img|<mj-raw/i);
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      for (const m of await h.outbox(before)) expect(String(m.html)).not.toMatch(/<script|<img|<mj-raw/i);
    } finally {
      await h.close();
    }
  });
});

describe('what a poll logs', () => {
  const capture = () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    return { lines, destination };
  };

  it('at info: no message text, no local part of an address, no password; at trace still no password (IMAP, PostgreSQL, a refusing SMTP server)', async () => {
    const dovecot = inject('dovecot');
    // The Dovecot user whose password needs URL-encoding: both forms must stay out of the log.
    const imapUrl = imapUrlOf(dovecot, 'other@example.test', `security-${Date.now().toString(36)}`);
    const imapPassword = decodeURIComponent(new URL(imapUrl).password);
    const smtpUrl = `smtp://rsvp:Smtp-Geheim-1234@127.0.0.1:${await freePort()}`;
    const { lines, destination } = capture();
    const h = await createHarness('postgresql', { RSVP_NOW: NOW });
    // The test server trusts loopback, so the password in the URL is never checked, only carried.
    const databaseUrl = Object.assign(new URL(h.db.url), { password: 'Db-Geheim-5678' }).toString();
    const passwords = [imapPassword, new URL(imapUrl).password, 'Smtp-Geheim-1234', 'Db-Geheim-5678'];
    try {
      await seedEvent(h.app);
      await runInvite(h.app, SLUG); // to the outbox folder, before SMTP is configured
      const invited = await invitations(h.app);
      await appendMessage(
        imapUrl,
        reply({ from: 'Roel Sinke <roel.sinke@zorgpunt.example>', subject: 'Onderwerp-Kiwi-3141', body: 'Wij komen met twee personen. Zonnebloem-4711.', inReplyTo: invited.get('roel@zorgpunt.example') }),
        reply({ from: 'Jan Jansen <jan@walcheren.example>', body: 'Helaas kan ik niet. Zonnebloem-4712.', inReplyTo: invited.get('jan@walcheren.example') }),
        reply({ from: 'Onbekend <onbekend@nergens.example>', body: 'Wat is dit? Zonnebloem-4713' }),
      );
      await rebuild(h, { IMAP_URL: imapUrl, SMTP_URL: smtpUrl, DATABASE_URL: databaseUrl }, {}, createLogger({ level: 'info', destination }));
      const summary = await runPoll(h.app);
      expect(summary).toMatchObject({ processed: 3 });
      const log = lines.join('');
      expect(log).toContain('message processed');
      expect(log).toContain('***@zorgpunt.example');
      for (const secret of [...passwords, 'Zonnebloem', 'Onderwerp-Kiwi', 'Wij komen', 'roel.sinke@', 'roel@', 'jan@', 'onbekend@', 'Roel Sinke', 'Jan Jansen']) {
        expect(log, secret).not.toContain(secret);
      }

      // At trace level debug lines may name people; secrets still never.
      const trace = capture();
      await appendMessage(imapUrl, reply({ from: 'Sarah Maas <sarah@delta.example>', body: 'I will attend.', inReplyTo: invited.get('sarah@delta.example') }));
      await rebuild(h, { IMAP_URL: imapUrl, SMTP_URL: smtpUrl, DATABASE_URL: databaseUrl }, {}, createLogger({ level: 'trace', destination: trace.destination }));
      expect(await runPoll(h.app)).toMatchObject({ processed: 1 });
      const traced = trace.lines.join('');
      expect(traced).toContain('"level":20'); // debug lines were written
      for (const secret of passwords) expect(traced, secret).not.toContain(secret);
    } finally {
      await h.close();
    }
  });
});
