/**
 * The coordinators' web page in a real browser (Debian's chromium driven by playwright-core)
 * against a seeded event on SQLite: log in with the token, read the totals, filter the list,
 * resolve a review item with its button and see the answer recorded and confirmed, download the
 * CSV; and, over plain HTTP, what needs the token, what does not, and /healthz and /metrics.
 * Screenshots go to test-output/web/.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { runInvite } from '../jobs/invite.js';
import { runPoll } from '../jobs/poll.js';
import { startWorker } from '../jobs/worker.js';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';
import { silentLogger } from '../src/log.js';
import { listInvitees } from '../src/events/events.js';
import { type WebServer, startWebServer } from '../src/web/server.js';
import { CHROMIUM, CHROMIUM_ARGS, ensureChromium } from './support/chromium.js';
import { freePort } from './support/dovecot.js';
import { type Harness, createHarness, reply, seedEvent } from './support/harness.js';

const NOW = '2026-11-23T09:00:00Z';
const TOKEN = 'web-test-token-0123456789';
const SHOTS = 'test-output/web';

let h: Harness;
let server: WebServer;
let profile: string;
let context: BrowserContext;
let page: Page;
const dialogs: string[] = [];
const invitation = new Map<string, string>();

beforeAll(async () => {
  await ensureChromium();
  h = await createHarness('sqlite', { RSVP_NOW: NOW });
  await seedEvent(h.app);
  await runInvite(h.app, 'dialoog-2026');
  for (const m of await h.app.db.prisma.outboundMail.findMany({ where: { kind: 'invitation' } })) invitation.set(m.toAddress, m.messageId);
  await h.drop('1', reply({ from: 'Roel Sinke <roel@zorgpunt.example>', inReplyTo: invitation.get('roel@zorgpunt.example'), body: 'Ik kom graag.\r\n\r\nRoel Sinke' }));
  await h.drop('2', reply({ from: 'Jan Jansen <jan@walcheren.example>', inReplyTo: invitation.get('jan@walcheren.example'), body: 'Helaas kan ik niet komen.' }));
  await h.drop('3', reply({ from: 'Sarah Maas <sarah@delta.example>', messageId: 'sarah-question@delta.example', inReplyTo: invitation.get('sarah@delta.example'), body: 'Goedendag,\r\n\r\nIs er parkeergelegenheid bij het stadhuis?\r\n\r\nSarah Maas' }));
  // A display name written to attack the page: it must come out as text.
  await h.drop('4', reply({ from: '"<img src=x onerror=alert(1)>" <henk@linde.example>', inReplyTo: invitation.get('henk@linde.example'), body: 'Ik kom.' }));
  await runPoll(h.app);
  server = await startWebServer(h.app, { port: 0, host: '127.0.0.1', token: TOKEN });
  await mkdir(SHOTS, { recursive: true });
  profile = await mkdtemp(join(tmpdir(), 'rsvp-chromium-'));
  // Playwright sets --user-data-dir itself from the (fresh) profile folder of a persistent context.
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, acceptDownloads: true });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
}, 600_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  await h?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

const get = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, { redirect: 'manual', ...init });

describe('without the token', () => {
  it('answers 401 with the login form, for pages and exports alike', async () => {
    for (const path of ['/', '/events/dialoog-2026', '/events/dialoog-2026/export.csv', '/?token=wrong-token-0123456789']) {
      const r = await get(path);
      expect(r.status, path).toBe(401);
      expect(await r.text()).toContain('name="token"');
    }
    expect((await get('/', { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    expect((await get('/', { headers: { cookie: `rsvp_session=${TOKEN}` } })).status).toBe(401);
  });

  it('serves /healthz: 200 after a recent poll, 503 when the last poll is too old', async () => {
    const r = await get('/healthz');
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ status: 'ok', database: 'ok', lastPollAt: '2026-11-23T09:00:00.000Z', pollAgeSeconds: 0 });
    const head = await get('/healthz', { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
    // The same database seen a day later: nobody has polled since.
    const later = await createApp(loadConfig({ env: { DATABASE_URL: h.db.url, RSVP_NOW: '2026-11-24T09:00:00Z' }, cwd: h.dir }), silentLogger());
    const stale = await startWebServer(later, { port: 0, token: TOKEN, healthPollMaxAgeSeconds: 600 });
    try {
      const s = await fetch(`${stale.url}/healthz`);
      expect(s.status).toBe(503);
      const body = (await s.json()) as { status: string; problems: string[] };
      expect(body.status).toBe('unhealthy');
      expect(body.problems.join(' ')).toContain('86400 s ago');
    } finally {
      await stale.close();
      await later.close();
    }
  });

  it('serves /metrics in the Prometheus text format, read from the database', async () => {
    const r = await get('/metrics');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await r.text();
    const sample = (series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    const { prisma } = h.app.db;
    expect(sample('rsvp_inbound_messages{state="processed"}')).toBe(await prisma.inboundMessage.count({ where: { state: 'processed' } }));
    expect(sample('rsvp_inbound_messages{state="review"}')).toBe(1);
    expect(sample('rsvp_outbound_mails{state="sent"}')).toBe(await prisma.outboundMail.count({ where: { state: 'sent' } }));
    expect(sample('rsvp_outbound_mails{state="pending"}')).toBe(0);
    expect(sample('rsvp_review_queue_open')).toBe(1);
    const mailbox = (await prisma.mailboxState.findFirstOrThrow()).id;
    expect(sample(`rsvp_mailbox_last_poll_timestamp_seconds{mailbox="${mailbox}"}`)).toBe(Date.parse(NOW) / 1000);
    expect(sample('rsvp_invitees{event="dialoog-2026",status="accepted"}')).toBe(2);
    expect(sample('rsvp_people_coming{event="dialoog-2026"}')).toBe(2);
    expect(text).toMatch(/^# TYPE process_resident_memory_bytes gauge$/m);
  });
});

describe('in the browser', () => {
  it('logs in with the token, which leaves the address bar, and shows the events', async () => {
    await page.goto(`${server.url}/?token=${TOKEN}`);
    expect(page.url()).toBe(`${server.url}/`);
    const cookies = await context.cookies(server.url);
    expect(cookies.find((c) => c.name === 'rsvp_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(cookies.some((c) => c.value.includes(TOKEN))).toBe(false);
    await expect(page.locator('#events tbody tr').count()).resolves.toBe(1);
    await page.click('text=Dialoogsessie Inkoop Jeugdhulp 2027');
    expect(page.url()).toBe(`${server.url}/events/dialoog-2026`);
  });

  it('shows the totals and the list, with the attacker\'s name as text', async () => {
    expect(await page.textContent('[data-total="accepted"] dd')).toBe('2');
    expect(await page.textContent('[data-total="declined"] dd')).toBe('1');
    expect(await page.textContent('[data-total="coming"] dd')).toBe('2 / 4');
    expect(await page.locator('#invitees tbody tr').count()).toBe(4);
    expect(await page.textContent('tr[data-email="henk@linde.example"]')).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('#invitees img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/event.png`, fullPage: true });
  });

  it('filters the list by status and by text', async () => {
    await page.selectOption('#filter select[name="status"]', 'accepted');
    await Promise.all([page.waitForURL(/status=accepted/), page.click('#filter button[type="submit"]')]);
    const shown = await page.locator('#invitees tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-email')));
    expect(shown.sort()).toEqual(['henk@linde.example', 'roel@zorgpunt.example']);

    await page.selectOption('#filter select[name="status"]', '');
    await page.fill('#filter input[name="q"]', 'walcheren');
    await Promise.all([page.waitForURL(/q=walcheren/), page.click('#filter button[type="submit"]')]);
    expect(await page.locator('#invitees tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-email')))).toEqual(['jan@walcheren.example']);
    expect(await page.textContent('#shown')).toBe('1 of 4 shown');
    await page.screenshot({ path: `${SHOTS}/filtered.png`, fullPage: true });
  });

  it('resolves a review item with its button: the status changes and the confirmation is sent', async () => {
    await page.goto(`${server.url}/events/dialoog-2026`);
    const item = page.locator('.review-item').filter({ hasText: 'sarah@delta.example' });
    expect(await item.count()).toBe(1);
    expect(await item.textContent()).toContain('Is er parkeergelegenheid bij het stadhuis?');
    await item.locator('input[name="size"]').fill('2');
    await item.locator('input[name="names"]').fill('Sarah Maas, Piet Post');
    await Promise.all([page.waitForURL(/resolved=/), item.locator('button[value="accept"]').click()]);

    expect(await page.textContent('#notice')).toContain('sarah@delta.example as accept');
    expect(await page.locator('.review-item').count()).toBe(0);
    expect(await page.textContent('tr[data-email="sarah@delta.example"] .status')).toBe('accepted');
    expect(await page.textContent('[data-total="coming"] dd')).toBe('4 / 4');
    await page.screenshot({ path: `${SHOTS}/resolved.png`, fullPage: true });

    const sarah = (await listInvitees(h.app.db.prisma, 'dialoog-2026')).find((i) => i.email === 'sarah@delta.example');
    expect(sarah).toMatchObject({ status: 'accepted', partySize: 2, attendees: ['Sarah Maas', 'Piet Post'] });
    const confirmations = await h.app.db.prisma.outboundMail.findMany({ where: { toAddress: 'sarah@delta.example', kind: 'confirmation' } });
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]).toMatchObject({ state: 'sent', inReplyTo: 'sarah-question@delta.example' });
    const sent = (await h.outbox()).filter((m) => m.inReplyTo === '<sarah-question@delta.example>');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.attachments.some((a) => a.content.toString().includes('METHOD:REQUEST'))).toBe(true);
  });

  it('downloads the CSV export', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    expect(download.suggestedFilename()).toBe('dialoog-2026.csv');
    const bytes = await readFile((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const table = parse(bytes, { delimiter: ';', bom: true, columns: true }) as Record<string, string>[];
    expect(table).toHaveLength(4);
    expect(table.find((r) => r.email === 'sarah@delta.example')).toMatchObject({ status: 'accepted', partySize: '2', attendees: 'Sarah Maas, Piet Post' });
    // The attacker's display name (an attendee) starts with "<", not a formula character: kept as it was.
    expect(table.find((r) => r.email === 'henk@linde.example')!.attendees).toContain('<img src=x onerror=alert(1)>');
  });
});

describe('forms and scripts', () => {
  it('refuses a POST without the CSRF field or from another origin, and changes nothing', async () => {
    const item = await h.app.db.prisma.reviewItem.create({ data: { reason: 'unmatched', detail: 'test item' } });
    const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' };
    const page = await (await get('/events/dialoog-2026', { headers: auth })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    expect((await get(`/review/${item.id}`, { method: 'POST', headers: auth, body: 'as=ignore' })).status).toBe(403);
    expect((await get(`/review/${item.id}`, { method: 'POST', headers: auth, body: 'as=ignore&csrf=nope' })).status).toBe(403);
    expect((await get(`/review/${item.id}`, { method: 'POST', headers: { ...auth, origin: 'http://evil.example' }, body: `as=ignore&csrf=${encodeURIComponent(csrf)}` })).status).toBe(403);
    expect((await h.app.db.prisma.reviewItem.findUniqueOrThrow({ where: { id: item.id } })).state).toBe('open');
    const ok = await get(`/review/${item.id}`, { method: 'POST', headers: auth, body: `as=ignore&csrf=${encodeURIComponent(csrf)}&back=dialoog-2026` });
    expect(ok.status).toBe(303);
    expect((await h.app.db.prisma.reviewItem.findUniqueOrThrow({ where: { id: item.id } })).state).toBe('resolved');
  });

  it('logs in through the form: a wrong token gets 401, the right one the session cookie', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const wrong = await get('/login', { method: 'POST', headers: form, body: 'token=not-the-token-at-all' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('That token is not right.');
    const right = await get('/login', { method: 'POST', headers: form, body: `token=${TOKEN}` });
    expect(right.status).toBe(303);
    const cookie = right.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie).toMatch(/^rsvp_session=/);
    expect((await get('/', { headers: { cookie } })).status).toBe(200);
  });

  it('serves the XLSX export to a script with the bearer token', async () => {
    const r = await get('/events/dialoog-2026/export.xlsx', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="dialoog-2026.xlsx"');
    const { readSheet } = await import('read-excel-file/node');
    const rows = await readSheet(Buffer.from(await r.arrayBuffer()));
    expect(rows).toHaveLength(5);
  });
});

describe('who serves the page', () => {
  const configWithPort = async (port: number) => {
    const file = join(h.dir, 'web.yaml');
    await writeFile(file, `web:\n  port: ${port}\n  token: ${TOKEN}\n`);
    return file;
  };

  it('the worker serves it while web.port is set and closes it on stop', async () => {
    const port = await freePort();
    const file = await configWithPort(port);
    const app = await createApp(loadConfig({ env: { DATABASE_URL: h.db.url, RSVP_NOW: NOW, RSVP_CONFIG: file }, cwd: h.dir }), silentLogger());
    const worker = startWorker(app);
    try {
      let health: Response | null = null;
      for (let i = 0; i < 100 && !health; i++) {
        health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
        if (!health) await new Promise((r) => setTimeout(r, 50));
      }
      expect(health?.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(401);
    } finally {
      await worker.stop();
      await app.close();
    }
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('`rsvp web` serves it alone until SIGTERM', async () => {
    const port = await freePort();
    const file = await configWithPort(port);
    const child = spawn(process.execPath, [resolve('bin/rsvp.js'), 'web'], {
      cwd: h.dir,
      env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', DATABASE_URL: h.db.url, RSVP_NOW: NOW, RSVP_CONFIG: file },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      expect(line.toString()).toBe(`serving http://127.0.0.1:${port}/ (healthz and metrics without the token)\n`);
      const r = await fetch(`http://127.0.0.1:${port}/events/dialoog-2026`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(r.status).toBe(200);
      expect(await r.text()).toContain('Dialoogsessie Inkoop Jeugdhulp 2027');
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });
});
