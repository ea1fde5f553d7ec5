/**
 * Erasure of one person on request (AVG/GDPR art. 17, "right to be forgotten"): everything the
 * service holds about one address, on every event, goes; what other people's records say about
 * them is cut out of those records.
 *
 * Removed: their invitee rows (with the RSVP history, by cascade), inbound messages from them
 * (raw source and all), outbound mails to them, review items about them or their messages, their
 * suppression row, and the address in events' coordinator lists. Cut out of other rows: the
 * address wherever it appears as text (other people's messages quoting it, raw sources included;
 * coordinators' digests; review details; error texts), their names in other respondents'
 * attendee lists (an exact, case-insensitive match of a name they used: "simple" matching, so
 * a nickname or misspelling stays), and their names in other mails and messages that mention the
 * address. Other respondents' party sizes stay as those respondents stated them.
 *
 * The erasure itself is one transaction. Finding the rows that merely mention the address reads
 * raw sources a page at a time before it (a scan held inside a write transaction would block
 * SQLite's other writers for its whole length); rows found are re-read and rewritten inside it.
 *
 * Not covered: an address inside an encoded raw part (base64, quoted-printable split by a soft
 * line break) cannot be found as text, and copies outside the database (the outbox folder's
 * .eml files, the mailbox itself, backups) are the operator's to remove. The suppression row goes
 * too, so a later import of the address would mail them again: that is the organiser's choice.
 */
import type { Prisma, PrismaClient } from '../db/client.js';

export interface ForgetSummary {
  email: string;
  invitees: number;
  rsvps: number;
  inboundMessages: number;
  outboundMails: number;
  reviewItems: number;
  /** Names of theirs taken out of other respondents' attendee lists (invitees, RSVP history, messages). */
  attendeeNames: number;
  /** Other rows in which the address (and their names) was replaced by ERASED. */
  redacted: number;
  coordinatorLists: number;
  suppressions: number;
}

export interface ForgetResult {
  summary: ForgetSummary;
  /** Message-IDs of the deleted mails to the person: their copies outside the database go too (the outbox folder). */
  erasedMailIds: string[];
  /** Message-IDs of other mails that were rewritten without the address or names. */
  redactedMailIds: string[];
}

export class ForgetError extends Error {
  readonly code = 'EFORGET';
}

/** What replaces the address and names in other people's records. */
export const ERASED = '[erased]';

const PAGE = 200;

