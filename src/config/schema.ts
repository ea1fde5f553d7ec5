/**
 * The configuration an admin edits (config/rsvp.yaml, or the file RSVP_CONFIG names), as a zod
 * schema. Every key has a default, so the service runs with no file at all on the embedded
 * defaults of the contract. The environment of the contract is laid over the file before
 * validation (see load.ts), so an invalid DATABASE_URL is reported like an invalid key.
 */
import { z } from 'zod';
import cron from 'node-cron';
import { IANAZone } from 'luxon';

const cronExpression = z.string().superRefine((value, ctx) => {
  const check = cron.validateDetailed(value);
  if (!check.valid) {
    const why = check.errors.map((e) => e.message).join('; ') || 'not a cron expression';
    ctx.addIssue({ code: 'custom', message: `invalid cron expression "${value}": ${why}` });
  }
});

const timeZone = z.string().refine((zone) => IANAZone.isValidZone(zone), {
  message: 'not an IANA time zone (e.g. Europe/Amsterdam)',
});

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24-hour), e.g. 09:00');

const email = z.string().trim().toLowerCase().pipe(z.email());

/** "Name <address>" or a bare address. */
const mailbox = z.string().trim().superRefine((value, ctx) => {
  const m = /^(?:"?([^"<]*)"?\s*)?<([^<>\s]+@[^<>\s]+)>$/.exec(value) ?? /^()([^<>\s]+@[^<>\s]+)$/.exec(value);
  if (!m || !z.email().safeParse(m[2]).success) {
    ctx.addIssue({ code: 'custom', message: `expected an address or "Name <address>", got "${value}"` });
  }
});

const databaseUrl = z.string().refine((u) => /^file:.+/i.test(u) || /^postgres(ql)?:\/\/.+/i.test(u), {
  message: 'expected file:PATH (SQLite) or postgresql://user:pass@host:port/db',
});

const imapUrl = z.string().refine((u) => /^imaps?:\/\/[^/]+/i.test(u), {
  message: 'expected imap://USER:PASS@HOST:PORT/MAILBOX or imaps://…',
});

const smtpUrl = z.string().refine((u) => /^smtps?:\/\/[^/]+/i.test(u), {
  message: 'expected smtp://USER:PASS@HOST:PORT or smtps://…',
});

/** An extra intent rule an admin adds (see src/core/understand/rules). */
export const intentRuleSchema = z.object({
  id: z.string().min(1),
  language: z.enum(['nl', 'en', 'any']).default('any'),
  /** A regular expression, matched case-insensitively against the sender's own text. */
  pattern: z.string().min(1).superRefine((p, ctx) => {
    try {
      new RegExp(p, 'iu');
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `invalid regular expression: ${(e as Error).message}` });
    }
  }),
  effect: z.enum(['accept', 'decline', 'tentative', 'question', 'not_rsvp']),
  weight: z.number().min(0).max(1).default(0.9),
});

