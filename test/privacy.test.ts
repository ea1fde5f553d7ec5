/**
 * `rsvp forget EMAIL` (AVG/GDPR art. 17) on SQLite and PostgreSQL: after it, no row of any table
 * holds the address, in any column (raw sources and JSON included, every table the database has,
 * found from its catalogue), while the other respondents keep their answers, minus the erased
 * person's name in their attendee lists.
 */
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { simpleParser } from 'mailparser';
import { runInvite } from '../jobs/invite.js';
import { runPoll } from '../jobs/poll.js';
import { runDigest } from '../jobs/digest.js';
import { main } from '../src/cli/main.js';
import { listInvitees } from '../src/events/events.js';
import type { App } from '../src/app.js';
import { PROVIDERS } from './support/databases.js';
import { EVENT_YAML, type Harness, createHarness, reply, seedEvent } from './support/harness.js';

const NOW = '2026-11-23T09:00:00Z';
const ROEL = 'roel@zorgpunt.example';

const SECOND_EVENT = EVENT_YAML.replace('slug: dialoog-2026', 'slug: werksessie-2026')
  .replace(/^title: .*$/m, 'title: "Werksessie Jeugdhulp"')
  .replace(/^coordinators: .*$/m, `coordinators: [coordinator@inkoop.example, ${ROEL}]`);

/** Every row of every table in the database, each as one text (bytes as latin1, JSON as JSON). */
async function everyRow(app: App): Promise<{ table: string; text: string }[]> {
  const { prisma } = app.db;
  const tables =
    app.db.target.provider === 'sqlite'
      ? (await prisma.$queryRawUnsafe<{ name: string }[]>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).map((t) => t.name)
      : (await prisma.$queryRawUnsafe<{ table_name: string }[]>("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")).map((t) => t.table_name);
  expect(tables).toEqual(expect.arrayContaining(['Invitee', 'Rsvp', 'InboundMessage', 'OutboundMail', 'ReviewItem', 'Event', 'Suppression']));
  const rows: { table: string; text: string }[] = [];
  for (const table of tables) {
    for (const row of await prisma.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${table}"`)) {
      const text = JSON.stringify(row, (_k, v: unknown) => {
        if (typeof v === 'bigint') return v.toString();
        if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer') return Buffer.from((v as { data: number[] }).data).toString('latin1');
        if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
        return v;
      });
      rows.push({ table, text });
    }
  }
  return rows;
}

const holding = (rows: { table: string; text: string }[], needle: string) => rows.filter((r) => r.text.toLowerCase().includes(needle.toLowerCase())).map((r) => r.table);

async function forgetThroughCli(h: Harness, email: string): Promise<Record<string, unknown>> {
  const saved = { ...process.env };
  const out: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    // The harness's outbox folder, so the copies of sent mail there are erased too.
    const config = join(await mkdtemp(join(tmpdir(), 'rsvp-forget-')), 'rsvp.yaml');
    await writeFile(config, `outbox:\n  folder: ${JSON.stringify(h.app.config.paths.outbox)}\n`);
    Object.assign(process.env, { DATABASE_URL: h.db.url, RSVP_NOW: NOW, RSVP_CONFIG: config });
    expect(await main(['forget', email, '--json'])).toBe(0);
  } finally {
    write.mockRestore();
    process.env = saved;
  }
  return JSON.parse(out.join('').trim().split('\n').pop()!) as Record<string, unknown>;
}

