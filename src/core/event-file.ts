/**
 * The event file (YAML) of the contract: parsed and validated as a whole, with one problem per
 * line, each with its line number, so nothing is half-imported.
 */
import { IANAZone } from 'luxon';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';

const isoInstant = z
  .union([z.string(), z.date()])
  .transform((v, ctx) => {
    if (v instanceof Date) return v;
    // An instant needs its offset: "2018-11-26T15:00:00" alone would depend on the machine.
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(v.trim())) {
      ctx.addIssue({ code: 'custom', message: `expected an ISO-8601 date-time with offset, e.g. 2018-11-26T15:00:00+01:00, got "${v}"` });
      return z.NEVER;
    }
    const t = Date.parse(v);
    if (Number.isNaN(t)) {
      ctx.addIssue({ code: 'custom', message: `not a valid date-time: "${v}"` });
      return z.NEVER;
    }
    return new Date(t);
  });

const reminderOverrides = z
  .object({
    inviteesDaysBeforeDeadline: z.array(z.number().int().min(0).max(365)).optional(),
    attendeesDaysBeforeEvent: z.array(z.number().int().min(0).max(365)).optional(),
    at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM').optional(),
  })
  .strict();

export const eventFileSchema = z
  .object({
    slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'lower-case letters, digits and dashes, e.g. consultatie-2018'),
    title: z.string().trim().min(1).max(300),
    organiser: z.string().trim().min(1).max(300),
    description: z.string().max(10_000).optional(),
    startsAt: isoInstant,
    endsAt: isoInstant,
    timezone: z.string().refine((zone) => IANAZone.isValidZone(zone), 'not an IANA time zone, e.g. Europe/Amsterdam'),
    location: z.string().trim().min(1).max(500),
    rsvpDeadline: isoInstant,
    capacity: z.number().int().positive().nullable().optional(),
    language: z.enum(['nl', 'en']).default('nl'),
    coordinators: z.array(z.string().trim().toLowerCase().pipe(z.email())).default([]),
    reminders: reminderOverrides.optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.endsAt <= e.startsAt) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    if (e.rsvpDeadline > e.endsAt) ctx.addIssue({ code: 'custom', path: ['rsvpDeadline'], message: 'must not be after the event ends' });
  });

export type EventFile = z.infer<typeof eventFileSchema>;

/** The event as the file states it: what the database stores and the mails show of it. */
export function eventFieldsOf(file: EventFile) {
  return {
    title: file.title,
    organiser: file.organiser,
    description: file.description ?? null,
    startsAt: file.startsAt,
    endsAt: file.endsAt,
    timezone: file.timezone,
    location: file.location,
    rsvpDeadline: file.rsvpDeadline,
    capacity: file.capacity ?? null,
    language: file.language,
  };
}

export interface Problem {
  line: number | null;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

export function parseEventFile(text: string): ParseResult<EventFile> {
  const lineCounter = new LineCounter();
  // YAML 1.2 core schema: "2018-11-26T15:00:00+01:00" stays a string; zod reads it.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (offset: number | undefined) => (offset === undefined ? null : lineCounter.linePos(offset).line);
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({ line: lineOf(e.pos[0]), message: e.message.split('\n')[0]! })),
    };
  }
  if (!isMap(doc.contents)) return { ok: false, problems: [{ line: 1, message: 'expected a mapping of event fields (slug, title, …)' }] };
  const result = eventFileSchema.safeParse(doc.toJS());
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.map(String);
    const node = path.length > 0 ? doc.getIn(path, true) : null;
    let line: number | null = null;
    if (node && (isScalar(node) || typeof node === 'object') && 'range' in (node as object)) {
      line = lineOf((node as { range?: [number, number, number] }).range?.[0]);
    } else if (path.length > 0) {
      // A missing or unknown key: point at the key itself when present, else the document.
      const pair = isMap(doc.contents) ? doc.contents.items.find((p) => isScalar(p.key) && p.key.value === path[0]) : undefined;
      line = pair && isScalar(pair.key) ? lineOf(pair.key.range?.[0]) : null;
    }
    const field = path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(event)');
    const message = issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue.message;
    if (issue.code === 'unrecognized_keys' && isMap(doc.contents)) {
      const pair = doc.contents.items.find((p) => isScalar(p.key) && issue.keys.includes(String(p.key.value)));
      if (pair && isScalar(pair.key)) line = lineOf(pair.key.range?.[0]);
    }
    return { line, message: issue.code === 'unrecognized_keys' ? message : `${field}: ${message}` };
  });
  return { ok: false, problems };
}
