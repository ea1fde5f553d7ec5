/**
 * `rsvp preview`: every mail the service sends about an event, written to files the way it
 * would go out (HTML part, text part, and the .ics where there is one), so a coordinator can
 * read the wording and dates before the first invitation leaves. The mails are composed by the
 * same functions the jobs use (src/mail/compose.ts), from the event as stored (or an event file
 * not yet imported) and from its real invitees where there are any, else sample people.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { PrismaClient } from '../db/client.js';
import { type EventFile, eventFieldsOf } from '../core/event-file.js';
import type { Language } from '../core/dates.js';
import {
  type ComposedMail,
  type DigestFacts,
  type EventFields,
  type InviteeFields,
  composeDigest,
  composeEventCancelled,
  composeEventUpdate,
  composeInvitation,
  composeReminder,
  composeRsvpMail,
} from '../mail/compose.js';
import { type MailRenderer, TEMPLATE_NAMES } from '../mail/templates.js';

/** The mails of `all`: every template, in the order a person meets them. */
export const PREVIEW_TEMPLATES = TEMPLATE_NAMES;
/** The other confirmations, by the name the state machine gives them; asked for by name only. */
export const EXTRA_TEMPLATES = ['confirmation-declined', 'confirmation-tentative', 'waitlisted'] as const;
export type PreviewTemplate = (typeof PREVIEW_TEMPLATES)[number] | (typeof EXTRA_TEMPLATES)[number];

export class PreviewError extends Error {
  readonly code = 'EUSAGE';
}

/** "all", one name, or a comma-separated list → the templates, or a PreviewError naming the known ones. */
export function chooseTemplates(spec: string): PreviewTemplate[] {
  if (spec === 'all') return [...PREVIEW_TEMPLATES];
  const known = [...PREVIEW_TEMPLATES, ...EXTRA_TEMPLATES] as readonly string[];
  const names = spec.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length || names.length === 0) {
    throw new PreviewError(`no template "${unknown[0] ?? spec}" (known: all, ${known.join(', ')})`);
  }
  return [...new Set(names)] as PreviewTemplate[];
}

export interface PreviewEvent extends EventFields {
  slug: string;
}

/** An event file not yet imported, as the mails would show it. */
export function eventFromFile(file: EventFile, organiserAddress: string): PreviewEvent {
  return {
    slug: file.slug,
    ...eventFieldsOf(file),
    icalUid: `preview-${file.slug}@${organiserAddress.slice(organiserAddress.lastIndexOf('@') + 1)}`,
    sequence: 0,
  };
}

export interface PreviewPeople {
  /** The addressee of the invitee mails. */
  invitee: InviteeFields;
  facts: DigestFacts;
}

const SAMPLE_INVITEE: InviteeFields = {
  email: 'jan.jansen@aanbieder.example',
  name: 'Jan Jansen',
  status: 'accepted',
  partySize: 2,
  attendees: ['Jan Jansen', 'Petra de Boer'],
};

/** Sample people for an event with no invitees yet (or not in the database). */
export function samplePeople(now: Date): PreviewPeople {
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3_600_000);
  return {
    invitee: SAMPLE_INVITEE,
    facts: {
      invitees: [
        { ...SAMPLE_INVITEE, attendees: SAMPLE_INVITEE.attendees as string[], late: false, bounceReason: null, bouncedAt: null },
        { email: 'r.sinke@zorgpunt.example', name: 'Roel Sinke', status: 'declined', partySize: 0, attendees: [], late: false, bounceReason: null, bouncedAt: null },
        { email: 'm.de.vries@kindkracht.example', name: 'Marieke de Vries', status: 'tentative', partySize: 1, attendees: ['Marieke de Vries'], late: false, bounceReason: null, bouncedAt: null },
        { email: 'h.bakker@linde.example', name: 'Henk Bakker', status: 'invited', partySize: null, attendees: [], late: false, bounceReason: null, bouncedAt: null },
        { email: 'oud@weg.example', name: null, status: 'bounced', partySize: null, attendees: [], late: false, bounceReason: '550 5.1.1 user unknown', bouncedAt: at(20) },
      ],
      changes: [{ email: SAMPLE_INVITEE.email, name: SAMPLE_INVITEE.name, from: 'invited', to: 'accepted', partySize: 2, late: false, at: at(5) }],
      reviews: [{ at: at(3), reason: 'low_confidence', detail: 'Misschien komt mijn collega.', from: 't.kok@ambulant.example', subject: 'RE: Uitnodiging' }],
      since: at(24),
    },
  };
}