describe.each(PROVIDERS)('rsvp forget on %s', (provider) => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness(provider, { RSVP_NOW: NOW });
    await seedEvent(h.app);
    await seedEvent(h.app, SECOND_EVENT);
    await runInvite(h.app, 'dialoog-2026');
    await runInvite(h.app, 'werksessie-2026');
  });
  afterEach(async () => h?.close());

  it('leaves no trace of the address in any table, and the others their answers', async () => {
    const { prisma } = h.app.db;
    const invitation = async (email: string, slug: string) =>
      (await prisma.outboundMail.findFirstOrThrow({ where: { kind: 'invitation', toAddress: email, event: { slug } } })).messageId;
    await h.drop('roel', reply({ from: 'Roel Sinke <roel@zorgpunt.example>', inReplyTo: await invitation(ROEL, 'dialoog-2026'), body: 'Wij komen met twee personen: Roel Sinke en Petra de Boer.' }));
    await h.drop('jan', reply({ from: 'Jan Jansen <jan@walcheren.example>', inReplyTo: await invitation('jan@walcheren.example', 'dialoog-2026'), body: 'Wij komen met twee personen: Jan Jansen en Roel Sinke.' }));
    await h.drop('sarah', reply({ from: 'Sarah Maas <sarah@delta.example>', inReplyTo: await invitation('sarah@delta.example', 'dialoog-2026'), body: 'Ik kom graag. Mijn contact was Roel@Zorgpunt.example.' }));
    await h.drop('vraag', reply({ from: 'Roel Sinke <roel@zorgpunt.example>', inReplyTo: await invitation(ROEL, 'werksessie-2026'), body: 'Is er parkeergelegenheid bij het stadhuis?' }));
    await runPoll(h.app);
    await runDigest(h.app);

    const before = await everyRow(h.app);
    // The fixture reaches every kind of place the address can be.
    expect(new Set(holding(before, ROEL))).toEqual(new Set(['Event', 'Invitee', 'InboundMessage', 'OutboundMail']));
    expect(await prisma.reviewItem.count({ where: { invitee: { email: ROEL } } })).toBe(1);
    const jan = async () => (await listInvitees(prisma, 'dialoog-2026')).find((i) => i.email === 'jan@walcheren.example');
    expect((await jan())?.attendees).toContain('Roel Sinke');

    const summary = await forgetThroughCli(h, 'Roel@Zorgpunt.example');
    expect(summary).toMatchObject({ email: ROEL, invitees: 2, inboundMessages: 2, rsvps: 1, reviewItems: 1, coordinatorLists: 1 });
    expect(summary.outboundMails).toBeGreaterThanOrEqual(4); // two invitations, the confirmation, the digest to Roel as coordinator
    expect(summary.attendeeNames).toBeGreaterThanOrEqual(2); // Jan's list on the invitee and in his RSVP history

    const after = await everyRow(h.app);
    // The outbox folder (the embedded default's sent mail): Roel's mails gone, the address out of the others.
    const folder = h.app.config.paths.outbox;
    const files = (await readdir(folder)).filter((f) => f.endsWith('.eml'));
    expect(files.length).toBeGreaterThan(0);
    expect(summary.outboxFiles).toBeGreaterThanOrEqual(summary.outboundMails as number);
    for (const file of files) {
      const raw = await readFile(join(folder, file));
      expect(raw.toString('latin1').toLowerCase(), file).not.toContain(ROEL);
      const parsed = await simpleParser(raw);
      expect(`${parsed.text ?? ''}${parsed.html || ''}${JSON.stringify(parsed.to)}`.toLowerCase(), file).not.toContain(ROEL);
    }
    expect(holding(after, ROEL)).toEqual([]);
    expect(holding(after, 'Roel Sinke')).toEqual([]);
    expect(await jan()).toMatchObject({ status: 'accepted', partySize: 2, attendees: ['Jan Jansen'] });
    // Sarah arrived when the four places were taken: she keeps her place on the waiting list.
    expect((await listInvitees(prisma, 'dialoog-2026')).find((i) => i.email === 'sarah@delta.example')).toMatchObject({ status: 'waitlisted' });
    const sarah = await prisma.inboundMessage.findFirstOrThrow({ where: { fromAddress: 'sarah@delta.example' } });
    expect(sarah.replyText).toContain('[erased]');
    // A second request finds nothing more.
    expect(await forgetThroughCli(h, ROEL)).toMatchObject({ invitees: 0, inboundMessages: 0, outboundMails: 0, redacted: 0 });
  });
});
