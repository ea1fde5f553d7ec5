/**
 * The mail adapters against real servers: the IMAP source against the private Dovecot of the
 * global setup, the SMTP sender against an in-process smtp-server, and the two folder adapters
 * (Maildir source, outbox folder) on temporary folders. Each IMAP test works in a mailbox of its
 * own, so the tests do not see each other's messages.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createImapSource } from '../src/mailbox/imap.js';
import { createMaildirSource } from '../src/mailbox/maildir.js';
import type { FetchedMessage, FetchOptions, MailboxCursor, MailboxSource } from '../src/mailbox/types.js';
import { createFolderSender } from '../src/sender/folder.js';
import { createSmtpSender } from '../src/sender/smtp.js';
import { type OutgoingMail, SendError } from '../src/sender/types.js';
import { silentLogger } from '../src/log.js';
import { appendMessage, connectImap, freePort, imapUrlOf, kickUser } from './support/dovecot.js';
import { startSmtpReceiver, type SmtpReceiver } from './support/smtp-receiver.js';

const logger = silentLogger();
const START: MailboxCursor = { uidValidity: null, lastUid: 0n };

function message(n: number, extra = ''): string {
  return [
    `From: Invitee ${n} <invitee${n}@zorg.example>`,
    'To: Organiser <organiser@example.test>',
    `Subject: RE: Uitnodiging ${n}`,
    'Date: Mon, 23 Nov 2026 10:00:00 +0100',
    `Message-ID: <reply-${n}-${randomBytes(4).toString('hex')}@zorg.example>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Ik kom graag. (${n})`,
    extra,
    '',
  ].join('\r\n');
}

async function collect(source: MailboxSource, cursor: MailboxCursor, options?: FetchOptions) {
  const out: (FetchedMessage & { truncated?: boolean })[] = [];
  for await (const m of source.fetchNew(cursor, options)) out.push(m);
  return out;
}

const messageIdOf = (raw: Buffer) => /^Message-ID: <([^>]+)>/im.exec(raw.toString('latin1'))?.[1];

describe('IMAP source (Dovecot)', () => {
  const dovecot = inject('dovecot');
  const sources: MailboxSource[] = [];
  /** A fresh mailbox for one test, and a source on it. */
  const mailboxFor = (user?: string) => {
    const url = imapUrlOf(dovecot, user, `test-${randomBytes(5).toString('hex')}`);
    const source = createImapSource({ url, logger });
    sources.push(source);
    return { url, source };
  };
  afterEach(async () => {
    await Promise.all(sources.splice(0).map((s) => s.close()));
  });

  it('names the mailbox by user, server and folder, without the password', () => {
    const { url, source } = mailboxFor('other@example.test');
    const folder = decodeURIComponent(new URL(url).pathname.slice(1));
    expect(source.key).toBe(`imap://other%40example.test@${dovecot.host}:${dovecot.port}/${folder}`);
    expect(source.key).not.toContain('p%40ss');
    expect(source.kind).toBe('imap');
  });

  it('returns every message from the start, oldest first, with UIDs and UIDVALIDITY', async () => {
    const { url, source } = mailboxFor();
    const raws = [message(1), message(2), message(3)];
    const appended = await appendMessage(url, ...raws);
    const got = await collect(source, START);
    expect(got.map((m) => m.uid)).toEqual(appended);
    expect(got.map((m) => messageIdOf(m.raw))).toEqual(raws.map((r) => messageIdOf(Buffer.from(r))));
    for (const m of got) {
      expect(typeof m.uidValidity).toBe('bigint');
      expect(m.size).toBe(m.raw.length);
      expect(m.truncated).toBeUndefined();
      expect(m.receivedAt).toBeInstanceOf(Date);
    }
  });

  it('continues after the last stored UID, and returns nothing when nothing is newer (the N:* trap)', async () => {
    const { url, source } = mailboxFor();
    const uids = await appendMessage(url, message(1), message(2), message(3));
    const [first] = await collect(source, START, { limit: 1 });
    const uidValidity = first!.uidValidity!;

    const newer = await collect(source, { uidValidity, lastUid: uids[1]! });
    expect(newer.map((m) => m.uid)).toEqual([uids[2]]);

    // UID SEARCH UID 4:* matches the message with the highest UID when there is no UID 4.
    expect(await collect(source, { uidValidity, lastUid: uids[2]! })).toEqual([]);
    expect(await collect(source, { uidValidity, lastUid: uids[2]! + 10n })).toEqual([]);

    const [later] = await appendMessage(url, message(4));
    const after = await collect(source, { uidValidity, lastUid: uids[2]! });
    expect(after.map((m) => m.uid)).toEqual([later]);
  });

  it('stops after the limit, in UID order', async () => {
    const { url, source } = mailboxFor();
    const uids = await appendMessage(url, message(1), message(2), message(3), message(4), message(5));
    const batch = await collect(source, START, { limit: 2 });
    expect(batch.map((m) => m.uid)).toEqual(uids.slice(0, 2));
    const next = await collect(source, { uidValidity: batch[1]!.uidValidity!, lastUid: batch[1]!.uid! }, { limit: 2 });
    expect(next.map((m) => m.uid)).toEqual(uids.slice(2, 4));
  });

  it('reads only the first maxBytes of a message larger than the limit and marks it truncated', async () => {
    const { url, source } = mailboxFor();
    const big = message(1, 'x'.repeat(76) + '\r\n'.repeat(1) + ('y'.repeat(76) + '\r\n').repeat(3000));
    const small = message(2);
    await appendMessage(url, big, small);
    const got = await collect(source, START, { maxBytes: 4096 });
    expect(got).toHaveLength(2);
    const [cut, whole] = got;
    expect(cut!.truncated).toBe(true);
    expect(cut!.raw.length).toBe(4096);
    expect(cut!.size).toBe(Buffer.byteLength(big));
    expect(cut!.raw.equals(Buffer.from(big).subarray(0, 4096))).toBe(true);
    expect(whole!.truncated).toBeUndefined();
    expect(whole!.raw.toString()).toBe(small);
  });

  it('returns every message again when UIDVALIDITY changed (the mailbox was recreated)', async () => {
    const { url, source } = mailboxFor();
    await appendMessage(url, message(1), message(2));
    const before = await collect(source, START);
    const cursor = { uidValidity: before[0]!.uidValidity!, lastUid: before[1]!.uid! };
    expect(await collect(source, cursor)).toEqual([]);

    const folder = decodeURIComponent(new URL(url).pathname.slice(1));
    const admin = await connectImap(url);
    try {
      await admin.mailboxDelete(folder);
      await admin.mailboxCreate(folder);
    } finally {
      await admin.logout();
    }
    const raws = [message(3), message(4)];
    await appendMessage(url, ...raws);
    const again = await collect(source, cursor);
    expect(again.map((m) => messageIdOf(m.raw))).toEqual(raws.map((r) => messageIdOf(Buffer.from(r))));
    expect(again[0]!.uidValidity).not.toBe(cursor.uidValidity);
    // The new UIDs start again at 1, below the old cursor: without the UIDVALIDITY check they
    // would be skipped.
    expect(again[0]!.uid! <= cursor.lastUid).toBe(true);
  });

  it('treats a cursor of another UIDVALIDITY as no cursor', async () => {
    const { url, source } = mailboxFor();
    const uids = await appendMessage(url, message(1), message(2));
    const [first] = await collect(source, START, { limit: 1 });
    const got = await collect(source, { uidValidity: first!.uidValidity! + 1n, lastUid: uids[1]! });
    expect(got.map((m) => m.uid)).toEqual(uids);
  });

  it('calls the watcher when a message arrives (IDLE)', async () => {
    const { url, source } = mailboxFor();
    await appendMessage(url, message(1));
    let signal!: () => void;
    const arrived = new Promise<void>((resolve) => (signal = resolve));
    const stop = await source.watch!(() => signal());
    await appendMessage(url, message(2));
    await arrived;
    await stop();
    expect((await collect(source, START)).length).toBe(2);
  });

  it('sees messages appended by another session to a lower-case "inbox"', async () => {
    const user = 'bench@example.test';
    const url = imapUrlOf(dovecot, user, 'inbox');
    const source = createImapSource({ url, logger });
    sources.push(source);
    const before = await collect(source, START);
    const last = before.at(-1);
    const cursor = last ? { uidValidity: last.uidValidity!, lastUid: last.uid! } : START;
    const [uid] = await appendMessage(imapUrlOf(dovecot, user, 'INBOX'), message(1));
    expect((await collect(source, cursor)).map((m) => m.uid)).toEqual([uid]);
  });

  it('reconnects after the server drops the connection, for fetching and for watching', async () => {
    const user = 'other@example.test';
    const { url, source } = mailboxFor(user);
    await appendMessage(url, message(1));
    const calls: (() => void)[] = [];
    let count = 0;
    const nextCall = () => new Promise<void>((resolve) => calls.push(resolve));
    const stop = await source.watch!(() => {
      count++;
      calls.splice(0).forEach((resolve) => resolve());
    });
    const reconnected = nextCall();
    await kickUser(dovecot.configFile, user);
    // The watch comes back by itself and reports, as mail may have arrived while it was away.
    await reconnected;
    const announced = nextCall();
    const before = count;
    await appendMessage(url, message(2));
    await announced;
    expect(count).toBeGreaterThan(before);
    await stop();

    await kickUser(dovecot.configFile, user);
    expect((await collect(source, START)).length).toBe(2);
  });

  it('reports an unreachable server with a stable code and without the password', async () => {
    const port = await freePort();
    const source = createImapSource({ url: `imap://organiser%40example.test:hunter2-secret@127.0.0.1:${port}/INBOX`, logger });
    sources.push(source);
    const error = await collect(source, START).then(
      () => null,
      (e: Error & { code?: string }) => e,
    );
    expect(error?.code).toBe('EIMAPCONNECT');
    expect(error?.message).toBe(`IMAP server imap://127.0.0.1:${port} not reachable: ECONNREFUSED`);
    expect(error?.message).not.toContain('hunter2');
  });

  it('reports a refused login with its own code and without the password', async () => {
    const source = createImapSource({ url: `imap://organiser%40example.test:wrong-hunter2@${dovecot.host}:${dovecot.port}/INBOX`, logger });
    sources.push(source);
    const error = await collect(source, START).then(
      () => null,
      (e: Error & { code?: string }) => e,
    );
    expect(error?.code).toBe('EIMAPAUTH');
    expect(error?.message).toContain('organiser@example.test');
    expect(error?.message).not.toContain('hunter2');
  });

  it('reports a missing mailbox with its own code', async () => {
    const source = createImapSource({ url: imapUrlOf(dovecot, undefined, `missing-${randomBytes(4).toString('hex')}`), logger });
    sources.push(source);
    const error = await collect(source, START).then(
      () => null,
      (e: Error & { code?: string }) => e,
    );
    expect(error?.code).toBe('EIMAPMAILBOX');
  });
});

