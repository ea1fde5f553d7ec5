/**
 * Events and their invitee lists in the database: import (create or update by slug), invitee
 * import (add or update by address), and the list of the contract's `rsvp list --json`.
 */
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../db/client.js';
import { type EventFile, eventFieldsOf } from '../core/event-file.js';
import type { InviteeRow } from '../core/invitee-csv.js';
import { newToken } from '../inbound/process.js';

export class NotFoundError extends Error {
  readonly code = 'ENOTFOUND';
}

export interface ImportEventResult {
  slug: string;
  created: boolean;
  /** Time or place changed on an existing event: its iCalendar SEQUENCE was raised. */
  rescheduled: boolean;
  /** What the time and place were before, when rescheduled. */
  previous: { startsAt: Date; endsAt: Date; location: string } | null;
}

export async function importEvent(prisma: PrismaClient, file: EventFile, organiserAddress: string, now: Date): Promise<ImportEventResult> {
  const domain = organiserAddress.slice(organiserAddress.lastIndexOf('@') + 1);
  const fields = {
    ...eventFieldsOf(file),
    coordinators: file.coordinators,
    reminders: file.reminders ?? undefined,
  };
  return prisma.$transaction(async (tx) => {
    const existing = await tx.event.findUnique({ where: { slug: file.slug } });
    if (!existing) {
      await tx.event.create({ data: { slug: file.slug, ...fields, icalUid: `${randomUUID()}@${domain}`, createdAt: now } });
      return { slug: file.slug, created: true, rescheduled: false, previous: null };
    }
    const rescheduled =
      existing.startsAt.getTime() !== file.startsAt.getTime() ||
      existing.endsAt.getTime() !== file.endsAt.getTime() ||
      existing.location !== file.location;
    await tx.event.update({
      where: { id: existing.id },
      data: { ...fields, ...(rescheduled ? { sequence: { increment: 1 } } : {}) },
    });
    return {
      slug: file.slug,
      created: false,
      rescheduled,
      previous: rescheduled ? { startsAt: existing.startsAt, endsAt: existing.endsAt, location: existing.location } : null,
    };
  });
}

export async function findEvent(prisma: PrismaClient, slug: string) {
  const event = await prisma.event.findUnique({ where: { slug } });
  if (!event) throw new NotFoundError(`no event with slug "${slug}" (import it first with: rsvp event import FILE.yaml)`);
  return event;
}

export interface ImportInviteesResult {
  added: number;
  updated: number;
  unchanged: number;
}

export interface ImportInviteesOptions {
  /** Called after each row: a progress bar's counter. */
  onProgress?: (done: number, total: number) => void;
}

export async function importInvitees(prisma: PrismaClient, slug: string, rows: InviteeRow[], now: Date, options: ImportInviteesOptions = {}): Promise<ImportInviteesResult> {
  const event = await findEvent(prisma, slug);
  const result: ImportInviteesResult = { added: 0, updated: 0, unchanged: 0 };
  await prisma.$transaction(
    async (tx) => {
      const organisations = new Map<string, string>();
      for (const [index, row] of rows.entries()) {
        options.onProgress?.(index, rows.length);
        let organisationId: string | null = null;
        if (row.organisation) {
          organisationId = organisations.get(row.organisation) ?? null;
          if (!organisationId) {
            const domain = row.email.slice(row.email.lastIndexOf('@') + 1);
            const org = await tx.organisation.upsert({
              where: { name: row.organisation },
              create: { name: row.organisation, domain, createdAt: now },
              update: {},
            });
            organisationId = org.id;
            organisations.set(row.organisation, org.id);
          }
        }
        const existing = await tx.invitee.findUnique({ where: { eventId_email: { eventId: event.id, email: row.email } } });
        if (!existing) {
          await tx.invitee.create({
            data: { eventId: event.id, email: row.email, name: row.name, organisationId, token: newToken(), createdAt: now },
          });
          result.added++;
        } else if ((row.name ?? existing.name) !== existing.name || (organisationId ?? existing.organisationId) !== existing.organisationId) {
          await tx.invitee.update({
            where: { id: existing.id },
            data: { name: row.name ?? existing.name, organisationId: organisationId ?? existing.organisationId },
          });
          result.updated++;
        } else {
          result.unchanged++;
        }
      }
      options.onProgress?.(rows.length, rows.length);
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  return result;
}

export interface ListedInvitee {
  email: string;
  name: string | null;
  organisation: string | null;
  status: string;
  partySize: number | null;
  attendees: string[];
  respondedAt: string | null;
}

/** The contract's `rsvp list --json` rows: everyone on the list, and anyone who answered without being on it. */
export async function listInvitees(prisma: PrismaClient, slug: string): Promise<ListedInvitee[]> {
  const event = await findEvent(prisma, slug);
  const invitees = await prisma.invitee.findMany({
    where: { eventId: event.id },
    include: { organisation: { select: { name: true } } },
    orderBy: [{ createdAt: 'asc' }, { email: 'asc' }],
  });
  return invitees.map((i) => ({
    email: i.email,
    name: i.name,
    organisation: i.organisation?.name ?? null,
    status: i.status,
    partySize: i.partySize,
    attendees: (i.attendees as string[] | null) ?? [],
    respondedAt: i.respondedAt?.toISOString() ?? null,
  }));
}
