/**
 * Bad input through the whole poll, from both mailbox sources:
 * - a 50 MB message over mailbox.maxMessageBytes is quarantined (kept in the mailbox, stored with
 *   only its start, state quarantined, a review item) and never read whole, from the Maildir and
 *   from IMAP (Dovecot, BODY.PEEK[]<0.N>); the mail behind it is processed as usual;
 * - a message bomb (10,000 MIME parts, or multiparts nested 2,000 deep) goes to the review queue
 *   with its reason, unread, and nothing is sent in answer;
 * - broken invitee lists, config and event files through the CLI: one line, nothing half done.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { runPoll } from '../jobs/poll.js';
import { appendMessage, imapUrlOf } from './support/dovecot.js';
import { createHarness, EVENT_YAML, type Harness, reply, seedEvent } from './support/harness.js';

const run = promisify(execFile);
const T0 = '2026-11-23T09:00:00.000Z';
const LIMIT = 1024 * 1024;
const BIG = 50 * 1024 * 1024;

let configDir: string;
let configPath: string;
beforeAll(async () => {
  configDir = await mkdtemp(join(tmpdir(), 'rsvp-bad-input-'));
  configPath = join(configDir, 'rsvp.yaml');
  await writeFile(configPath, `mailbox:\n  maxMessageBytes: ${LIMIT}\n`);
});
afterAll(async () => {
  await rm(configDir, { recursive: true, force: true });
});

/** A reply of `bytes` bytes: a short answer and an attachment that makes up the rest. */
function bigMessage(bytes: number, messageId: string): Buffer {
  const head = Buffer.from(
    [
      'From: Roel Sinke <roel@zorgpunt.example>',
      'To: info@inkoop.example',
      'Subject: RE: Uitnodiging, met de stukken',
      'Date: Mon, 23 Nov 2026 10:00:00 +0100',
      `Message-ID: <${messageId}>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="big"',
      '',
      '--big',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Ik kom graag.',
      '--big',
      'Content-Type: application/octet-stream; name="stukken.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      '',
    ].join('\r\n'),
  );
  const tail = Buffer.from('\r\n--big--\r\n');
  // Base64 lines of 76 characters (RFC 2045 §6.8).
  const line = Buffer.from('QUJD'.repeat(19) + '\r\n');
  const body = Buffer.alloc(bytes - head.length - tail.length);
  for (let i = 0; i < body.length; i += line.length) line.copy(body, i, 0, Math.min(line.length, body.length - i));
  return Buffer.concat([head, body, tail]);
}

const small = (n: number) => reply({ from: 'Jan Jansen <jan@walcheren.example>', body: `Ik kom graag. (${n})`, messageId: `small-${n}-${randomBytes(3).toString('hex')}@walcheren.example` });

describe('a message over the size limit', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  async function expectQuarantined(messageId: string) {
    const prisma = h!.app.db.prisma;
    const stored = await prisma.inboundMessage.findUniqueOrThrow({ where: { messageId } });
    expect(stored.state).toBe('quarantined');
    expect(stored.size).toBe(BIG);
    // Only the start was read and kept: the message was never in memory whole.
    expect(stored.raw.length).toBe(LIMIT);
    expect(stored.kind).toBeNull();
    const review = await prisma.reviewItem.findMany({ where: { messageId: stored.id } });
    expect(review.map((r) => r.reason)).toEqual(['quarantined']);
    expect(review[0]!.detail).toContain(String(BIG));
    // The message behind it was processed as usual.
    expect(await prisma.inboundMessage.count({ where: { state: 'processed' } })).toBe(1);
    expect(await prisma.invitee.findFirst({ where: { email: 'jan@walcheren.example' } })).toMatchObject({ status: 'accepted' });
  }

  it('from the Maildir: quarantined, kept in cur/, not parsed', async () => {
    h = await createHarness('sqlite', { RSVP_NOW: T0, RSVP_CONFIG: configPath });
    await seedEvent(h.app);
    const id = `big-maildir-${randomBytes(4).toString('hex')}@zorgpunt.example`;
    await h.drop('1.big.eml', bigMessage(BIG, id).toString('latin1'));
    await h.drop('2.small.eml', small(1));
    const summary = await runPoll(h.app);
    expect(summary).toMatchObject({ quarantined: 1, stored: 1 });
    await expectQuarantined(id);
    // Kept: the original file was taken into cur/, whole.
    const cur = await readdir(join(h.app.config.paths.maildir, 'cur'));
    expect(cur.some((f) => f.startsWith('1.big.eml'))).toBe(true);
    // A second poll changes nothing.
    expect(await runPoll(h.app)).toMatchObject({ quarantined: 0, stored: 0 });
  });

  it('from IMAP (Dovecot): quarantined after fetching only its start', async () => {
    const imapUrl = imapUrlOf(inject('dovecot'), undefined, `big-${randomBytes(4).toString('hex')}`);
    const id = `big-imap-${randomBytes(4).toString('hex')}@zorgpunt.example`;
    await appendMessage(imapUrl, bigMessage(BIG, id), small(2));
    h = await createHarness('sqlite', { RSVP_NOW: T0, RSVP_CONFIG: configPath, IMAP_URL: imapUrl });
    await seedEvent(h.app);
    expect(await runPoll(h.app)).toMatchObject({ quarantined: 1, stored: 1 });
    await expectQuarantined(id);
    const state = await h.app.db.prisma.mailboxState.findFirstOrThrow();
    expect(state.lastUid).toBe(2n);
    expect(state.lastError).toBeNull();
    expect(await runPoll(h.app)).toMatchObject({ quarantined: 0, stored: 0 });
  });
});

describe('a message bomb', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  const bomb = (body: string, boundary: string, id: string) =>
    [
      'From: Roel Sinke <roel@zorgpunt.example>',
      'To: info@inkoop.example',
      'Subject: RE: Uitnodiging',
      'Date: Mon, 23 Nov 2026 10:00:00 +0100',
      `Message-ID: <${id}>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      body,
    ].join('\r\n');

  it('of 10,000 parts, and one nested 2,000 deep, goes to review unread, with the reason; nothing is sent', async () => {
    h = await createHarness('sqlite', { RSVP_NOW: T0 });
    await seedEvent(h.app);
    const wide = Array.from({ length: 10_000 }, (_, i) => `--w\r\nContent-Type: text/plain\r\n\r\nIk kom graag. ${i}\r\n`).join('') + '--w--\r\n';
    let deep = 'Content-Type: text/plain\r\n\r\nIk kom graag.\r\n';
    for (let d = 2_000; d > 1; d--) deep = `Content-Type: multipart/mixed; boundary="n${d}"\r\n\r\n--n${d}\r\n${deep}--n${d}--\r\n`;
    await h.drop('1.wide.eml', bomb(wide, 'w', 'wide@zorgpunt.example'));
    await h.drop('2.deep.eml', bomb(`--n1\r\n${deep}--n1--\r\n`, 'n1', 'deep@zorgpunt.example'));
    await h.drop('3.small.eml', small(3));
    const summary = await runPoll(h.app);
    expect(summary).toMatchObject({ stored: 3, review: 2, rsvps: 1 });

    const prisma = h.app.db.prisma;
    for (const [id, why] of [
      ['wide@zorgpunt.example', 'more than 500 parts'],
      ['deep@zorgpunt.example', 'nested deeper than 25'],
    ] as const) {
      const m = await prisma.inboundMessage.findUniqueOrThrow({ where: { messageId: id }, include: { reviews: true } });
      expect(m.state).toBe('review');
      expect(m.reviews.map((r) => r.reason)).toEqual(['mime_limit']);
      expect(m.reviews[0]!.detail).toContain(why);
      expect(m.fromAddress).toBe('roel@zorgpunt.example');
    }
    // Roel's bombs changed nothing; Jan's reply was answered.
    expect(await prisma.invitee.findFirst({ where: { email: 'roel@zorgpunt.example' } })).toMatchObject({ status: 'not_invited' });
    expect(await prisma.outboundMail.findMany({ select: { toAddress: true } })).toEqual([{ toAddress: 'jan@walcheren.example' }]);
  });
});