describe('Maildir source', () => {
  let dir: string;
  let source: MailboxSource;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rsvp-maildir-'));
  });
  afterEach(async () => {
    await source?.close();
    await rm(join(dir, 'box'), { recursive: true, force: true });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Delivery the Maildir way: write in tmp/, rename into new/, with a chosen mtime. */
  async function deliver(name: string, raw: string, mtime: Date) {
    const box = join(dir, 'box');
    await writeFile(join(box, 'tmp', name), raw);
    await utimes(join(box, 'tmp', name), mtime, mtime);
    await rename(join(box, 'tmp', name), join(box, 'new', name));
  }

  it('creates new/, cur/ and tmp/ and returns what is in new/, oldest first, skipping dot-files', async () => {
    source = createMaildirSource({ dir: join(dir, 'box'), logger });
    expect(await collect(source, START)).toEqual([]);
    expect((await readdir(join(dir, 'box'))).sort()).toEqual(['cur', 'new', 'tmp']);

    const first = message(1);
    await deliver('1700000002.M2.host', message(2), new Date('2026-11-23T10:02:00Z'));
    await deliver('1700000001.M1.host', first, new Date('2026-11-23T10:01:00Z'));
    // Dropped straight into new/ by hand (no tmp/), and same mtime as another: the name decides.
    await writeFile(join(dir, 'box/new/reply.eml'), message(3));
    await utimes(join(dir, 'box/new/reply.eml'), new Date('2026-11-23T10:02:00Z'), new Date('2026-11-23T10:02:00Z'));
    await writeFile(join(dir, 'box/new/.half-written'), 'From: x');
    await writeFile(join(dir, 'box/tmp/being-delivered'), message(9));

    const got = await collect(source, START);
    expect(got.map((m) => m.maildirKey)).toEqual(['1700000001.M1.host', '1700000002.M2.host', 'reply.eml']);
    expect(got[0]!.raw.toString()).toBe(first);
    expect(got[0]!.receivedAt?.toISOString()).toBe('2026-11-23T10:01:00.000Z');
    expect(got.every((m) => m.size === m.raw.length)).toBe(true);
    expect(source.key).toBe(`maildir:${join(dir, 'box')}`);
  });

  it('moves an acknowledged message to cur/ with the :2, suffix and does not return it again', async () => {
    source = createMaildirSource({ dir: join(dir, 'box'), logger });
    await collect(source, START);
    await deliver('a.host', message(1), new Date('2026-11-23T10:01:00Z'));
    await deliver('b.host', message(2), new Date('2026-11-23T10:02:00Z'));
    const [a] = await collect(source, START, { limit: 1 });
    expect(a!.maildirKey).toBe('a.host');
    await source.acknowledge(a!);
    // A repeated acknowledge (after a crash) is harmless.
    await source.acknowledge(a!);
    expect(await readdir(join(dir, 'box/cur'))).toEqual(['a.host:2,']);
    expect(await readdir(join(dir, 'box/new'))).toEqual(['b.host']);
    expect((await collect(source, START)).map((m) => m.maildirKey)).toEqual(['b.host']);
  });

  it('reads only the first maxBytes of a large file and marks it truncated', async () => {
    source = createMaildirSource({ dir: join(dir, 'box'), logger, maxBytes: 1024 });
    await collect(source, START);
    const big = message(1, 'z'.repeat(5000));
    await deliver('big.host', big, new Date('2026-11-23T10:01:00Z'));
    const [m] = await collect(source, START);
    expect(m!.truncated).toBe(true);
    expect(m!.raw.length).toBe(1024);
    expect(m!.size).toBe(Buffer.byteLength(big));
  });

  it('calls the watcher when a file arrives in new/', async () => {
    source = createMaildirSource({ dir: join(dir, 'box'), logger, debounceMs: 20 });
    let signal!: () => void;
    const arrived = new Promise<void>((resolve) => (signal = resolve));
    const stop = await source.watch!(() => signal());
    await deliver('w.host', message(1), new Date());
    await arrived;
    await stop();
  });
});

