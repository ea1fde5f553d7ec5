/**
 * The `rsvp` command as a user runs it (the built bin/rsvp.js in a child process): exit codes,
 * one-line errors, and the contract's commands on a temporary working folder.
 */
import { mkdtemp, mkdir, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_YAML, INVITEES_CSV, reply, runCli } from './support/harness.js';


let dir: string;

const rsvp = (args: string[], env: Record<string, string> = {}) =>
  runCli(dir, args, { RSVP_NOW: '2026-11-23T09:00:00Z', MAIL_FROM: 'info@inkoop.example', ...env });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rsvp-cli-'));
  await writeFile(join(dir, 'event.yaml'), EVENT_YAML);
  await writeFile(join(dir, 'invitees.csv'), INVITEES_CSV);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('rsvp on the embedded defaults', () => {
  it('migrates, imports, invites, polls and lists in the contract\'s shape', async () => {
    expect((await rsvp(['db', 'migrate'])).code).toBe(0);
    expect(await rsvp(['event', 'import', 'event.yaml'])).toMatchObject({ code: 0, stdout: 'created event dialoog-2026\n' });
    expect((await rsvp(['event', 'import', 'event.yaml'])).stdout).toBe('updated event dialoog-2026\n');
    expect((await rsvp(['invitees', 'import', '--event', 'dialoog-2026', 'invitees.csv'])).stdout).toContain('4 added');
    expect((await rsvp(['invite', '--event', 'dialoog-2026'])).code).toBe(0);
    expect((await readdir(join(dir, 'data/outbox'))).filter((f) => f.endsWith('.eml'))).toHaveLength(4);

    await mkdir(join(dir, 'data/mailbox/new'), { recursive: true });
    await writeFile(
      join(dir, 'data/mailbox/new/1.eml'),
      reply({ from: 'Jan Jansen <jan@walcheren.example>', body: 'Wij komen met twee personen: Jan Jansen en Petra de Boer.\r\n\r\nGroet,\r\nJan Jansen' }),
    );
    const polled = await rsvp(['poll', '--once']);
    expect(polled.code).toBe(0);
    expect(polled.stdout).toMatch(/^poll: stored 1,/);
    const list = await rsvp(['list', '--event', 'dialoog-2026', '--json']);
    const rows = JSON.parse(list.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['attendees', 'email', 'name', 'organisation', 'partySize', 'respondedAt', 'status']);
    }
    expect(rows.find((r) => r.email === 'jan@walcheren.example')).toMatchObject({
      name: 'Jan Jansen',
      organisation: 'Jeugdzorg Walcheren',
      status: 'accepted',
      partySize: 2,
      attendees: ['Jan Jansen', 'Petra de Boer'],
      respondedAt: '2026-11-23T09:00:00.000Z',
    });
    expect(rows.find((r) => r.email === 'roel@zorgpunt.example')).toMatchObject({ name: 'Roel Sinke', status: 'invited', partySize: null, attendees: [], respondedAt: null });
  });
});

describe('failures end with one line on stderr', () => {
  it('names the config field and the reason', async () => {
    await writeFile(join(dir, 'bad.yaml'), 'schedules:\n  poll: "every minute"\n');
    const r = await rsvp(['poll', '--once'], { RSVP_CONFIG: 'bad.yaml' });
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/schedules\.poll: invalid cron expression "every minute"/);
  });

  it('names the environment variable that is wrong', async () => {
    const r = await rsvp(['list', '--event', 'x'], { DATABASE_URL: 'mysql://localhost/x' });
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('DATABASE_URL');
  });

  it('gives the line of a broken event file and imports nothing', async () => {
    await writeFile(join(dir, 'broken.yaml'), EVENT_YAML.replace('slug: dialoog-2026', 'slug: ander-2026').replace('timezone: Europe/Amsterdam', 'timezone: Mars/Olympus'));
    const r = await rsvp(['event', 'import', 'broken.yaml']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/line 6: timezone: not an IANA time zone/);
    expect((await rsvp(['list', '--event', 'ander-2026'])).stderr).toMatch(/no event with slug "ander-2026"/);
  });

  it('rejects a CSV without an email column', async () => {
    await writeFile(join(dir, 'nomail.csv'), 'naam;organisatie\nJan;X\n');
    const r = await rsvp(['invitees', 'import', '--event', 'dialoog-2026', 'nomail.csv']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/email/);
  });

  it('classify reports an unreadable file and goes on with the others', async () => {
    await writeFile(join(dir, 'ok.eml'), reply({ from: 'a@b.example', body: 'Ik kom.' }));
    const r = await rsvp(['classify', 'missing.eml', 'ok.eml', '--json']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('missing.eml: no such file');
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ file: 'ok.eml', kind: 'rsvp', intent: 'accept', partySize: 1 });
  });
});