export const configSchema = z
  .object({
    /** The organiser's address: mail goes out from it and replies come to it. */
    mailFrom: mailbox.default('Organisator <rsvp@localhost.localdomain>'),
    /** Where relative paths (data/, mailbox, outbox) are resolved from; default: the working folder. */
    dataDir: z.string().default('data'),
    database: z
      .object({
        url: databaseUrl.default('file:./data/rsvp.db'),
        /** ms a process waits for another's write lock on the SQLite file. */
        busyTimeoutMs: z.number().int().min(0).default(10_000),
        poolSize: z.number().int().min(1).max(100).default(5),
      })
      .prefault({}),
    mailbox: z
      .object({
        /** null: the local Maildir below. */
        imapUrl: imapUrl.nullable().default(null),
        maildir: z.string().default('data/mailbox'),
        /** Messages above this size are quarantined for review, never parsed whole. */
        maxMessageBytes: z.number().int().min(1024).default(25 * 1024 * 1024),
        /** MIME parts read per message; a message with more goes to review unread (a message bomb). */
        maxMimeParts: z.number().int().min(1).default(500),
        /** Deepest nesting of multiparts read; deeper goes to review unread. */
        maxMimeDepth: z.number().int().min(1).default(25),
        /** Messages stored per transaction while polling. */
        batchSize: z.number().int().min(1).max(5000).default(200),
        /** Reply-To info+TOKEN@… on invitations, where the mailbox delivers plus addresses. */
        plusAddressing: z.boolean().default(false),
        plusSeparator: z.string().length(1).default('+'),
      })
      .prefault({}),
    outbox: z
      .object({
        /** null: every mail is written as an .eml file to the folder below instead. */
        smtpUrl: smtpUrl.nullable().default(null),
        folder: z.string().default('data/outbox'),
        maxConnections: z.number().int().min(1).max(50).default(5),
        /** Attempts before a mail is given up and the coordinators told. */
        maxAttempts: z.number().int().min(1).max(100).default(8),
        /** First retry delay; doubles each attempt, with jitter. */
        retryBaseSeconds: z.number().min(1).default(60),
        retryMaxSeconds: z.number().min(1).default(6 * 3600),
      })
      .prefault({}),
    schedules: z
      .object({
        /** Time zone the cron expressions are read in. */
        timezone: timeZone.default('Europe/Amsterdam'),
        poll: cronExpression.default('* * * * *'),
        remind: cronExpression.default('*/15 * * * *'),
        digest: cronExpression.default('*/15 * * * *'),
        send: cronExpression.default('* * * * *'),
        retention: cronExpression.default('30 3 * * *'),
      })
      .prefault({}),
    reminders: z
      .object({
        /** Local time (event's time zone) each reminder is due on its day. */
        at: timeOfDay.default('09:00'),
        /** Invitees who have not answered: days before the day of the RSVP deadline. */
        inviteesDaysBeforeDeadline: z.array(z.number().int().min(0).max(365)).default([7, 2]),
        /** Attendees: days before the day of the event. */
        attendeesDaysBeforeEvent: z.array(z.number().int().min(0).max(365)).default([1]),
      })
      .prefault({}),
    digest: z
      .object({
        /** Local time (event's time zone) of the daily digest. */
        at: timeOfDay.default('08:00'),
        /** Coordinators added to every event's own list. */
        coordinators: z.array(email).default([]),
      })
      .prefault({}),
    thresholds: z
      .object({
        /** Below this confidence a message goes to the review queue instead of being acted on. */
        confidence: z.number().min(0).max(1).default(0.75),
      })
      .prefault({}),
    limits: z
      .object({
        /** Automatic answers (confirmations) to one sender per hour; beyond it, review. */
        autoRepliesPerSenderPerHour: z.number().int().min(1).default(5),
      })
      .prefault({}),
    authentication: z
      .object({
        /**
         * How the sender of an inbound message is authenticated before its RSVP is acted on:
         * "mailauth" checks DKIM, SPF and DMARC itself (DNS lookups per message);
         * "authentication-results" trusts the Authentication-Results header (RFC 8601) that the
         * server named in trustedAuthServId added, and ignores every other one. Off by default:
         * the embedded Maildir drop has no SMTP envelope (no client IP for SPF, no MTA stamp),
         * and an offline machine has no DNS, so neither mode can work there out of the box.
         */
        mode: z.enum(['off', 'mailauth', 'authentication-results']).default('off'),
        /** authentication-results: the authserv-id of our own receiving server (e.g. mx.example.org). */
        trustedAuthServId: z.string().trim().min(1).nullable().default(null),
        /**
         * mailauth: the header that holds the SMTP client's IP for SPF: "Received" (the topmost one
         * with a `from … [ip]` clause, added by our own MX), or e.g. "X-Originating-IP"; null = no
         * SPF check (DKIM and DMARC only).
         */
        clientIpHeader: z.string().trim().regex(/^[A-Za-z0-9-]+$/, 'expected a header name').nullable().default('Received'),
        /**
         * Also send to review a sender whose domain publishes no DMARC policy and who has no
         * aligned DKIM signature or SPF pass. By default only a DMARC failure does.
         */
        requireAligned: z.boolean().default(false),
        /** mailauth: time allowed for each DNS lookup. */
        dnsTimeoutMs: z.number().int().min(100).max(60_000).default(5_000),
      })
      .prefault({})
      .superRefine((auth, ctx) => {
        if (auth.mode === 'authentication-results' && !auth.trustedAuthServId) {
          ctx.addIssue({ code: 'custom', path: ['trustedAuthServId'], message: 'required when mode is "authentication-results"' });
        }
      }),
    retention: z
      .object({
        /** Days after an event its raw messages are deleted. */
        rawMessagesDays: z.number().int().min(0).default(90),
        /** Days after an event its RSVPs are anonymised. */
        anonymiseDays: z.number().int().min(0).default(365),
      })
      .prefault({}),
    rules: z
      .object({
        /** Intent rules added to the built-in Dutch and English ones. */
        extra: z.array(intentRuleSchema).default([]),
      })
      .prefault({}),
    web: z
      .object({
        /** The coordinators' page, /healthz and /metrics; null = not served by the worker (`rsvp web` still can). */
        port: z.number().int().min(1).max(65535).nullable().default(null),
        /** 127.0.0.1 by default: put a TLS proxy in front before opening it to the network. */
        host: z.string().trim().min(1).default('127.0.0.1'),
        /** The coordinators' secret for the page (cookie, ?token= or Authorization: Bearer); at least 16 characters. */
        token: z.string().trim().min(16, 'at least 16 characters (e.g. openssl rand -hex 24)').nullable().default(null),
        /** /healthz answers 503 when no mailbox was polled within this many seconds. */
        healthPollMaxAgeSeconds: z.number().int().min(1).default(600),
      })
      .prefault({})
      .superRefine((web, ctx) => {
        if (web.port !== null && !web.token) ctx.addIssue({ code: 'custom', path: ['token'], message: 'required when web.port is set' });
      }),
    logging: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type IntentRuleConfig = z.infer<typeof intentRuleSchema>;
