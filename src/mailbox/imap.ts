/**
 * The organiser's IMAP mailbox as a MailboxSource (imapflow).
 *
 * Positions are UIDs (RFC 3501 section 2.3.1.1): the caller stores the highest UID it has kept,
 * together with the mailbox's UIDVALIDITY. When UIDVALIDITY changes (the mailbox was recreated or
 * the server rebuilt its index), the old UIDs mean nothing, so every message is returned again and
 * the caller de-duplicates by Message-ID. Messages are only read (BODY.PEEK, EXAMINE): the
 * mailbox's \Seen flags stay the organiser's.
 *
 * One connection serves both fetching and watching: imapflow runs IDLE by itself whenever the
 * connection is quiet, and a command breaks it. The password appears in no message and no log:
 * errors name the server as imap://host:port only.
 */
import { ImapFlow, type FetchMessageObject } from 'imapflow';
import pino from 'pino';
import type { Logger } from '../log.js';
import type { FetchedMessage, FetchOptions, MailboxCursor, MailboxSource, WatchEvents } from './types.js';
import { type BackoffOptions, DEFAULT_RECONNECT_BACKOFF, backoffDelay } from './reconnect.js';

export interface ImapSourceOptions {
  /** imap://USER:PASS@HOST:PORT/MAILBOX (imaps:// for TLS); user and password URL-encoded. */
  url: string;
  logger: Logger;
  /** Default for FetchOptions.maxBytes. */
  maxBytes?: number;
  /** Milliseconds; for tests and slow servers. */
  connectionTimeout?: number;
  /** How soon after the last command IDLE starts (ms); imapflow's default of 15 s delays watch(). */
  idleDelayMs?: number;
  /** Backoff of the watch's reconnect attempts (default: 1 s doubling, capped at 60 s, jittered). */
  reconnect?: BackoffOptions;
}

/** Error codes in the manner of nodemailer's: stable strings callers may switch on. */
export type ImapErrorCode = 'EIMAPCONNECT' | 'EIMAPAUTH' | 'EIMAPMAILBOX' | 'EIMAPURL';

export class ImapSourceError extends Error {
  constructor(
    message: string,
    readonly code: ImapErrorCode,
  ) {
    super(message);
    this.name = 'ImapSourceError';
  }
}

interface ImapTarget {
  secure: boolean;
  host: string;
  port: number;
  user: string;
  pass: string;
  mailbox: string;
  /** imap://host:port, safe to show. */
  server: string;
}

export function parseImapUrl(url: string): ImapTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The URL itself may hold the password: it is not repeated here.
    throw new ImapSourceError('IMAP_URL is not a valid URL (expected imap://USER:PASS@HOST:PORT/MAILBOX)', 'EIMAPURL');
  }
  if (parsed.protocol !== 'imap:' && parsed.protocol !== 'imaps:') {
    throw new ImapSourceError(`IMAP_URL must start with imap:// or imaps://, not ${parsed.protocol}//`, 'EIMAPURL');
  }
  const secure = parsed.protocol === 'imaps:';
  const port = Number(parsed.port) || (secure ? 993 : 143);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!host || !parsed.username) throw new ImapSourceError('IMAP_URL needs a user and a host (imap://USER:PASS@HOST:PORT/MAILBOX)', 'EIMAPURL');
  return {
    secure,
    host,
    port,
    user: decodeURIComponent(parsed.username),
    pass: decodeURIComponent(parsed.password),
    mailbox: decodeURIComponent(parsed.pathname.replace(/^\/+/, '')) || 'INBOX',
    server: `${parsed.protocol}//${parsed.host.includes(':') ? parsed.host : `${parsed.host}:${port}`}`,
  };
}

/** "1:5,7,9:12" for sorted UIDs: one FETCH command however many messages. */
export function uidRange(uids: readonly bigint[]): string {
  const parts: string[] = [];
  let start: bigint | null = null;
  let prev: bigint | null = null;
  for (const uid of uids) {
    if (start !== null && prev !== null && uid === prev + 1n) {
      prev = uid;
      continue;
    }
    if (start !== null) parts.push(start === prev ? `${start}` : `${start}:${prev}`);
    start = uid;
    prev = uid;
  }
  if (start !== null) parts.push(start === prev ? `${start}` : `${start}:${prev}`);
  return parts.join(',');
}

/** Messages fetched per FETCH command at most. */
const FETCH_CHUNK = 100;
/**
 * Bytes of sources fetched per FETCH command at most (a single larger message alone): the
 * sources of one command are collected before they are handed on, so without this a chunk of
 * messages near maxBytes each would hold FETCH_CHUNK × maxBytes in memory (2.5 GB at the defaults).
 */
const FETCH_BYTES = 32 * 1024 * 1024;