function outgoing(overrides: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    messageId: `${randomBytes(6).toString('hex')}@inkoop.example`,
    from: { address: 'info@inkoop.example', name: 'Inkooporganisatie Jeugdhulp' },
    to: { address: 'roel@zorgpunt.example', name: 'Roel Sinke' },
    subject: 'Bevestiging: Dialoogsessie',
    text: 'Beste Roel,\n\nWij hebben uw aanmelding ontvangen.',
    html: '<p>Beste Roel,</p><p>Wij hebben uw aanmelding ontvangen.</p>',
    ics: {
      method: 'REQUEST',
      content: ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'METHOD:REQUEST', 'BEGIN:VEVENT', 'UID:evt-1@inkoop.example', 'DTSTART:20261214T130000Z', 'DTEND:20261214T153000Z', 'SUMMARY:Dialoogsessie', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'),
    },
    inReplyTo: 'reply-1@zorgpunt.example',
    references: ['invite-1@inkoop.example', 'reply-1@zorgpunt.example'],
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
    date: new Date('2026-11-23T09:00:00Z'),
    ...overrides,
  };
}

/** What both senders must produce, checked on the parsed message and its raw MIME structure. */
function expectSameParts(parsed: ParsedMail, raw: string, mail: OutgoingMail) {
  expect(parsed.messageId).toBe(`<${mail.messageId}>`);
  expect(parsed.inReplyTo).toBe(`<${mail.inReplyTo}>`);
  expect(parsed.references).toEqual(mail.references!.map((r) => `<${r}>`));
  expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
  expect(parsed.headers.get('x-auto-response-suppress')).toBe('All');
  expect(parsed.subject).toBe(mail.subject);
  expect(parsed.date?.toISOString()).toBe(mail.date.toISOString());
  expect(parsed.from?.value[0]).toMatchObject({ address: mail.from.address, name: mail.from.name });
  expect(parsed.text?.trim()).toBe(mail.text);
  expect(parsed.html).toContain('Wij hebben uw aanmelding ontvangen.');
  // RFC 6047: the event as a text/calendar alternative with the method, and as an attachment.
  expect(raw).toMatch(/Content-Type: multipart\/alternative/i);
  expect(raw).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i);
  expect(raw).toMatch(/Content-Type: application\/ics; name=invite\.ics/i);
  const calendars = parsed.attachments.filter((a) => /calendar|ics/.test(a.contentType));
  expect(calendars.length).toBeGreaterThan(0);
  expect(calendars.every((a) => a.content.toString().includes('UID:evt-1@inkoop.example'))).toBe(true);
}

