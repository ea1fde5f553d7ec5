/**
 * Storing new mail: the mailbox is told a message is stored only after the batch is committed
 * and made durable (Database.flush), so a Maildir file moved to cur/ is never ahead of the
 * database, on either provider.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/client.js';
import { ingest } from '../src/inbound/ingest.js';
import type { FetchedMessage, MailboxSource } from '../src/mailbox/types.js';
import { silentLogger } from '../src/log.js';
import { freshDatabase, PROVIDERS, type TestDatabase } from './support/databases.js';

function reply(n: number): Buffer {
  return Buffer.from(
    [
      `From: Invitee ${n} <invitee${n}@zorg.example>`,
      'To: organiser@example.test',
      `Subject: RE: Uitnodiging`,
      `Message-ID: <ingest-${n}-${randomBytes(4).toString('hex')}@zorg.example>`,
      '',
      'Ik kom graag.',
      '',
    ].join('\r\n'),
  );
}

/** A mailbox of `count` messages that records, at each acknowledgement, how many rows the database holds. */
function recordingMailbox(db: Database, count: number, events: string[]) {
  const messages: FetchedMessage[] = Array.from({ length: count }, (_, i) => ({ raw: reply(i), size: 0, maildirKey: `m${i}` }));
  const acked = new Set<string>();
  const source: MailboxSource = {
    key: `maildir:/test/${randomBytes(3).toString('hex')}`,
    kind: 'maildir',
    async *fetchNew(_cursor, options) {
      let n = 0;
      for (const m of messages) {
        if (acked.has(m.maildirKey!)) continue;
        if (options?.limit !== undefined && n++ >= options.limit) return;
        yield m;
      }
    },
    async acknowledge(m) {
      const stored = await db.prisma.inboundMessage.count();
      events.push(`ack ${m.maildirKey} stored=${stored}`);
      acked.add(m.maildirKey!);
    },
    async close() {},
  };
  return source;
}

describe.each(PROVIDERS)('ingest on %s', (provider) => {
  let fresh: TestDatabase;
  let db: Database;
  afterAll(async () => {
    await db?.close();
    await fresh?.drop();
  });

  it('flushes each committed batch before the mailbox is told', async () => {
    fresh = await freshDatabase(provider);
    db = await openDatabase(fresh.url);
    const events: string[] = [];
    const mailbox = recordingMailbox(db, 5, events);
    const summary = await ingest({
      prisma: db.prisma,
      mailbox,
      logger: silentLogger(),
      now: new Date('2026-11-23T10:00:00Z'),
      batchSize: 2,
      maxBytes: 1_000_000,
      flush: async () => {
        events.push(`flush stored=${await db.prisma.inboundMessage.count()}`);
        await db.flush();
      },
    });
    expect(summary.stored).toBe(5);
    // Batches of 2, 2 and 1: each flush sees its batch committed, and comes before its acks.
    expect(events).toEqual([
      'flush stored=2', 'ack m0 stored=2', 'ack m1 stored=2',
      'flush stored=4', 'ack m2 stored=4', 'ack m3 stored=4',
      'flush stored=5', 'ack m4 stored=5',
    ]);
  });
});
