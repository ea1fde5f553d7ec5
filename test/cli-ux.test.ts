/**
 * The command line as an admin and a coordinator meet it (the built bin/rsvp.js in a child
 * process, stdout and stderr pipes, so never a terminal): rsvp doctor, rsvp preview, examples
 * under --help, --json that parses, one-line errors with a hint, and no escape codes.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { EVENT_YAML, INVITEES_CSV, runCli } from './support/harness.js';

const ESC = '\x1b';

let dir: string;

const rsvp = (args: string[], env: Record<string, string> = {}) =>
  runCli(dir, args, { RSVP_NOW: '2026-11-23T09:00:00Z', MAIL_FROM: 'info@inkoop.example', ...env });

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

interface DoctorJson {
  ok: boolean;
  checks: { name: string; status: 'pass' | 'warn' | 'fail' | 'skip'; detail: string; hint: string | null }[];
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rsvp-cli-ux-'));
  await writeFile(join(dir, 'event.yaml'), EVENT_YAML);
  await writeFile(join(dir, 'invitees.csv'), INVITEES_CSV);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('rsvp doctor', () => {
  it('fails on a database that is not migrated yet, then passes on the embedded defaults', async () => {
    const before = await rsvp(['doctor']);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/^✗ database .*does not exist.*rsvp db migrate/m);

    const migrated = await rsvp(['db', 'migrate', '--json']);
    expect(JSON.parse(migrated.stdout)).toMatchObject({ database: 'file:./data/rsvp.db', created: false });

    // NO_COLOR wins over FORCE_COLOR (https://no-color.org).
    const after = await rsvp(['doctor'], { FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(after.stderr).toBe('');
    expect(after.code).toBe(0);
    for (const name of ['config', 'database', 'mailbox', 'sender', 'time zones', 'coordinators', 'disk']) {
      expect(after.stdout).toMatch(new RegExp(`^✓ ${name} `, 'm'));
    }
    // info@inkoop.example: a warning (a reserved domain), not a failure.
    expect(after.stdout).toMatch(/^! mail-from +info@inkoop\.example: a reserved domain/m);
    expect(after.stdout).toContain('maandag 26 november 2018');
    expect(after.stdout).not.toContain(ESC);

    const json = JSON.parse((await rsvp(['doctor', '--json'])).stdout) as DoctorJson;
    expect(json.ok).toBe(true);
    expect(json.checks.map((c) => c.name)).toContain('mailbox');
    // RSVP_NOW is set by these tests: reported, not failed.
    expect(json.checks.find((c) => c.name === 'clock')).toMatchObject({ status: 'warn' });
  });

  it('names an unreachable IMAP and SMTP server and the default sender address, each on its own line, without the password', async () => {
    const port = await closedPort();
    const r = await rsvp(['doctor', '--timeout', '3'], {
      IMAP_URL: `imap://rsvp:Geheim%21wachtwoord@127.0.0.1:${port}/INBOX`,
      SMTP_URL: `smtp://rsvp:Geheim%21wachtwoord@127.0.0.1:${port}`,
      MAIL_FROM: '',
      FORCE_COLOR: '1',
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${ESC}[31m✗${ESC}[39m mailbox`);
    r.stdout = r.stdout.replace(/\x1b\[[0-9;]*m/g, '');
    expect(r.stdout).toMatch(new RegExp(`^✗ mailbox .*imap://127\\.0\\.0\\.1:${port} not reachable: ECONNREFUSED → check the host and port of IMAP_URL`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^✗ sender .*smtp://127\\.0\\.0\\.1:${port}.*ECONNREFUSED.* → check the host and port of SMTP_URL`, 'm'));
    expect(r.stdout).toMatch(/^✗ mail-from .*rsvp@localhost\.localdomain → set MAIL_FROM/m);
    expect(r.stdout).toMatch(/^✓ database /m);
    expect(r.stdout + r.stderr).not.toMatch(/Geheim/);
  });

  it('logs in to a real IMAP mailbox, and says so when the password is wrong', async () => {
    const imapUrl = inject('imapUrl');
    const good = JSON.parse((await rsvp(['doctor', '--json'], { IMAP_URL: imapUrl })).stdout) as DoctorJson;
    expect(good.checks.find((c) => c.name === 'mailbox')).toMatchObject({ status: 'pass', detail: expect.stringMatching(/logged in, mailbox exists/) });

    const wrong = new URL(imapUrl);
    wrong.password = 'Verkeerd-wachtwoord-123';
    const bad = await rsvp(['doctor', '--json'], { IMAP_URL: wrong.toString() });
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as DoctorJson;
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'mailbox')).toMatchObject({ status: 'fail', hint: expect.stringMatching(/user and password/) });
    expect(bad.stdout).not.toContain('Verkeerd-wachtwoord-123');
  });

});

describe('rsvp preview', () => {
  it("writes every mail of the event as HTML and text with its title and Dutch date, and lists the paths", async () => {
    expect(JSON.parse((await rsvp(['event', 'import', 'event.yaml', '--json'])).stdout)).toMatchObject({ event: 'dialoog-2026', created: true });
    const r = await rsvp(['preview', 'all', '--event', 'dialoog-2026', '--out', 'preview']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const paths = r.stdout.trim().split('\n');
    for (const template of ['invitation', 'confirmation', 'promoted', 'reminder-invitee', 'reminder-attendee', 'event-update', 'event-cancelled', 'digest', 'notice']) {
      for (const ext of ['html', 'txt']) {
        const file = join(dir, 'preview', `dialoog-2026.${template}.nl.${ext}`);
        expect(paths).toContain(file);
        const content = await readFile(file, 'utf8');
        expect(content, `${template}.${ext}`).toContain('Dialoogsessie Inkoop Jeugdhulp 2027');
      }
    }
    for (const template of ['invitation', 'reminder-invitee', 'confirmation']) {
      for (const ext of ['html', 'txt']) {
        expect(await readFile(join(dir, 'preview', `dialoog-2026.${template}.nl.${ext}`), 'utf8')).toContain('maandag 14 december 2026');
      }
    }
    expect(await readFile(join(dir, 'preview', 'dialoog-2026.invitation.nl.ics'), 'utf8')).toMatch(/METHOD:REQUEST[\s\S]*TZID:Europe\/Amsterdam/);
    expect(await readFile(join(dir, 'preview', 'dialoog-2026.event-cancelled.nl.ics'), 'utf8')).toContain('METHOD:CANCEL');
    expect(existsSync(join(dir, 'preview', 'dialoog-2026.digest.nl.ics'))).toBe(false);
  });

  it('writes English on request, into data/preview/ by default, with --json', async () => {
    const r = await rsvp(['preview', 'invitation,digest', '--event', 'dialoog-2026', '--lang', 'en', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { template: string; language: string; subject: string; html: string; text: string; ics: string | null }[];
    expect(rows.map((x) => x.template)).toEqual(['invitation', 'digest']);
    expect(rows[0]).toMatchObject({ language: 'en', html: join(dir, 'data/preview/dialoog-2026.invitation.en.html'), ics: expect.stringMatching(/\.ics$/) });
    expect(await readFile(rows[0]!.text, 'utf8')).toContain('Monday 14 December 2026');
  });

  it('previews an event file that is not imported yet', async () => {
    await writeFile(join(dir, 'later.yaml'), EVENT_YAML.replace('slug: dialoog-2026', 'slug: later-2026'));
    const r = await rsvp(['preview', 'invitation', '--event', 'later.yaml', '--out', 'preview']);
    expect(r.code).toBe(0);
    expect(await readFile(join(dir, 'preview', 'later-2026.invitation.nl.txt'), 'utf8')).toContain('maandag 14 december 2026');
  });

  it('names the known templates and events when one is unknown', async () => {
    const template = await rsvp(['preview', 'uitnodiging', '--event', 'dialoog-2026']);
    expect(template.code).toBe(1);
    expect(template.stderr.trim().split('\n')).toHaveLength(1);
    expect(template.stderr).toMatch(/no template "uitnodiging" \(known: all, invitation, confirmation/);

    const event = await rsvp(['preview', 'all', '--event', 'dialoog-2062']);
    expect(event.code).toBe(1);
    expect(event.stderr.trim().split('\n')).toHaveLength(1);
    expect(event.stderr).toMatch(/no event with slug "dialoog-2062" \(known: dialoog-2026\); import one with rsvp event import FILE\.yaml/);
  });
});

describe('rsvp doctor on PostgreSQL and on events', () => {
  it('reports a PostgreSQL database that does not exist, without creating it', async () => {
    const url = new URL(inject('postgresServerUrl'));
    const name = `rsvp_doctor_missing_${Date.now()}`;
    url.pathname = `/${name}`;
    const r = await rsvp(['doctor'], { DATABASE_URL: url.toString() });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✗ database .*the database does not exist → run `rsvp db migrate`/m);
    const server = new pg.Client({ connectionString: inject('postgresServerUrl') });
    await server.connect();
    try {
      expect((await server.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount).toBe(0);
    } finally {
      await server.end();
    }
  });

  it('fails an upcoming event without coordinators, naming it', async () => {
    await writeFile(join(dir, 'lonely.yaml'), EVENT_YAML.replace('slug: dialoog-2026', 'slug: zonder-2026').replace('coordinators: [coordinator@inkoop.example]', 'coordinators: []'));
    expect((await rsvp(['event', 'import', 'lonely.yaml'])).code).toBe(0);
    const report = JSON.parse((await rsvp(['doctor', '--json'])).stdout) as DoctorJson;
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'coordinators')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/zonder-2026/), hint: expect.stringMatching(/coordinators/) });
    expect(report.checks.find((c) => c.name === 'coordinators')!.detail).not.toMatch(/dialoog-2026/);
  });
});

describe('every command', () => {
  it('shows examples under --help, and points there after a usage mistake', async () => {
    const typo = await rsvp(['lits', '--event', 'dialoog-2026']);
    expect(typo.code).not.toBe(0);
    expect(typo.stderr.trim().split('\n')).toHaveLength(1);
    expect(typo.stderr).toMatch(/unknown command 'lits' \(Did you mean list\?\) \(--help shows the options and examples\)/);
    for (const command of [[], ['preview'], ['invitees', 'import']]) {
      const r = await rsvp([...command, '--help']);
      expect(r.code, command.join(' ')).toBe(0);
      expect(r.stdout, command.join(' ')).toMatch(new RegExp(`Examples:\\n  # .+\\n  \\$ rsvp ${command.join(' ')}`));
    }
  });

  it('prints JSON with --json, and no progress bar or colour when not on a terminal', async () => {
    const imported = await rsvp(['invitees', 'import', '--event', 'dialoog-2026', 'invitees.csv', '--json']);
    expect(JSON.parse(imported.stdout)).toEqual({ event: 'dialoog-2026', added: 4, updated: 0, unchanged: 0 });
    const invited = await rsvp(['invite', '--event', 'dialoog-2026', '--json']);
    expect(JSON.parse(invited.stdout)).toMatchObject({ invitations: 4, sent: 4 });
    const polled = await rsvp(['poll', '--once', '--json']);
    expect(JSON.parse(polled.stdout)).toMatchObject({ stored: 0, processed: 0 });
    for (const r of [imported, invited, polled]) {
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).not.toContain(ESC);
    }
  });
});