describe('SMTP sender', () => {
  let receiver: SmtpReceiver;
  let sender: ReturnType<typeof createSmtpSender>;
  beforeAll(async () => {
    receiver = await startSmtpReceiver();
    sender = createSmtpSender({ url: receiver.url(), logger, maxConnections: 2 });
  });
  afterEach(() => {
    receiver.refuse(null);
    receiver.clear();
  });
  afterAll(async () => {
    await sender.close();
    await receiver.stop();
  });

  it('sends the message with its Message-ID, threading, automatic-reply headers and text, html and calendar parts', async () => {
    const mail = outgoing();
    const result = await sender.send(mail);
    expect(result.messageId).toBe(mail.messageId);
    const [received] = await receiver.waitFor(1);
    expect(received!.to).toEqual(['roel@zorgpunt.example']);
    expect(received!.from).toBe('info@inkoop.example');
    expectSameParts(await simpleParser(received!.raw), received!.raw.toString(), mail);
  });

  it('sends byte for byte what the outbox folder writes, apart from the MIME boundaries', async () => {
    const mail = outgoing({ ics: { method: 'CANCEL', content: 'BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n' } });
    await sender.send(mail);
    const [received] = await receiver.waitFor(1);
    const out = await mkdtemp(join(tmpdir(), 'rsvp-outbox-same-'));
    try {
      const { response } = await createFolderSender({ dir: out, logger }).send(mail);
      const written = await readFile(response);
      const boundaries = (raw: Buffer) => [...raw.toString().matchAll(/boundary="([^"]+)"/g)].map((m) => m[1]!);
      const normalise = (raw: Buffer) => boundaries(raw).reduce((text, b, i) => text.split(b).join(`BOUNDARY${i}`), raw.toString());
      expect(boundaries(written)).toHaveLength(2);
      expect(normalise(written)).toBe(normalise(received!.raw));
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('sends a mail without calendar or threading as text and html only', async () => {
    const mail = outgoing({ ics: null, inReplyTo: null, references: [] });
    await sender.send(mail);
    const [received] = await receiver.waitFor(1);
    const parsed = await simpleParser(received!.raw);
    expect(parsed.inReplyTo).toBeUndefined();
    expect(parsed.attachments).toEqual([]);
    expect(received!.raw.toString()).not.toMatch(/text\/calendar/i);
    expect(parsed.text?.trim()).toBe(mail.text);
  });

  it.each([
    { refusal: { code: 550, stage: 'rcpt' as const }, code: 'EPERMANENT' },
    { refusal: { code: 554, stage: 'data' as const }, code: 'EPERMANENT' },
    { refusal: { code: 450, stage: 'rcpt' as const }, code: 'ETRANSIENT' },
    { refusal: { code: 451, stage: 'data' as const }, code: 'ETRANSIENT' },
  ])('maps a $refusal.code reply at $refusal.stage to $code', async ({ refusal, code }) => {
    receiver.refuse({ ...refusal, message: 'Mailbox unavailable (test)' });
    const error = await sender.send(outgoing()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SendError);
    expect((error as SendError).code).toBe(code);
    expect((error as SendError).responseCode).toBe(refusal.code);
    expect(receiver.messages).toEqual([]);
  });

  it('maps a refused connection to ETRANSIENT, without the password in the message', async () => {
    const port = await freePort();
    const unreachable = createSmtpSender({ url: `smtp://mailer:hunter2-secret@127.0.0.1:${port}`, logger });
    try {
      const error = await unreachable.send(outgoing()).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SendError);
      expect((error as SendError).code).toBe('ETRANSIENT');
      expect((error as SendError).message).toContain(`127.0.0.1:${port}`);
      expect((error as SendError).message).not.toContain('hunter2');
    } finally {
      await unreachable.close();
    }
  });
});

describe('outbox folder sender', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rsvp-outbox-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the same MIME message as SMTP would send, as a parseable .eml', async () => {
    const out = join(dir, 'a');
    const sender = createFolderSender({ dir: out, logger });
    const mail = outgoing();
    const result = await sender.send(mail);
    const files = await readdir(out);
    expect(files).toEqual([`20261123T090000000Z-${mail.messageId}.eml`]);
    expect(result.response).toBe(join(out, files[0]!));
    const raw = await readFile(join(out, files[0]!));
    expectSameParts(await simpleParser(raw), raw.toString(), mail);
  });

  it('overwrites the file of a retried Message-ID instead of adding a second', async () => {
    const out = join(dir, 'b');
    await mkdir(out, { recursive: true });
    const sender = createFolderSender({ dir: out, logger });
    const mail = outgoing({ messageId: 'retry/1@inkoop.example' });
    await sender.send(mail);
    await sender.send({ ...mail, date: new Date('2026-11-23T09:05:00Z'), subject: 'second attempt' });
    // After a restart: a new sender finds the earlier file in the folder.
    const restarted = createFolderSender({ dir: out, logger });
    await restarted.send({ ...mail, date: new Date('2026-11-23T09:10:00Z'), subject: 'third attempt' });
    await restarted.send(outgoing());
    const files = (await readdir(out)).filter((f) => f.includes('retry_1@inkoop.example'));
    expect(files).toHaveLength(1);
    expect(files[0]).toBe('20261123T090000000Z-retry_1@inkoop.example.eml');
    expect((await simpleParser(await readFile(join(out, files[0]!)))).subject).toBe('third attempt');
    expect((await readdir(out)).filter((f) => f.startsWith('.'))).toEqual([]);
    expect((await readdir(out)).length).toBe(2);
  });
});