/**
 * UIDs in fetch order cut into groups whose sources (each counted up to `maxBytes`) stay within
 * `budget` bytes; a message larger than the budget forms a group of its own.
 */
export function groupBySize(uids: readonly bigint[], sizes: ReadonlyMap<bigint, number>, maxBytes: number, budget = FETCH_BYTES): bigint[][] {
  const groups: bigint[][] = [];
  let group: bigint[] = [];
  let total = 0;
  for (const uid of uids) {
    const bytes = Math.min(sizes.get(uid) ?? 0, maxBytes);
    if (group.length > 0 && total + bytes > budget) {
      groups.push(group);
      group = [];
      total = 0;
    }
    group.push(uid);
    total += bytes;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

const CONNECTION_CODES = new Set(['NoConnection', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ETIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'GREETING_TIMEOUT', 'CONNECT_TIMEOUT', 'UPGRADE_TIMEOUT']);

function asError(e: unknown): Error & { code?: string; authenticationFailed?: boolean; responseText?: string; serverResponseCode?: string } {
  return e instanceof Error ? e : new Error(String(e));
}

export function createImapSource(options: ImapSourceOptions): MailboxSource {
  const target = parseImapUrl(options.url);
  const logger = options.logger.child({ component: 'imap', server: target.server, mailbox: target.mailbox });
  const key = `${target.secure ? 'imaps' : 'imap'}://${encodeURIComponent(target.user)}@${target.server.replace(/^imaps?:\/\//, '')}/${target.mailbox}`;

  /** The password must never leave this module, whatever a lower layer puts in a message. */
  const scrub = (text: string) => (target.pass ? text.split(target.pass).join('***').split(encodeURIComponent(target.pass)).join('***') : text);

  // imapflow's own logs: warnings and errors only (its debug level traces the protocol).
  const level = options.logger.levelVal > pino.levels.values.warn! ? options.logger.level : 'warn';
  const imapflowLogger = options.logger.child({ component: 'imapflow', server: target.server }, { level });

  let client: ImapFlow | null = null;
  let connecting: Promise<ImapFlow> | null = null;
  let closed = false;
  const watchers = new Set<() => void>();
  /** Told about lost connections and recoveries while watching (the worker's MailboxState). */
  const watchEvents = new Set<WatchEvents>();
  const backoff = options.reconnect ?? DEFAULT_RECONNECT_BACKOFF;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let reconnectAttempt = 0;

  function connectError(e: unknown): ImapSourceError {
    const err = asError(e);
    if (err.authenticationFailed) {
      return new ImapSourceError(scrub(`IMAP server ${target.server} refused the login of ${target.user}: ${err.responseText ?? err.message}`), 'EIMAPAUTH');
    }
    return new ImapSourceError(scrub(`IMAP server ${target.server} not reachable: ${err.code ?? err.message}`), 'EIMAPCONNECT');
  }

  /** Errors during a fetch: a lost connection gets the same code as a refused one. */
  function operationError(e: unknown, what: string): Error {
    if (e instanceof ImapSourceError) return e;
    const err = asError(e);
    if (err.code && CONNECTION_CODES.has(err.code)) {
      return new ImapSourceError(scrub(`IMAP connection to ${target.server} lost while ${what}: ${err.code}`), 'EIMAPCONNECT');
    }
    if ((err as { mailboxMissing?: boolean }).mailboxMissing || err.serverResponseCode === 'NONEXISTENT' || /doesn't exist|does not exist|unknown mailbox/i.test(err.responseText ?? '')) {
      return new ImapSourceError(`IMAP mailbox "${target.mailbox}" does not exist on ${target.server}`, 'EIMAPMAILBOX');
    }
    const wrapped = new Error(scrub(`IMAP ${what} on ${target.server} failed: ${err.responseText ?? err.message}`));
    (wrapped as Error & { code?: string }).code = err.code;
    return wrapped;
  }

  function notifyWatchers() {
    for (const watcher of watchers) {
      try {
        watcher();
      } catch (e) {
        logger.error({ error: asError(e).message }, 'mailbox watcher failed');
      }
    }
  }

  async function open(): Promise<ImapFlow> {
    const c = new ImapFlow({
      host: target.host,
      port: target.port,
      secure: target.secure,
      auth: { user: target.user, pass: target.pass },
      logger: imapflowLogger,
      connectionTimeout: options.connectionTimeout ?? 30_000,
      greetingTimeout: options.connectionTimeout ?? 16_000,
      autoIdleDelay: options.idleDelayMs ?? 1_000,
    });
    // Without a listener an 'error' event would end the process; the failing command rejects too.
    c.on('error', (e: unknown) => logger.warn({ code: asError(e).code, error: scrub(asError(e).message) }, 'IMAP connection error'));
    // This connection only ever opens the one mailbox (imapflow spells INBOX its own way).
    c.on('exists', (data: { path: string; count: number; prevCount: number }) => {
      if (data.count > data.prevCount) {
        logger.debug({ count: data.count }, 'new messages announced');
        notifyWatchers();
      }
    });
    c.on('close', () => {
      if (client === c) client = null;
      if (!closed && watchers.size > 0 && !reconnectTimer) {
        reportError(`IMAP connection to ${target.server} closed`);
        scheduleReconnect();
      }
    });
    try {
      await c.connect();
    } catch (e) {
      c.close();
      throw connectError(e);
    }
    logger.debug('IMAP connected');
    return c;
  }

  async function connection(): Promise<ImapFlow> {
    if (closed) throw new ImapSourceError(`IMAP source ${target.server} is closed`, 'EIMAPCONNECT');
    if (client && client.usable) return client;
    connecting ??= open()
      .then((c) => {
        client = c;
        return c;
      })
      .finally(() => {
        connecting = null;
      });
    return connecting;
  }

  /** EXAMINE the mailbox so that imapflow's automatic IDLE watches it. */
  async function selectForIdle(): Promise<void> {
    const c = await connection();
    const lock = await c.getMailboxLock(target.mailbox, { readOnly: true }).catch((e: unknown) => {
      throw operationError(e, 'opening the mailbox');
    });
    lock.release();
  }

  function reportError(error: string) {
    for (const events of watchEvents) events.onError?.(scrub(error));
  }

  /**
   * Tries again to connect and watch after a lost connection or a failed attempt, with
   * exponential backoff and jitter, capped (reconnect.ts), until it works or the source closes.
   */
  function scheduleReconnect() {
    if (reconnectTimer || closed) return;
    const delay = backoffDelay(reconnectAttempt, backoff);
    reconnectAttempt++;
    logger.info({ retryInMs: delay, attempt: reconnectAttempt }, 'IMAP watch reconnecting');
    reconnectTimer = setTimeout(() => {
      if (closed || watchers.size === 0) {
        reconnectTimer = null;
        return;
      }
      selectForIdle().then(
        () => {
          reconnectTimer = null;
          reconnectAttempt = 0;
          logger.info('IMAP watch reconnected');
          for (const events of watchEvents) events.onRestored?.();
          // Mail may have arrived while the connection was down.
          notifyWatchers();
        },
        (e: unknown) => {
          reconnectTimer = null;
          const error = asError(e).message;
          logger.warn({ error: scrub(error) }, 'IMAP watch cannot reconnect');
          reportError(error);
          scheduleReconnect();
        },
      );
    }, delay);
    reconnectTimer.unref();
  }

  /**
   * A connection the server dropped while idle (restart, idle timeout, a kick) is noticed only
   * by the next command; that first attempt is retried once on a new connection. Once a message
   * has been handed out, a failure is the caller's: it has the cursor to continue from.
   */
  async function* fetchNew(cursor: MailboxCursor, fetchOptions: FetchOptions = {}): AsyncGenerator<FetchedMessage & { truncated?: boolean }> {
    let yielded = false;
    try {
      for await (const message of fetchOnce(cursor, fetchOptions)) {
        yielded = true;
        yield message;
      }
    } catch (e) {
      const lostConnection = e instanceof ImapSourceError && e.code === 'EIMAPCONNECT' && /lost while/.test(e.message);
      if (yielded || !lostConnection || closed) throw e;
      logger.info({ error: e.message }, 'IMAP connection was gone; reconnecting');
      const stale = client;
      client = null;
      stale?.close();
      yield* fetchOnce(cursor, fetchOptions);
    }
  }

  async function* fetchOnce(cursor: MailboxCursor, fetchOptions: FetchOptions): AsyncGenerator<FetchedMessage & { truncated?: boolean }> {
    const maxBytes = fetchOptions.maxBytes ?? options.maxBytes;
    const limit = fetchOptions.limit ?? Number.POSITIVE_INFINITY;
    if (limit <= 0) return;
    const c = await connection();
    const wasOpen = !!c.mailbox;
    const lock = await c.getMailboxLock(target.mailbox, { readOnly: true }).catch((e: unknown) => {
      throw operationError(e, 'opening the mailbox');
    });
    try {
      // A mailbox that stayed selected since the last call is examined again: Dovecot shows a
      // session the messages other sessions appended only after it syncs, and a recreated
      // mailbox's new UIDVALIDITY only on a new SELECT/EXAMINE (RFC 3501 section 6.3.1).
      if (wasOpen) {
        await c.mailboxOpen(target.mailbox, { readOnly: true }).catch((e: unknown) => {
          throw operationError(e, 'opening the mailbox');
        });
      }
      const mailbox = c.mailbox;
      if (!mailbox) throw new ImapSourceError(`IMAP mailbox "${target.mailbox}" on ${target.server} is not open`, 'EIMAPMAILBOX');
      const uidValidity = BigInt(mailbox.uidValidity);
      const sameMailbox = cursor.uidValidity !== null && cursor.uidValidity === uidValidity;
      if (cursor.uidValidity !== null && !sameMailbox) {
        logger.warn({ was: String(cursor.uidValidity), now: String(uidValidity) }, 'UIDVALIDITY changed; reading the whole mailbox again');
      }
      const from = sameMailbox ? cursor.lastUid + 1n : 1n;
      if (mailbox.exists === 0) return;

      let found: number[] | false | undefined;
      try {
        found = await c.search({ uid: `${from}:*` }, { uid: true });
      } catch (e) {
        throw operationError(e, 'searching');
      }
      // RFC 3501 section 6.4.8: in "N:*", "*" is the highest UID in the mailbox, so when nothing
      // is newer than N the range still matches the last message. Hence the filter.
      const uids = (found || [])
        .map((u) => BigInt(u))
        .filter((u) => u >= from)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const wanted = Number.isFinite(limit) ? uids.slice(0, limit) : uids;

      const groups: bigint[][] = [];
      for (let i = 0; i < wanted.length; i += FETCH_CHUNK) {
        const chunk = wanted.slice(i, i + FETCH_CHUNK);
        // RFC822.SIZE first (a few bytes per message), so that one FETCH of sources stays
        // within FETCH_BYTES however large the messages are.
        const sizes = new Map<bigint, number>();
        try {
          for await (const m of c.fetch(uidRange(chunk), { uid: true, size: true }, { uid: true })) sizes.set(BigInt(m.uid), m.size ?? 0);
        } catch (e) {
          throw operationError(e, 'fetching message sizes');
        }
        groups.push(...groupBySize(chunk, sizes, maxBytes ?? Number.POSITIVE_INFINITY));
      }
      for (const group of groups) {
        // BODY.PEEK[]<0.maxBytes> (RFC 3501 section 6.4.5): a message larger than maxBytes is
        // never transferred whole, and RFC822.SIZE tells whether it was cut.
        const source = maxBytes !== undefined && Number.isFinite(maxBytes) ? { start: 0, maxLength: maxBytes } : true;
        const messages: FetchMessageObject[] = [];
        try {
          // Collected before yielding: no other command may run on the connection inside a FETCH.
          for await (const message of c.fetch(uidRange(group), { uid: true, size: true, internalDate: true, source }, { uid: true })) {
            messages.push(message);
          }
        } catch (e) {
          throw operationError(e, 'fetching messages');
        }
        messages.sort((a, b) => a.uid - b.uid);
        for (const message of messages) {
          const uid = BigInt(message.uid);
          if (uid < from) continue;
          const raw = message.source ?? Buffer.alloc(0);
          const size = message.size ?? raw.length;
          const truncated = maxBytes !== undefined && size > maxBytes;
          const receivedAt = message.internalDate ? new Date(message.internalDate) : undefined;
          if (truncated) logger.warn({ uid: String(uid), size, maxBytes }, 'message larger than the limit; read only its beginning');
          yield {
            raw: truncated ? raw.subarray(0, maxBytes) : raw,
            uid,
            uidValidity,
            size,
            ...(receivedAt && !Number.isNaN(receivedAt.getTime()) ? { receivedAt } : {}),
            ...(truncated ? { truncated: true } : {}),
          };
        }
      }
    } finally {
      lock.release();
    }
  }

  return {
    key,
    kind: 'imap',
    fetchNew,
    async acknowledge() {
      // The stored UID is the position; the mailbox itself is left as the organiser keeps it.
    },
    async watch(onChange: () => void, events?: WatchEvents) {
      watchers.add(onChange);
      if (events) watchEvents.add(events);
      const unwatch = async () => {
        watchers.delete(onChange);
        if (events) watchEvents.delete(events);
      };
      try {
        await selectForIdle();
      } catch (e) {
        // A server that is down when the worker starts is retried like one that went away; a
        // caller that cannot be told so (no events) gets the failure.
        if (!events || (e instanceof ImapSourceError && e.code === 'EIMAPURL')) {
          await unwatch();
          throw e;
        }
        // (The failed connection's 'close' may have reported and scheduled it already.)
        if (!reconnectTimer) {
          reportError(asError(e).message);
          scheduleReconnect();
        }
      }
      return unwatch;
    },
    async close() {
      closed = true;
      watchers.clear();
      watchEvents.clear();
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      const pending = connecting;
      const c = client ?? (pending ? await pending.catch(() => null) : null);
      client = null;
      if (c) {
        try {
          await c.logout();
        } catch {
          c.close();
        }
      }
    },
  };
}
