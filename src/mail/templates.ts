/**
 * Renders every mail the service sends from the templates in emails/: one MJML layout and one
 * plain-text twin per template, filled from the same view data, with the words of each language
 * in emails/i18n/{nl,en}.json. So the HTML and the text part always say the same thing, in the
 * event's language.
 *
 * Cost: MJML is compiled once per template per process, with the placeholders left in; the
 * resulting HTML skeleton and the text twin are parsed once into trees (template-engine.ts), and
 * each mail only walks those trees. MJML validation runs at level "strict" and any reported error
 * is thrown (as saleor's SMTP app does): a broken template is a bug, not a mail to send anyway.
 * Everything that comes from people (names, titles, places, free text) is HTML-escaped.
 */
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { atLocalTime, formatDate, formatDateTime, formatEventWhen, type Language } from '../core/dates.js';
import { TemplateError, escapeHtml, fillString, parseTemplate, renderTemplate, type RenderContext, type TemplateNode } from './template-engine.js';

export type { Language } from '../core/dates.js';
export { TemplateError } from './template-engine.js';

export const TEMPLATE_NAMES = [
  'invitation',
  'confirmation',
  'promoted',
  'reminder-invitee',
  'reminder-attendee',
  'event-update',
  'event-cancelled',
  'digest',
  'notice',
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export const LANGUAGES: readonly Language[] = ['nl', 'en'];

/** What every mail about an event shows of it. Times are instants; the zone says how to show them. */
export interface MailEvent {
  title: string;
  /** The organising body, shown as sender and in the header: "Inkooporganisatie Jeugdhulp Zeeland". */
  organiser: string;
  startsAt: Date;
  endsAt: Date;
  /** IANA zone the event takes place in: "Europe/Amsterdam". */
  timezone: string;
  location: string;
  rsvpDeadline?: Date | null;
  description?: string | null;
  capacity?: number | null;
}

interface EventMailData {
  event: MailEvent;
  /** The addressee's name for the salutation; without one: "Geachte heer, mevrouw,". */
  recipientName?: string | null;
}

export interface InvitationData extends EventMailData {
  /** An .ics with METHOD:REQUEST goes with the mail: say so. */
  calendarAttached?: boolean;
}

export type ConfirmationStatus = 'accepted' | 'declined' | 'tentative' | 'waitlisted';

export interface ConfirmationData extends EventMailData {
  status: ConfirmationStatus;
  /** People coming from the sender's side as understood; null when not stated. */
  partySize: number | null;
  attendees: string[];
  /** The answer came after the RSVP deadline (processed all the same). */
  late?: boolean;
  /** Which calendar part goes with the mail, if any. */
  calendar?: 'request' | 'cancel' | null;
}

export interface PromotedData extends EventMailData {
  partySize: number | null;
  attendees: string[];
  calendarAttached?: boolean;
}

export type InviteeReminderData = EventMailData;

export interface AttendeeReminderData extends EventMailData {
  partySize: number | null;
  attendees: string[];
}

export interface EventUpdateData extends EventMailData {
  /** The values before the change; only the fields that changed. `event` holds the new ones. */
  previous: Partial<Pick<MailEvent, 'title' | 'startsAt' | 'endsAt' | 'location'>>;
  /** Optional words from the organiser, shown as a paragraph. */
  note?: string | null;
  calendarAttached?: boolean;
}

export interface EventCancelledData extends EventMailData {
  reason?: string | null;
  calendarAttached?: boolean;
}

export interface DigestTotals {
  accepted: number;
  declined: number;
  tentative: number;
  waitlisted: number;
  noAnswer: number;
  bounced: number;
  /** People attending (sum of party sizes of the accepted). */
  people: number;
}

export interface DigestAttendee {
  email: string;
  name?: string | null;
  organisation?: string | null;
  partySize: number | null;
  attendees: string[];
}

export interface DigestChange {
  at: Date;
  email: string;
  name?: string | null;
  /** Status codes as in `rsvp list` ("invited", "accepted", …). */
  from: string;
  to: string;
  partySize?: number | null;
  late?: boolean;
}

export interface DigestReviewItem {
  at: Date;
  /** Reason code of the review item ("low_confidence", "unmatched", …); unknown codes are shown as they are. */
  reason: string;
  email?: string | null;
  name?: string | null;
  detail?: string | null;
}

export interface DigestBounce {
  at: Date;
  email: string;
  name?: string | null;
  reason?: string | null;
}

export interface DigestData extends EventMailData {
  /** The digest's day in the event's zone, "YYYY-MM-DD". */
  day: string;
  /** When the previous digest went out; null for the first. */
  since?: Date | null;
  totals: DigestTotals;
  attending: DigestAttendee[];
  changes: DigestChange[];
  reviewItems: DigestReviewItem[];
  bounces: DigestBounce[];
}

export interface NoticeData {
  organiser: string;
  subject: string;
  /** Plain text; paragraphs separated by blank lines. */
  body: string;
  event?: MailEvent | null;
  recipientName?: string | null;
}

export interface TemplateData {
  invitation: InvitationData;
  confirmation: ConfirmationData;
  promoted: PromotedData;
  'reminder-invitee': InviteeReminderData;
  'reminder-attendee': AttendeeReminderData;
  'event-update': EventUpdateData;
  'event-cancelled': EventCancelledData;
  digest: DigestData;
  notice: NoticeData;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface MailRenderer {
  render<N extends TemplateName>(name: N, language: Language, data: TemplateData[N]): Promise<RenderedMail>;
}

export interface MjmlCompileResult {
  html: string;
  errors: ReadonlyArray<{ message: string; formattedMessage?: string }>;
}

/** Compiles MJML source to HTML; `filePath` resolves mj-include. Injectable for tests. */
export type MjmlCompiler = (mjml: string, options: { filePath: string }) => Promise<MjmlCompileResult>;

export interface MailRendererOptions {
  /** The folder with NAME.mjml, NAME.txt, partials/ and i18n/; default: the project's emails/. */
  dir?: string;
  compile?: MjmlCompiler;
  /**
   * Where compiled layouts are kept between processes (see cachedCompiler); null: not kept.
   * Default: node_modules/.cache/inbox-rsvp-mjml beside emails/, unless `compile` is given.
   */
  cacheDir?: string | null;
}

/**
 * MJML's compiler is the largest thing the service loads (about 55 MB of RSS in a poll, and
 * 0.3–1 s per process to load and compile), yet its output depends only on the template, its
 * partials and the MJML version. So a compiled layout is kept on disk under the digest of those,
 * and a process whose templates have not changed never loads MJML. A layout with errors is
 * never kept. Failing to read or write the cache only costs a compilation.
 */
export function cachedCompiler(compile: MjmlCompiler, cacheDir: string): MjmlCompiler {
  let salt: Promise<string> | null = null;
  const saltOf = (partialsDir: string) =>
    (salt ??= (async () => {
      const parts: string[] = [];
      try {
        parts.push(await readFile(fileURLToPath(import.meta.resolve('mjml/package.json')), 'utf8'));
      } catch {
        parts.push('mjml: version unknown');
      }
      const names = (await readdir(partialsDir).catch(() => [] as string[])).filter((n) => n.endsWith('.mjml')).sort();
      for (const name of names) parts.push(name, await readFile(join(partialsDir, name), 'utf8'));
      return parts.join('\0');
    })());
  return async (source, options) => {
    const digest = createHash('sha256')
      .update(await saltOf(join(dirname(options.filePath), 'partials')))
      .update('\0')
      .update(source)
      .digest('hex');
    const file = join(cacheDir, `${digest}.html`);
    try {
      return { html: await readFile(file, 'utf8'), errors: [] };
    } catch {
      // Not compiled yet.
    }
    const result = await compile(source, options);
    if (result.errors.length === 0) {
      const temp = `${file}.${process.pid}.tmp`;
      await mkdir(cacheDir, { recursive: true })
        .then(() => writeFile(temp, result.html))
        .then(() => rename(temp, file))
        .catch(() => {});
    }
    return result;
  };
}

/**
 * mjml 5: mjml2html returns a Promise; "strict" throws a ValidationError on any error. mjml 5
 * also ignores mj-include unless told otherwise (ignoreIncludes defaults to true since the 5.x
 * include hardening) and then drops the included parts without a word; the partials live in the
 * template's own folder, which is an allowed include root.
 */
export const compileMjml: MjmlCompiler = async (source, { filePath }) => {
  const { default: mjml2html } = await import('mjml');
  const result = await mjml2html(source, {
    validationLevel: 'strict',
    filePath,
    ignoreIncludes: false,
    includePath: dirname(filePath),
    keepComments: false,
  });
  return { html: result.html, errors: result.errors ?? [] };
};

type Strings = Record<string, unknown>;

interface CompiledTemplate {
  html: TemplateNode[];
  text: TemplateNode[];
}

/** The project's emails/ folder, from src/mail (tsx, vitest) or dist/src/mail (built). */
function defaultDir(): string {
  const candidates = ['../../emails/', '../../../emails/'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  return candidates.find((dir) => existsSync(join(dir, 'i18n', 'nl.json'))) ?? candidates[0]!;
}

export function createMailRenderer(options: MailRendererOptions = {}): MailRenderer {
  const dir = options.dir ?? defaultDir();
  const cacheDir = options.cacheDir === undefined ? (options.compile ? null : join(dir, '..', 'node_modules', '.cache', 'inbox-rsvp-mjml')) : options.cacheDir;
  const compile = cacheDir ? cachedCompiler(options.compile ?? compileMjml, cacheDir) : (options.compile ?? compileMjml);
  const templates = new Map<TemplateName, Promise<CompiledTemplate>>();
  const strings = new Map<Language, Promise<Strings>>();

  async function loadTemplate(name: TemplateName): Promise<CompiledTemplate> {
    const mjmlPath = join(dir, `${name}.mjml`);
    const [mjml, text] = await Promise.all([readFile(mjmlPath, 'utf8'), readFile(join(dir, `${name}.txt`), 'utf8')]);
    let result: MjmlCompileResult;
    try {
      result = await compile(mjml, { filePath: mjmlPath });
    } catch (err) {
      throw new TemplateError(`${name}.mjml does not compile: ${(err as Error).message}`);
    }
    if (result.errors.length > 0) {
      throw new TemplateError(`${name}.mjml: ${result.errors.map((e) => e.formattedMessage ?? e.message).join('; ')}`);
    }
    const textSource = await inlineTextPartials(text, dir, name);
    return { html: parseTemplate(result.html, `${name}.mjml`), text: parseTemplate(textSource, `${name}.txt`) };
  }

  function template(name: TemplateName): Promise<CompiledTemplate> {
    if (!(TEMPLATE_NAMES as readonly string[]).includes(name)) return Promise.reject(new TemplateError(`no template "${name}"`));
    let t = templates.get(name);
    // The promise is cached, not the result, so that mails rendered at the same time share
    // one compilation.
    if (!t) templates.set(name, (t = loadTemplate(name)));
    return t;
  }

  function stringsOf(language: Language): Promise<Strings> {
    if (!LANGUAGES.includes(language)) return Promise.reject(new TemplateError(`no language "${language}"`));
    let s = strings.get(language);
    if (!s) {
      s = readFile(join(dir, 'i18n', `${language}.json`), 'utf8').then((raw) => JSON.parse(raw) as Strings);
      strings.set(language, s);
    }
    return s;
  }

  return {
    async render(name, language, data) {
      const [compiled, table] = await Promise.all([template(name), stringsOf(language)]);
      const lookup = (key: string) => lookupString(table, name, language, key);
      const view = buildView(name, language, data as TemplateData[TemplateName], lookup);
      const textCtx: RenderContext = { escape: (s) => s, lookupString: lookup, templateName: `${name}.txt` };
      const htmlCtx: RenderContext = {
        escape: escapeHtml,
        lookupString: lookup,
        finishString: (s) => s.replace(/\r?\n/g, '<br />'),
        templateName: `${name}.mjml`,
      };
      return {
        subject: view.subject,
        text: tidyText(renderTemplate(compiled.text, view, textCtx)),
        html: renderTemplate(compiled.html, view, htmlCtx),
      };
    },
  };
}

/** `{{> name}}` in a text twin stands for emails/partials/name.txt. */
async function inlineTextPartials(source: string, dir: string, name: string): Promise<string> {
  const names = [...new Set([...source.matchAll(/\{\{>\s*([\w-]+)\s*\}\}/g)].map((m) => m[1]!))];
  const bodies = new Map<string, string>();
  for (const partial of names) {
    try {
      bodies.set(partial, (await readFile(join(dir, 'partials', `${partial}.txt`), 'utf8')).replace(/\r?\n$/, ''));
    } catch (err) {
      throw new TemplateError(`${name}.txt: partial "${partial}": ${(err as Error).message}`);
    }
  }
  return source.replace(/\{\{>\s*([\w-]+)\s*\}\}/g, (_, p: string) => bodies.get(p)!);
}

/**
 * At most one blank line in a row, no trailing spaces, one final newline; except the signature
 * delimiter, which is "-- " with its space (RFC 3676 4.3), so clients can cut the signature off.
 */
function tidyText(text: string): string {
  const tidy = text.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').replace(/^--$/gm, '-- ');
  return `${tidy.trim()}\n`;
}

function getPath(table: Strings, key: string): unknown {
  let node: unknown = table;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** A key is looked up under the template's own section first, then under "common". */
function lookupString(table: Strings, name: TemplateName, language: Language, key: string): string {
  const candidates = key.startsWith('common.') ? [key] : [`${name}.${key}`, `common.${key}`];
  for (const candidate of candidates) {
    const value = getPath(table, candidate);
    if (typeof value === 'string') return value;
  }
  throw new TemplateError(`${name}: no string "${key}" in ${language}.json`);
}

type Lookup = (key: string) => string;

/** Fills a language string as plain text, for labels computed before rendering. */
function tr(lookup: Lookup, key: string, vars: Record<string, unknown>): string {
  return fillString(lookup(key), [vars], { escape: (s) => s, lookupString: lookup, templateName: key }, key);
}

function people(lookup: Lookup, n: number | null): string {
  if (n === null) return lookup('common.unknownPartySize');
  return tr(lookup, n === 1 ? 'common.people.one' : 'common.people.other', { n });
}

function statusLabel(lookup: Lookup, status: string): string {
  try {
    return lookup(`common.status.${status}`);
  } catch {
    return status;
  }
}

function who(name: string | null | undefined, email: string | null | undefined): string {
  if (name && email) return `${name} <${email}>`;
  return name || email || '?';
}

function listNames(names: readonly string[], language: Language): string {
  if (names.length <= 1) return names.join('');
  const and = language === 'nl' ? 'en' : 'and';
  return `${names.slice(0, -1).join(', ')} ${and} ${names[names.length - 1]}`;
}

function eventView(event: MailEvent, language: Language) {
  return {
    title: event.title,
    organiser: event.organiser,
    location: event.location,
    description: event.description ?? '',
    when: formatEventWhen(event.startsAt, event.endsAt, event.timezone, language),
    date: formatDate(event.startsAt, event.timezone, language),
    deadline: event.rsvpDeadline ? formatDateTime(event.rsvpDeadline, event.timezone, language) : '',
  };
}

interface View extends Record<string, unknown> {
  subject: string;
}

/** Template data → the flat, pre-formatted values the templates print. */
function buildView(name: TemplateName, language: Language, data: TemplateData[TemplateName], lookup: Lookup): View {
  const base = (d: EventMailData) => {
    const event = eventView(d.event, language);
    return {
      lang: language,
      recipientName: d.recipientName ?? '',
      event,
      preview: `${event.when}, ${event.location}`,
      showDeadline: false,
      hasDeadline: Boolean(d.event.rsvpDeadline),
      hasCapacity: d.event.capacity !== null && d.event.capacity !== undefined,
      capacity: d.event.capacity ?? '',
      calendarRequest: false,
      calendarCancel: false,
    };
  };
  let view: Record<string, unknown>;
  let subjectKey = 'subject';
  switch (name) {
    case 'invitation': {
      const d = data as InvitationData;
      // The deadline is in the request to answer; not again in the details.
      view = { ...base(d), calendarRequest: Boolean(d.calendarAttached) };
      break;
    }
    case 'confirmation': {
      const d = data as ConfirmationData;
      subjectKey = `subject.${d.status}`;
      view = {
        ...base(d),
        accepted: d.status === 'accepted',
        declined: d.status === 'declined',
        tentative: d.status === 'tentative',
        waitlisted: d.status === 'waitlisted',
        statusLabel: statusLabel(lookup, d.status),
        partySizeText: people(lookup, d.partySize),
        names: d.attendees,
        namesText: listNames(d.attendees, language),
        hasNames: d.status !== 'declined' && d.attendees.length > 0,
        late: Boolean(d.late),
        calendarRequest: d.calendar === 'request',
        calendarCancel: d.calendar === 'cancel',
      };
      break;
    }
    case 'promoted':
    case 'reminder-attendee': {
      const d = data as PromotedData | AttendeeReminderData;
      view = {
        ...base(d),
        hasPartySize: d.partySize !== null,
        partySizeText: people(lookup, d.partySize),
        names: d.attendees,
        namesText: listNames(d.attendees, language),
        calendarRequest: 'calendarAttached' in d && Boolean(d.calendarAttached),
      };
      break;
    }
    case 'reminder-invitee': {
      const d = data as InviteeReminderData;
      view = base(d);
      break;
    }
    case 'event-update': {
      const d = data as EventUpdateData;
      const e = d.event;
      const changes: Array<{ label: string; before: string; after: string }> = [];
      if (d.previous.title !== undefined && d.previous.title !== e.title) {
        changes.push({ label: lookup('field.title'), before: d.previous.title, after: e.title });
      }
      const startsAt = d.previous.startsAt ?? e.startsAt;
      const endsAt = d.previous.endsAt ?? e.endsAt;
      if (startsAt.getTime() !== e.startsAt.getTime() || endsAt.getTime() !== e.endsAt.getTime()) {
        changes.push({
          label: lookup('field.when'),
          before: formatEventWhen(startsAt, endsAt, e.timezone, language),
          after: formatEventWhen(e.startsAt, e.endsAt, e.timezone, language),
        });
      }
      if (d.previous.location !== undefined && d.previous.location !== e.location) {
        changes.push({ label: lookup('field.location'), before: d.previous.location, after: e.location });
      }
      view = { ...base(d), changes, note: d.note ?? '', showDeadline: false, calendarRequest: Boolean(d.calendarAttached) };
      break;
    }
    case 'event-cancelled': {
      const d = data as EventCancelledData;
      view = { ...base(d), reason: d.reason ?? '', calendarCancel: Boolean(d.calendarAttached) };
      break;
    }
    case 'digest': {
      const d = data as DigestData;
      const tz = d.event.timezone;
      const at = (x: Date) => formatDateTime(x, tz, language);
      const dayInstant = atLocalTime(d.day, '12:00', tz);
      const b = base(d);
      view = {
        ...b,
        showDeadline: Boolean(d.event.rsvpDeadline),
        day: d.day,
        dayLong: formatDate(dayInstant, tz, language),
        since: d.since ? at(d.since) : '',
        totals: d.totals,
        preview: `${lookup('accepted')}: ${d.totals.accepted}, ${lookup('people')}: ${d.totals.people}`,
        attending: d.attending.map((a) => ({
          who: who(a.name, a.email),
          organisation: a.organisation ?? '',
          partySizeText: people(lookup, a.partySize),
          namesText: listNames(a.attendees, language),
        })),
        changes: d.changes.map((c) => ({
          when: at(c.at),
          who: who(c.name, c.email),
          fromLabel: statusLabel(lookup, c.from),
          toLabel: c.partySize && c.to === 'accepted' ? `${statusLabel(lookup, c.to)} (${people(lookup, c.partySize)})` : statusLabel(lookup, c.to),
          late: Boolean(c.late),
        })),
        reviewItems: d.reviewItems.map((r) => {
          let reasonText: string;
          try {
            reasonText = lookup(`reviewReason.${r.reason}`);
          } catch {
            reasonText = r.reason;
          }
          return { when: at(r.at), who: who(r.name, r.email), reasonText, detail: r.detail ?? '' };
        }),
        reviewCount: d.reviewItems.length,
        bounces: d.bounces.map((x) => ({ when: at(x.at), who: who(x.name, x.email), reason: x.reason ?? '' })),
        bounceCount: d.bounces.length,
      };
      break;
    }
    case 'notice': {
      const d = data as NoticeData;
      const paragraphs = d.body
        .replace(/\r\n/g, '\n')
        .split(/\n\s*\n/)
        .map((p) => p.trim())
        .filter(Boolean);
      const event = d.event
        ? eventView(d.event, language)
        : { title: '', organiser: d.organiser, location: '', description: '', when: '', date: '', deadline: '' };
      view = {
        lang: language,
        recipientName: d.recipientName ?? '',
        event: { ...event, organiser: d.organiser },
        hasEvent: Boolean(d.event),
        showDeadline: false,
        paragraphs,
        preview: paragraphs[0] ?? '',
        subject: d.subject,
      };
      break;
    }
  }
  const subject =
    name === 'notice' ? (data as NoticeData).subject : tr(lookup, subjectKey, view);
  // A subject is one header line: no line breaks from a title (RFC 5322 2.2.3 folding is the
  // mailer's business), no runs of spaces.
  const oneLine = subject.replace(/\s+/g, ' ').trim();
  return { ...view, subject: oneLine };
}