describe('bad files through the command line (the built bin/rsvp.js)', () => {
  const BIN = resolve('bin/rsvp.js');
  let dir: string;
  const rsvp = async (args: string[], env: Record<string, string> = {}) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
        cwd: dir,
        env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', RSVP_NOW: T0, MAIL_FROM: 'info@inkoop.example', ...env },
      });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rsvp-bad-cli-'));
    await writeFile(join(dir, 'event.yaml'), EVENT_YAML);
    expect((await rsvp(['db', 'migrate'])).code).toBe(0);
    expect((await rsvp(['event', 'import', 'event.yaml'])).code).toBe(0);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('an invitee list with one bad row among good ones: one line naming the row, nobody imported', async () => {
    await writeFile(join(dir, 'list.csv'), 'email;naam\na@aanbieder.example;Anna\nb@aanbieder.example;Bert\ngeen adres;Carla\nd@aanbieder.example;Dirk\n');
    const r = await rsvp(['invitees', 'import', '--event', 'dialoog-2026', 'list.csv']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/line 4: not an email address: "geen adres"/);
    const list = await rsvp(['list', '--event', 'dialoog-2026', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  it('a config file that is not YAML: one line naming the file and the line', async () => {
    await writeFile(join(dir, 'broken.yaml'), 'mailbox:\n  batchSize: 5\n\toutbox: x\n');
    const r = await rsvp(['poll', '--once'], { RSVP_CONFIG: 'broken.yaml' });
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/broken\.yaml is not valid YAML: .*line 3/);
  });

  it('an event file that is binary: one line, nothing imported', async () => {
    await writeFile(join(dir, 'event.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]));
    const r = await rsvp(['event', 'import', 'event.bin']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/event\.bin/);
  });
});
