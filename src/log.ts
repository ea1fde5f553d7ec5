/**
 * The logger (pino), built once by the composition root and handed down; nothing imports a
 * global one. Logs go to stderr so that stdout carries only command output (--json).
 *
 * Privacy and secrets, enforced here rather than trusted to every call site:
 * - Secrets never reach a log line at any level: the password of any `scheme://user:pass@host`
 *   URL (IMAP_URL, SMTP_URL, DATABASE_URL), `token=` query parameters (the coordinators' web
 *   page), and fields named password, token, secret or the like, in the fields, the message
 *   and error texts alike.
 * - Personal data only at debug level and below: from info up, every email address is cut to
 *   its domain (`***@zorgpunt.example`), which keeps the logs useful (which provider's server
 *   bounced, which domain fails DMARC) without naming anyone. Message bodies and names are not
 *   logged above debug by the call sites; the address mask catches what slips through.
 *   Message-IDs (fields `messageId`, `id`) look like addresses but name no one: left as they are.
 */
import pino, { type DestinationStream, type Level, type Logger } from 'pino';

export type { Logger };

const SECRET_KEYS = /^(password|pass|passwd|secret|token|apiKey|authorization|cookie)$/i;
const ID_KEYS = /^(messageId|id|inReplyTo)$/;
/** user:password@ in a URL (any scheme; also postgres:// and smtps://). */
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]*@/gi;
const TOKEN_PARAMETER = /([?&;]token=)[^&\s"']+/gi;
/** An address as it appears in logs: local part @ domain (RFC 5322 dot-atom, near enough). */
const ADDRESS = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+)/g;

/** Hides credentials in a text. Applied at every level. */
export function scrubSecrets(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1***@').replace(TOKEN_PARAMETER, '$1***');
}

/** Hides the local part of every address in a text: `***@domain`. */
export function maskAddresses(text: string): string {
  return text.replace(ADDRESS, (_whole, domain: string) => `***@${domain}`);
}

/** A log call's fields and message with secrets hidden, and (above debug) addresses masked. */
export function scrubLogValue(value: unknown, personal: boolean, key = '', depth = 0): unknown {
  if (typeof value === 'string') {
    if (SECRET_KEYS.test(key)) return '[redacted]';
    const clean = scrubSecrets(value);
    return personal || ID_KEYS.test(key) ? clean : maskAddresses(clean);
  }
  if (value === null || typeof value !== 'object' || depth > 6) return value;
  if (value instanceof Error) {
    const err = value as Error & { code?: unknown };
    return {
      type: err.name,
      message: scrubLogValue(err.message, personal, 'message', depth + 1),
      ...(err.code !== undefined ? { code: err.code } : {}),
      ...(err.stack ? { stack: scrubLogValue(err.stack, personal, 'stack', depth + 1) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => scrubLogValue(v, personal, key, depth + 1));
  if (value instanceof Date || Buffer.isBuffer(value) || value instanceof Uint8Array) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) && v !== null && v !== undefined ? '[redacted]' : scrubLogValue(v, personal, k, depth + 1);
  return out;
}

const DEBUG = pino.levels.values.debug!;

export interface LoggerOptions {
  level?: string;
  name?: string;
  /** Where lines go; default stderr. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return scrubChildBindings(pino(
    {
      name: options.name ?? 'rsvp',
      level: options.level ?? 'info',
      base: { pid: process.pid },
      redact: { paths: ['password', '*.password', 'url', '*.url', 'smtpUrl', 'imapUrl', 'token', '*.token'], censor: '[redacted]' },
      hooks: {
        // Every call of an enabled level passes through here: fields and message are scrubbed
        // before pino serialises them. Personal data is allowed at debug and trace only.
        logMethod(args, method, level) {
          const personal = level <= DEBUG;
          method.apply(this, args.map((a) => scrubLogValue(a, personal)) as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  ));
}

/**
 * A child logger's bindings (server, mailbox, …) are serialised once, when it is made, and go
 * out with every line at every level, past the logMethod hook: they are scrubbed here, secrets
 * and addresses alike, for the child and every child of it.
 */
function scrubChildBindings(logger: Logger): Logger {
  const child = logger.child.bind(logger);
  logger.child = ((bindings: pino.Bindings, options?: pino.ChildLoggerOptions) =>
    scrubChildBindings(child(scrubLogValue(bindings, false) as pino.Bindings, options))) as unknown as Logger['child'];
  return logger;
}

/** A logger that drops everything, for tests and pure callers. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

export type { Level };