export async function forgetPerson(prisma: PrismaClient, rawEmail: string, options: { provider: 'sqlite' | 'postgresql' }): Promise<ForgetResult> {
  const email = rawEmail.trim().toLowerCase();
  // SQLite's LIKE ignores ASCII case already; PostgreSQL needs to be told.
  const ci = options.provider === 'postgresql' ? { mode: 'insensitive' as const } : {};
  if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(email)) throw new ForgetError(`not an email address: "${rawEmail}"`);

  // Read-only search before the transaction: rows that mention the address without being theirs.
  const mentioningMessages = await scanInbound(prisma, email);
  const mentioningMails = await scanOutbound(prisma, email);

  return prisma.$transaction(
    async (tx) => {
      const invitees = await tx.invitee.findMany({ where: { email }, select: { id: true, name: true, eventId: true } });
      const inviteeIds = invitees.map((i) => i.id);
      const fromThem = await tx.inboundMessage.findMany({
        where: { OR: [{ fromAddress: email }, ...(inviteeIds.length ? [{ inviteeId: { in: inviteeIds } }] : []), ...(mentioningMessages.fromThem.length ? [{ id: { in: mentioningMessages.fromThem } }] : [])] },
        select: { id: true, fromName: true },
      });
      const messageIds = fromThem.map((m) => m.id);
      const names = namesOf([...invitees.map((i) => i.name), ...fromThem.map((m) => m.fromName)]);

      const reviewWhere: Prisma.ReviewItemWhereInput = {
        OR: [...(inviteeIds.length ? [{ inviteeId: { in: inviteeIds } }] : []), ...(messageIds.length ? [{ messageId: { in: messageIds } }] : [])],
      };
      const reviewItems = reviewWhere.OR!.length ? (await tx.reviewItem.deleteMany({ where: reviewWhere })).count : 0;
      const toThem: Prisma.OutboundMailWhereInput = { OR: [{ toAddress: email }, ...(inviteeIds.length ? [{ inviteeId: { in: inviteeIds } }] : [])] };
      const erasedMailIds = (await tx.outboundMail.findMany({ where: toThem, select: { messageId: true } })).map((m) => m.messageId);
      const outboundMails = (await tx.outboundMail.deleteMany({ where: toThem })).count;
      const rsvps = inviteeIds.length ? (await tx.rsvp.deleteMany({ where: { inviteeId: { in: inviteeIds } } })).count : 0;
      const inboundMessages = messageIds.length ? (await tx.inboundMessage.deleteMany({ where: { id: { in: messageIds } } })).count : 0;
      const inviteeCount = inviteeIds.length ? (await tx.invitee.deleteMany({ where: { id: { in: inviteeIds } } })).count : 0;
      const suppressions = (await tx.suppression.deleteMany({ where: { email } })).count;

      let attendeeNames = 0;
      let redacted = 0;
      const redact = (text: string) => redactText(text, email, names);

      // Other respondents' attendee lists, on the events this person was on. Whoever named
      // them there also has mails and messages that name them: those lose the names too.
      const eventIds = [...new Set(invitees.map((i) => i.eventId))];
      const namingInvitees = new Set<string>();
      const namingMessages = new Set<string>();
      if (names.length && eventIds.length) {
        for (const other of await tx.invitee.findMany({ where: { eventId: { in: eventIds } }, select: { id: true, attendees: true } })) {
          const kept = withoutNames(other.attendees, names);
          if (kept) {
            attendeeNames += kept.removed;
            namingInvitees.add(other.id);
            await tx.invitee.update({ where: { id: other.id }, data: { attendees: kept.list } });
          }
        }
        for (const row of await tx.rsvp.findMany({ where: { eventId: { in: eventIds } }, select: { id: true, inviteeId: true, messageId: true, attendees: true } })) {
          const kept = withoutNames(row.attendees, names);
          if (kept) {
            attendeeNames += kept.removed;
            namingInvitees.add(row.inviteeId);
            if (row.messageId) namingMessages.add(row.messageId);
            await tx.rsvp.update({ where: { id: row.id }, data: { attendees: kept.list } });
          }
        }
        for (const row of await tx.inboundMessage.findMany({ where: { eventId: { in: eventIds } }, select: { id: true, attendees: true } })) {
          const kept = withoutNames(row.attendees, names);
          if (kept) {
            attendeeNames += kept.removed;
            namingMessages.add(row.id);
            await tx.inboundMessage.update({ where: { id: row.id }, data: { attendees: kept.list } });
          }
        }
      }
      const namingMails = namingInvitees.size
        ? (await tx.outboundMail.findMany({ where: { inviteeId: { in: [...namingInvitees] } }, select: { id: true } })).map((m) => m.id)
        : [];

      // Other people's messages and mails that mention the address or name them: re-read, rewritten.
      const gone = new Set(messageIds);
      for (const id of new Set([...mentioningMessages.mentioning, ...namingMessages])) {
        if (gone.has(id)) continue;
        const row = await tx.inboundMessage.findUnique({ where: { id } });
        if (!row) continue;
        const always = namingMessages.has(id);
        const clean = (text: string) => (always ? eraseNames(redact(text), names) : redact(text));
        const data = redactRow(row, ['fromName', 'subject', 'replyText', 'outcome', 'error', 'inReplyTo'], ['references', 'reasons', 'attendees'], clean);
        const raw = redactRaw(row.raw, email, always ? names : []);
        if (raw) data.raw = raw;
        if (Object.keys(data).length) {
          await tx.inboundMessage.update({ where: { id }, data });
          redacted++;
        }
      }
      const namingMailSet = new Set(namingMails);
      const redactedMailIds: string[] = [];
      for (const id of new Set([...mentioningMails, ...namingMails])) {
        const row = await tx.outboundMail.findUnique({ where: { id } });
        if (!row) continue;
        const clean = (text: string) => (namingMailSet.has(id) ? eraseNames(redact(text), names) : redact(text));
        const data = redactRow(row, ['subject', 'text', 'html', 'ics', 'lastError'], ['headers', 'references'], clean);
        const toName = row.toName ? redact(row.toName) : row.toName;
        if (toName !== row.toName) data.toName = toName;
        if (Object.keys(data).length) {
          await tx.outboundMail.update({ where: { id }, data });
          redactedMailIds.push(row.messageId);
          redacted++;
        }
      }
      for (const row of await tx.reviewItem.findMany({ where: { detail: { contains: email, ...ci } }, select: { id: true, detail: true } })) {
        const detail = redact(row.detail!);
        if (detail !== row.detail) {
          await tx.reviewItem.update({ where: { id: row.id }, data: { detail } });
          redacted++;
        }
      }
      for (const row of await tx.invitee.findMany({ where: { bounceReason: { contains: email, ...ci } }, select: { id: true, bounceReason: true } })) {
        const bounceReason = redact(row.bounceReason!);
        if (bounceReason !== row.bounceReason) {
          await tx.invitee.update({ where: { id: row.id }, data: { bounceReason } });
          redacted++;
        }
      }
      for (const row of await tx.suppression.findMany({ where: { detail: { contains: email, ...ci } }, select: { email: true, detail: true } })) {
        const detail = redact(row.detail!);
        if (detail !== row.detail) {
          await tx.suppression.update({ where: { email: row.email }, data: { detail } });
          redacted++;
        }
      }
      for (const row of await tx.mailboxState.findMany({ where: { lastError: { contains: email, ...ci } }, select: { id: true, lastError: true } })) {
        const lastError = redact(row.lastError!);
        if (lastError !== row.lastError) {
          await tx.mailboxState.update({ where: { id: row.id }, data: { lastError } });
          redacted++;
        }
      }
      for (const row of await tx.scheduledRun.findMany({ where: { error: { contains: email, ...ci } }, select: { id: true, error: true } })) {
        const data = redactRow(row, ['error'], [], redact);
        if (Object.keys(data).length) {
          await tx.scheduledRun.update({ where: { id: row.id }, data });
          redacted++;
        }
      }

      // Coordinator lists, and anything else of an event's that names the address.
      let coordinatorLists = 0;
      for (const event of await tx.event.findMany({ select: { id: true, coordinators: true, description: true, organiser: true, location: true } })) {
        const data: Prisma.EventUpdateInput = {};
        const list = Array.isArray(event.coordinators) ? (event.coordinators as unknown[]) : [];
        const keep = list.filter((c) => typeof c !== 'string' || c.trim().toLowerCase() !== email);
        if (keep.length !== list.length) {
          data.coordinators = keep as Prisma.InputJsonValue;
          coordinatorLists++;
        }
        for (const field of ['description', 'organiser', 'location'] as const) {
          const value = event[field];
          if (typeof value === 'string' && containsAddress(value, email)) data[field] = redactText(value, email, []);
        }
        if (Object.keys(data).length) await tx.event.update({ where: { id: event.id }, data });
      }

      return {
        summary: { email, invitees: inviteeCount, rsvps, inboundMessages, outboundMails, reviewItems, attendeeNames, redacted, coordinatorLists, suppressions },
        erasedMailIds,
        redactedMailIds,
      };
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function containsAddress(text: string, email: string): boolean {
  return text.toLowerCase().includes(email);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * The address (any case) replaced by ERASED, and, in a text that mentions the address, the given
 * names too: a digest row "Roel Sinke <roel@…>". Names are not cut from text that neither mentions
 * the address nor belongs to someone who named the person as an attendee: there the same name
 * may well be someone else's.
 */
export function redactText(text: string, email: string, names: readonly string[]): string {
  if (!containsAddress(text, email)) return text;
  return eraseNames(text.replace(new RegExp(escapeRegExp(email), 'gi'), ERASED), names);
}

/** The names (as written, or HTML-escaped) replaced by ERASED where they stand as whole words. */
export function eraseNames(text: string, names: readonly string[]): string {
  let out = text;
  for (const name of names) {
    const escaped = name.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
    const forms = [...new Set([name, escaped])].map(escapeRegExp).join('|');
    out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])(?:${forms})(?![\\p{L}\\p{N}])`, 'giu'), ERASED);
  }
  return out;
}

/** Names of the person worth matching: at least two characters, each once. */
function namesOf(values: (string | null | undefined)[]): string[] {
  const seen = new Map<string, string>();
  for (const v of values) {
    const name = v?.replace(/\s+/g, ' ').trim();
    if (name && name.length >= 2 && !name.includes('@')) seen.set(name.toLowerCase(), name);
  }
  return [...seen.values()];
}

function withoutNames(list: unknown, names: readonly string[]): { list: string[]; removed: number } | null {
  if (!Array.isArray(list)) return null;
  const lower = new Set(names.map((n) => n.toLowerCase()));
  const kept = (list as unknown[]).filter((n): n is string => typeof n === 'string').filter((n) => !lower.has(n.replace(/\s+/g, ' ').trim().toLowerCase()));
  const removed = list.length - kept.length;
  return removed > 0 ? { list: kept, removed } : null;
}

/** Text and JSON fields of a row with the address redacted: only the fields that changed. */
function redactRow<T extends Record<string, unknown>>(row: T, textFields: (keyof T & string)[], jsonFields: (keyof T & string)[], redact: (s: string) => string): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const field of textFields) {
    const value = row[field];
    if (typeof value === 'string') {
      const next = redact(value);
      if (next !== value) data[field] = next;
    }
  }
  for (const field of jsonFields) {
    const value = row[field];
    if (value === null || value === undefined) continue;
    const text = JSON.stringify(value);
    const next = redactJson(value, redact);
    if (JSON.stringify(next) !== text) data[field] = next;
  }
  return data;
}

function redactJson(value: unknown, redact: (s: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactJson(v, redact));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactJson(v, redact)]));
  return value;
}

/**
 * The raw source with the address (and the names, when given) replaced, byte for byte through
 * latin1, which keeps every other byte; a UTF-8 name is looked for as its bytes. Null if unchanged.
 */
function redactRaw(raw: Uint8Array, email: string, names: readonly string[]): Uint8Array | null {
  const text = Buffer.from(raw).toString('latin1');
  let out = text.replace(new RegExp(escapeRegExp(email), 'gi'), ERASED);
  for (const name of names) {
    const bytes = Buffer.from(name, 'utf8').toString('latin1');
    out = out.replace(new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(bytes)}(?![A-Za-z0-9])`, 'gi'), ERASED);
  }
  return out === text ? null : new Uint8Array(Buffer.from(out, 'latin1'));
}

