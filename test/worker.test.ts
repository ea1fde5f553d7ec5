/**
 * `npm start` as an admin runs it: the worker on the embedded defaults with no configuration
 * processes a reply dropped into data/mailbox/new while it runs, and stops cleanly on SIGTERM.
 */
import { mkdtemp, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EVENT_YAML, INVITEES_CSV, reply, spawnWorker } from './support/harness.js';

const run = promisify(execFile);
const BIN = resolve('bin/rsvp.js');
let dir: string;
const env = () => ({ PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', RSVP_NOW: '2026-11-23T09:00:00Z', MAIL_FROM: 'info@inkoop.example' });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rsvp-worker-'));
  await writeFile(join(dir, 'event.yaml'), EVENT_YAML);
  await writeFile(join(dir, 'invitees.csv'), INVITEES_CSV);
  for (const args of [['db', 'migrate'], ['event', 'import', 'event.yaml'], ['invitees', 'import', '--event', 'dialoog-2026', 'invitees.csv']]) {
    await run(process.execPath, [BIN, ...args], { cwd: dir, env: env() });
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Waits, polling the folder, until a mail in it contains `text`; fails after the time limit. */
async function waitForMail(folder: string, text: string, limitMs: number): Promise<string> {
  const until = Date.now() + limitMs;
  for (;;) {
    for (const f of (await readdir(folder).catch(() => [] as string[])).filter((f) => f.endsWith('.eml'))) {
      const content = await readFile(join(folder, f), 'utf8').catch(() => '');
      if (content.includes(text)) return content;
    }
    if (Date.now() > until) throw new Error(`no mail with "${text}" in ${folder}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('processes a reply dropped into the Maildir while running, then stops on SIGTERM', async () => {
  const worker = spawnWorker(dir, env());
  try {
    // The worker polls once at start; the reply then arrives while it runs.
    await worker.waitForLog((l) => l.msg === 'poll done');
    await mkdir(join(dir, 'data/mailbox/tmp'), { recursive: true });
    await mkdir(join(dir, 'data/mailbox/new'), { recursive: true });
    await writeFile(join(dir, 'data/mailbox/tmp/r1'), reply({ from: 'Sarah Maas <sarah@delta.example>', body: 'I will attend.\r\n\r\nSarah Maas' }));
    await rename(join(dir, 'data/mailbox/tmp/r1'), join(dir, 'data/mailbox/new/r1'));
    const confirmation = await waitForMail(join(dir, 'data/outbox'), 'To: Sarah Maas <sarah@delta.example>', 20_000);
    expect(confirmation).toMatch(/^In-Reply-To: <.+@delta\.example>/m);
    expect(await readdir(join(dir, 'data/mailbox/new'))).toEqual([]);
    expect((await readdir(join(dir, 'data/mailbox/cur'))).some((f) => f.startsWith('r1'))).toBe(true);
  } finally {
    expect(await worker.stop()).toBe(0);
  }
  // At start the worker also sent what was due: today's digest to the event's coordinator.
  await waitForMail(join(dir, 'data/outbox'), 'To: coordinator@inkoop.example', 0);
  expect(worker.logs().some((l) => l.msg === 'worker stopped')).toBe(true);
});
