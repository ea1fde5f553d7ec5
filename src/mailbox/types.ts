/**
 * A mailbox the poll job reads from: IMAP (imapflow) or a local Maildir. Both behave the same to
 * the job: messages come in a stable order, each with a position the job records as it stores
 * the message, so a restart continues where the last stored message left off.
 */
export interface MailboxCursor {
  /** IMAP UIDVALIDITY the lastUid belongs to; null when nothing was read yet (or Maildir). */
  uidValidity: bigint | null;
  /** Highest UID already stored (0 = none). */
  lastUid: bigint;
}

export interface FetchedMessage {
  /** The raw RFC 5322 source. */
  raw: Buffer;
  /** IMAP: UID and the UIDVALIDITY it belongs to. */
  uid?: bigint;
  uidValidity?: bigint;
  /** Maildir: the unique part of the file name. */
  maildirKey?: string;
  /** When the mailbox received it (IMAP INTERNALDATE, Maildir file mtime). */
  receivedAt?: Date;
  /** Size in bytes as the mailbox reports it (before reading the whole source). */
  size: number;
}

export interface MailboxSource {
  /** Stable identity of the mailbox, e.g. "imap://user@host:143/INBOX" or "maildir:/abs/path". */
  readonly key: string;
  readonly kind: 'imap' | 'maildir';
  /**
   * Every message after the cursor, oldest first. If the mailbox's UIDVALIDITY differs from the
   * cursor's, every message is returned again (the caller de-duplicates by Message-ID).
   * Messages larger than maxBytes are yielded with `raw` holding only the first maxBytes bytes
   * and `truncated: true`, so they can be quarantined without being read into memory whole.
   */
  fetchNew(cursor: MailboxCursor, options?: FetchOptions): AsyncIterable<FetchedMessage & { truncated?: boolean }>;
  /** Called once the message is stored: Maildir moves it to cur/; IMAP does nothing. */
  acknowledge(message: FetchedMessage): Promise<void>;
  /**
   * Calls onChange when new mail may have arrived (IMAP IDLE, Maildir watch); for the worker. A
   * source that can lose its connection reconnects by itself and reports it through `events`.
   */
  watch?(onChange: () => void, events?: WatchEvents): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface FetchOptions {
  /** Messages larger than this are not read whole (see fetchNew). */
  maxBytes?: number;
  /** Stop after this many messages (a poll works in bounded batches). */
  limit?: number;
}

/** What a watching source reports about its connection (IMAP): for MailboxState and the log. */
export interface WatchEvents {
  /** The connection was lost, or a reconnect attempt failed (one line, no password). */
  onError?(error: string): void;
  /** Connected and watching again after onError. */
  onRestored?(): void;
}