/** Messages from the person whose sender is not recorded yet (not processed), and others' messages that mention them. */
async function scanInbound(prisma: PrismaClient, email: string): Promise<{ fromThem: string[]; mentioning: string[] }> {
  const fromThem: string[] = [];
  const mentioning: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await prisma.inboundMessage.findMany({
      orderBy: { id: 'asc' },
      take: PAGE,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      select: { id: true, raw: true, fromAddress: true, fromName: true, subject: true, replyText: true, outcome: true, error: true, inReplyTo: true, references: true, reasons: true, attendees: true },
    });
    if (page.length === 0) break;
    cursor = page[page.length - 1]!.id;
    for (const row of page) {
      if (row.fromAddress === email) continue; // found by the transaction itself
      const head = headerBlock(row.raw);
      if (row.fromAddress === null && fromHeaderHas(head, email)) {
        fromThem.push(row.id);
        continue;
      }
      const { raw, ...fields } = row;
      if (containsAddress(Buffer.from(raw).toString('latin1'), email) || containsAddress(JSON.stringify(fields), email)) mentioning.push(row.id);
    }
  }
  return { fromThem, mentioning };
}

async function scanOutbound(prisma: PrismaClient, email: string): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await prisma.outboundMail.findMany({
      orderBy: { id: 'asc' },
      take: PAGE,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      where: { NOT: { toAddress: email } },
      select: { id: true, toName: true, subject: true, text: true, html: true, ics: true, headers: true, references: true, lastError: true },
    });
    if (page.length === 0) break;
    cursor = page[page.length - 1]!.id;
    for (const row of page) if (containsAddress(JSON.stringify(row), email)) found.push(row.id);
  }
  return found;
}

function headerBlock(raw: Uint8Array): string {
  const buf = Buffer.from(raw);
  const end = buf.indexOf('\r\n\r\n');
  return buf.subarray(0, end < 0 ? Math.min(buf.length, 64 * 1024) : end).toString('latin1');
}

function fromHeaderHas(head: string, email: string): boolean {
  const m = /^from:([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/im.exec(head);
  return !!m && m[1]!.toLowerCase().includes(email);
}
