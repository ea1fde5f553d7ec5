/**
 * An event's attendance list as the coordinator exports it: one row per person on the list
 * (invitees, and anyone who answered without being on it), with the current answer. Reading is
 * the only I/O here; totals and filters are pure so the web page and the exports agree.
 */
import type { PrismaClient } from '../db/client.js';
import { findEvent } from '../events/events.js';

export interface AttendanceRow {
  email: string;
  name: string | null;
  organisation: string | null;
  /** not_invited | invited | accepted | declined | tentative | waitlisted | bounced | needs_review */
  status: string;
  partySize: number | null;
  attendees: string[];
  /** The current answer came after the RSVP deadline. */
  late: boolean;
  respondedAt: Date | null;
}

export interface AttendanceEvent {
  id: string;
  slug: string;
  title: string;
  timezone: string;
  startsAt: Date;
  rsvpDeadline: Date;
  capacity: number | null;
  state: string;
}

export interface Attendance {
  event: AttendanceEvent;
  rows: AttendanceRow[];
}

/** The columns of every export, in order; the names are those of `rsvp list --json` plus `late`. */
export const ATTENDANCE_COLUMNS = ['email', 'name', 'organisation', 'status', 'partySize', 'attendees', 'late', 'respondedAt'] as const;

export const STATUSES = ['not_invited', 'invited', 'accepted', 'declined', 'tentative', 'waitlisted', 'bounced', 'needs_review'] as const;

export async function readAttendance(prisma: PrismaClient, slug: string): Promise<Attendance> {
  const event = await findEvent(prisma, slug);
  const invitees = await prisma.invitee.findMany({
    where: { eventId: event.id },
    include: { organisation: { select: { name: true } } },
    orderBy: [{ createdAt: 'asc' }, { email: 'asc' }],
  });
  return {
    event: {
      id: event.id,
      slug: event.slug,
      title: event.title,
      timezone: event.timezone,
      startsAt: event.startsAt,
      rsvpDeadline: event.rsvpDeadline,
      capacity: event.capacity,
      state: event.state,
    },
    rows: invitees.map((i) => ({
      email: i.email,
      name: i.name,
      organisation: i.organisation?.name ?? null,
      status: i.status,
      partySize: i.partySize,
      attendees: Array.isArray(i.attendees) ? (i.attendees as unknown[]).map(String) : [],
      late: i.late,
      respondedAt: i.respondedAt,
    })),
  };
}

export interface AttendanceTotals {
  /** People on the list, by status (every status present, 0 when none). */
  byStatus: Record<string, number>;
  listed: number;
  /** People coming: the party sizes of everyone accepted (1 when an acceptance named no size). */
  coming: number;
  /** People who may come (tentative) and who wait for a place, counted the same way. */
  maybe: number;
  waiting: number;
  capacity: number | null;
  late: number;
}

export function attendanceTotals(rows: readonly AttendanceRow[], capacity: number | null = null): AttendanceTotals {
  const byStatus: Record<string, number> = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  let coming = 0;
  let maybe = 0;
  let waiting = 0;
  let late = 0;
  for (const r of rows) {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const people = r.partySize ?? 1;
    if (r.status === 'accepted') coming += people;
    else if (r.status === 'tentative') maybe += people;
    else if (r.status === 'waitlisted') waiting += people;
    if (r.late) late++;
  }
  return { byStatus, listed: rows.length, coming, maybe, waiting, capacity, late };
}

export interface AttendanceFilter {
  status?: string | null;
  /** Words that must each occur in the address, name, organisation or attendees (any case). */
  text?: string | null;
}

export function filterAttendance(rows: readonly AttendanceRow[], filter: AttendanceFilter): AttendanceRow[] {
  const words = (filter.text ?? '').toLocaleLowerCase('nl').split(/\s+/).filter(Boolean);
  return rows.filter((r) => {
    if (filter.status && r.status !== filter.status) return false;
    if (words.length === 0) return true;
    const haystack = [r.email, r.name ?? '', r.organisation ?? '', ...r.attendees].join('\n').toLocaleLowerCase('nl');
    return words.every((w) => haystack.includes(w));
  });
}