/** The event's own people: an accepted invitee as addressee where there is one, and the digest's facts. */
export async function realPeople(prisma: PrismaClient, eventId: string, now: Date): Promise<PreviewPeople | null> {
  const invitees = await prisma.invitee.findMany({
    where: { eventId },
    select: { email: true, name: true, status: true, partySize: true, attendees: true, late: true, bounceReason: true, bouncedAt: true },
    orderBy: [{ createdAt: 'asc' }, { email: 'asc' }],
  });
  if (invitees.length === 0) return null;
  const since = new Date(now.getTime() - 86_400_000);
  const [changes, reviews] = await Promise.all([
    prisma.rsvp.findMany({
      where: { eventId, recordedAt: { gt: since } },
      orderBy: { recordedAt: 'asc' },
      include: { invitee: { select: { email: true, name: true } } },
      take: 200,
    }),
    prisma.reviewItem.findMany({
      where: { state: 'open', eventId },
      orderBy: { createdAt: 'asc' },
      include: { message: { select: { fromAddress: true, subject: true } } },
      take: 50,
    }),
  ]);
  const chosen = invitees.find((i) => i.status === 'accepted') ?? invitees[0]!;
  const names = Array.isArray(chosen.attendees) ? (chosen.attendees as string[]) : [];
  return {
    // Invitee mails speak of coming with N people: someone who has not answered yet gets sample figures.
    invitee: { ...chosen, partySize: chosen.partySize ?? 1, attendees: names.length ? names : chosen.name ? [chosen.name] : [] },
    facts: {
      invitees: invitees.map((i) => ({ ...i, attendees: Array.isArray(i.attendees) ? (i.attendees as string[]) : [] })),
      changes: changes.map((c) => ({ email: c.invitee.email, name: c.invitee.name, from: c.fromStatus, to: c.toStatus, partySize: c.partySize, late: c.late, at: c.recordedAt })),
      reviews: reviews.map((r) => ({ at: r.createdAt, reason: r.reason, detail: r.detail, from: r.message?.fromAddress ?? null, subject: r.message?.subject ?? null })),
      since,
    },
  };
}

export interface PreviewRequest {
  renderer: MailRenderer;
  event: PreviewEvent;
  people: PreviewPeople;
  organiser: { address: string; name: string | null };
  /** The language to show; the event's own when not given. */
  language?: Language;
  templates: PreviewTemplate[];
  outDir: string;
  now: Date;
}

export interface PreviewResult {
  template: PreviewTemplate;
  language: Language;
  subject: string;
  html: string;
  text: string;
  ics: string | null;
}

/** Composes each template and writes <slug>.<template>.<lang>.html/.txt(/.ics) into outDir. */
export async function writePreviews(request: PreviewRequest): Promise<PreviewResult[]> {
  const language: Language = request.language ?? (request.event.language === 'en' ? 'en' : 'nl');
  // The compose functions take the language from the event.
  const event: PreviewEvent = { ...request.event, language };
  const outDir = resolve(request.outDir);
  await mkdir(outDir, { recursive: true });
  const results: PreviewResult[] = [];
  for (const template of request.templates) {
    const mail = await compose(request, event, template, language);
    const base = join(outDir, `${event.slug}.${template}.${language}`);
    await writeFile(`${base}.html`, mail.html);
    await writeFile(`${base}.txt`, `${mail.text.replace(/\s*$/, '')}\n`);
    if (mail.ics) await writeFile(`${base}.ics`, mail.ics.content);
    results.push({ template, language, subject: mail.subject, html: `${base}.html`, text: `${base}.txt`, ics: mail.ics ? `${base}.ics` : null });
  }
  return results;
}

async function compose(request: PreviewRequest, event: PreviewEvent, template: PreviewTemplate, language: Language): Promise<ComposedMail> {
  const { renderer, organiser, people } = request;
  const invitee = people.invitee;
  switch (template) {
    case 'invitation':
      return composeInvitation(renderer, { event, invitee: { ...invitee, status: 'invited' }, organiser });
    case 'confirmation':
    case 'confirmation-declined':
    case 'confirmation-tentative':
    case 'waitlisted': {
      const kind = template === 'confirmation' ? 'confirmation-accepted' : template;
      return composeRsvpMail(renderer, { template: kind, event, invitee, late: false, cancelCalendar: kind === 'confirmation-declined', organiser });
    }
    case 'promoted':
      return composeRsvpMail(renderer, { template: 'promoted', event, invitee, late: false, cancelCalendar: false, organiser });
    case 'reminder-invitee':
      return composeReminder(renderer, { template, event, invitee: { ...invitee, status: 'invited' }, organiser });
    case 'reminder-attendee':
      return composeReminder(renderer, { template, event, invitee, organiser });
    case 'event-update': {
      // A sample change: the meeting used to start an hour later somewhere else.
      const previous = {
        startsAt: new Date(event.startsAt.getTime() + 3_600_000),
        endsAt: new Date(event.endsAt.getTime() + 3_600_000),
        location: language === 'nl' ? 'Provinciehuis, Abdij 9, Middelburg' : 'Provincial Hall, Abdij 9, Middelburg',
      };
      return composeEventUpdate(renderer, { event: { ...event, sequence: event.sequence + 1 }, invitee, previous, organiser });
    }
    case 'event-cancelled':
      return composeEventCancelled(renderer, {
        event: { ...event, sequence: event.sequence + 1 },
        invitee,
        reason: language === 'nl' ? 'Er hebben zich te weinig deelnemers aangemeld.' : 'Too few people registered.',
        organiser,
      });
    case 'digest': {
      const day = request.now.toISOString().slice(0, 10);
      return composeDigest(renderer, { event, facts: people.facts, day, organiser });
    }
    case 'notice': {
      const mail = await renderer.render('notice', language, {
        organiser: event.organiser,
        subject: language === 'nl' ? `Uw bericht over: ${event.title}` : `Your message about: ${event.title}`,
        body:
          language === 'nl'
            ? 'Dank voor uw bericht. Een van onze medewerkers neemt contact met u op.\n\nDit is een voorbeeld van een losse mededeling.'
            : 'Thank you for your message. One of our colleagues will be in touch.\n\nThis is a sample of a separate notice.',
        event: {
          title: event.title,
          organiser: event.organiser,
          startsAt: event.startsAt,
          endsAt: event.endsAt,
          timezone: event.timezone,
          location: event.location,
          rsvpDeadline: event.rsvpDeadline,
          description: event.description,
          capacity: event.capacity,
        },
        recipientName: invitee.name,
      });
      return { ...mail, ics: null };
    }
  }
}
