/**
 * The logger (pino), built once by the composition root and handed down; nothing imports a
 * global one. Logs go to stderr so that stdout carries only command output (--json).
 * Personal data (addresses, names, message text) is logged only at debug level and below, and
 * secrets never: URLs pass through redactUrl before they reach a log line.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino(
    {
      name: options.name ?? 'rsvp',
      level: options.level ?? 'info',
      base: { pid: process.pid },
      redact: { paths: ['password', '*.password', 'url', '*.url', 'smtpUrl', 'imapUrl'], censor: '[redacted]' },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}

/** A logger that drops everything, for tests and pure callers. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
