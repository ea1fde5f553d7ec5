/** The human-readable form of `rsvp list`: one line per invitee, then totals. */
import type { ListedInvitee } from '../events/events.js';
import { printable } from './printable.js';

export function formatTable(rows: ListedInvitee[]): string {
  const header = ['status', 'people', 'email', 'name', 'organisation', 'attendees'];
  // Names and attendees can come from a sender's From header: no control characters to the terminal.
  const lines = rows.map((r) => [
    r.status,
    r.partySize === null ? '' : String(r.partySize),
    printable(r.email),
    printable(r.name ?? ''),
    printable(r.organisation ?? ''),
    printable(r.attendees.join(', ')),
  ]);
  const widths = header.map((h, i) => Math.min(40, Math.max(h.length, ...lines.map((l) => l[i]!.length))));
  const fmt = (cells: string[]) => cells.map((c, i) => (c.length > widths[i]! ? c.slice(0, widths[i]! - 1) + '…' : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const people = rows.filter((r) => r.status === 'accepted').reduce((n, r) => n + (r.partySize ?? 1), 0);
  const totals = [...counts].map(([s, n]) => `${s} ${n}`).join(', ');
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...lines.map(fmt), '', `${rows.length} on the list: ${totals}; ${people} people coming`].join('\n');
}
