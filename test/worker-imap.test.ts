/**
 * The worker's IMAP watch across an outage: its own private Dovecot is stopped under it and
 * started again. The watch reconnects with growing, jittered delays, `rsvp status` shows the
 * error while the server is away and the recovery afterwards, and a reply that arrives after
 * the restart is answered without waiting for the poll schedule.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendMessage, pauseDovecot, resumeDovecot, startDovecot, type Dovecot } from './support/dovecot.js';
import { type Harness, ORGANISER, createHarness, eventually, reply, rsvp, seedEvent, spawnWorker } from './support/harness.js';

let h: Harness;
let dir: string;
let dovecot: Dovecot;
let env: Record<string, string>;

beforeAll(async () => {
  // Its own Dovecot: stopping the suite's would disturb nothing now, but a failed restart would
  // take every later test file with it.
  [dovecot, h] = await Promise.all([startDovecot(), createHarness('sqlite')]);
  dir = h.dir;
  await seedEvent(h.app);
  // The schedules are far away: what the test sees comes from the watch.
  await writeFile(join(dir, 'rsvp.yaml'), 'schedules:\n  poll: "0 0 1 1 *"\n  remind: "0 0 1 1 *"\n  digest: "0 0 1 1 *"\n');
  env = { DATABASE_URL: h.db.url, IMAP_URL: dovecot.imapUrl(), MAIL_FROM: `Inkooporganisatie <${ORGANISER}>`, RSVP_CONFIG: join(dir, 'rsvp.yaml') };
});
afterAll(async () => {
  await dovecot?.stop();
  await h?.close();
});

interface MailboxStatus {
  lastError: string | null;
  lastErrorAt: string | null;
  lastSuccessAt: string | null;
}
const mailboxStatus = async (): Promise<MailboxStatus | undefined> =>
  (JSON.parse(await rsvp(dir, env, 'status', '--json')) as { mailboxes: MailboxStatus[] }).mailboxes[0];

it('reconnects after the server went away, with backoff, and records the error and the recovery', async () => {
  const worker = spawnWorker(dir, env);
  try {
    await worker.waitForLog((l) => l.msg === 'poll done');

    await pauseDovecot(dovecot);
    await worker.waitForLog((l) => l.msg === 'mailbox watch lost its connection; reconnecting', 15_000);
    // Read from the database directly while the server is away, so it is restarted soon.
    const down = await eventually(async () => {
      const s = await h.app.db.prisma.mailboxState.findFirst();
      return s?.lastError && s.lastErrorAt ? { lastError: s.lastError, lastErrorAt: s.lastErrorAt.toISOString() } : undefined;
    }, 15_000, 'the lost connection to be recorded');
    expect(down.lastError).toMatch(/IMAP/);
    expect(down.lastError).not.toContain('secret-organiser');
    // Failed attempts, each step twice the one before, each between half its step and the whole.
    await worker.waitForLog((l) => l.msg === 'IMAP watch reconnecting' && l.attempt === 3, 15_000);
    const delays = worker.logs().filter((l) => l.msg === 'IMAP watch reconnecting').map((l) => l.retryInMs as number);
    expect(delays.slice(0, 3).map((d, i) => d >= 500 * 2 ** i && d <= 1_000 * 2 ** i)).toEqual([true, true, true]);

    await resumeDovecot(dovecot);
    await worker.waitForLog((l) => l.msg === 'mailbox watch reconnected', 20_000);
    await appendMessage(dovecot.imapUrl(), reply({ from: 'Sarah Maas <sarah@delta.example>', body: 'I will attend.\r\n\r\nSarah Maas' }));
    const confirmation = await eventually(async () => {
      for (const f of await readdir(join(dir, 'data/outbox')).catch(() => [] as string[])) {
        const text = await readFile(join(dir, 'data/outbox', f), 'utf8');
        if (text.includes('To: Sarah Maas <sarah@delta.example>')) return text;
      }
      return undefined;
    }, 20_000, 'the confirmation of the reply sent after the restart');
    expect(confirmation).toMatch(/^In-Reply-To: <.+@delta\.example>/m);

    // `rsvp status` shows both: when the error was, and the success since.
    const up = await mailboxStatus();
    expect(up?.lastError).toBeNull();
    expect(Date.parse(up!.lastErrorAt!)).toBeGreaterThanOrEqual(Date.parse(down.lastErrorAt));
    expect(Date.parse(up!.lastSuccessAt!)).toBeGreaterThan(Date.parse(down.lastErrorAt!));
  } finally {
    expect(await worker.stop()).toBe(0);
  }
});
