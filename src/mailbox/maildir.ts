/**
 * A local Maildir as a MailboxSource: the embedded default (data/mailbox).
 *
 * Maildir (https://cr.yp.to/proto/maildir.html): a delivery agent writes into tmp/ and renames
 * the finished file into new/; a reader moves what it has taken into cur/, adding the info suffix
 * ":2," (no flags). So new/ holds exactly what has not been taken yet, and the cursor is not
 * needed: acknowledge() is the position. Files dropped straight into new/ (a person copying an
 * .eml) are accepted too; a file whose size or mtime changes while it is read is left for the
 * next round, as it is evidently still being written.
 */
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { mkdir, open, readdir, rename, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '../log.js';
import type { FetchedMessage, FetchOptions, MailboxCursor, MailboxSource } from './types.js';

export interface MaildirSourceOptions {
  dir: string;
  logger: Logger;
  /** Default for FetchOptions.maxBytes. */
  maxBytes?: number;
  /** watch(): how long to wait for a burst of files to settle before calling back (ms). */
  debounceMs?: number;
  /** watch(): a rescan in case fs.watch misses an event (network file systems, some containers). */
  fallbackIntervalMs?: number;
}

/** The ":2," info suffix of Maildir's cur/ (no flags set: not seen, not replied). */
export function curName(name: string): string {
  return /:2,[A-Za-z]*$/.test(name) ? name : `${name}:2,`;
}

const EMPTY_FILE_GRACE_MS = 10_000;

interface Candidate {
  name: string;
  mtimeMs: number;
  size: number;
}

async function readHead(path: string, maxBytes: number | undefined): Promise<{ raw: Buffer; size: number; mtimeMs: number }> {
  const handle = await open(path, 'r');
  try {
    const before = await handle.stat();
    const length = maxBytes !== undefined && before.size > maxBytes ? maxBytes : before.size;
    const raw = Buffer.alloc(length);
    let offset = 0;
    while (offset < length) {
      const { bytesRead } = await handle.read(raw, offset, length - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return { raw: offset < length ? raw.subarray(0, offset) : raw, size: before.size, mtimeMs: before.mtimeMs };
  } finally {
    await handle.close();
  }
}

export function createMaildirSource(options: MaildirSourceOptions): MailboxSource {
  const dir = resolve(options.dir);
  const logger = options.logger.child({ component: 'maildir', dir });
  const newDir = join(dir, 'new');
  const curDir = join(dir, 'cur');
  let ready: Promise<void> | null = null;
  const closers = new Set<() => Promise<void>>();

  const ensureFolders = () =>
    (ready ??= Promise.all(['new', 'cur', 'tmp'].map((sub) => mkdir(join(dir, sub), { recursive: true }))).then(() => undefined));

  async function candidates(): Promise<Candidate[]> {
    const names = (await readdir(newDir)).filter((name) => !name.startsWith('.'));
    const found: Candidate[] = [];
    for (const name of names) {
      try {
        const s = await stat(join(newDir, name));
        if (s.isFile()) found.push({ name, mtimeMs: s.mtimeMs, size: s.size });
      } catch {
        // Taken by another reader in the meantime.
      }
    }
    // Oldest first; the name breaks ties (delivery agents put a timestamp first).
    return found.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async function* fetchNew(_cursor: MailboxCursor, fetchOptions: FetchOptions = {}): AsyncGenerator<FetchedMessage & { truncated?: boolean }> {
    await ensureFolders();
    const maxBytes = fetchOptions.maxBytes ?? options.maxBytes;
    const limit = fetchOptions.limit ?? Number.POSITIVE_INFINITY;
    let yielded = 0;
    for (const candidate of await candidates()) {
      if (yielded >= limit) return;
      const path = join(newDir, candidate.name);
      let read: Awaited<ReturnType<typeof readHead>>;
      try {
        read = await readHead(path, maxBytes);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw e;
      }
      // A file still growing (copied straight into new/ rather than renamed from tmp/).
      // An empty file is given a moment to fill; after that it is a message like any other.
      const growing = read.size !== candidate.size || read.mtimeMs !== candidate.mtimeMs;
      if (growing || (read.size === 0 && Date.now() - read.mtimeMs < EMPTY_FILE_GRACE_MS)) {
        logger.debug({ file: candidate.name }, 'file still being written; left for the next round');
        continue;
      }
      const truncated = maxBytes !== undefined && read.size > maxBytes;
      if (truncated) logger.warn({ file: candidate.name, size: read.size, maxBytes }, 'message larger than the limit; read only its beginning');
      yielded++;
      yield {
        raw: read.raw,
        maildirKey: candidate.name,
        receivedAt: new Date(read.mtimeMs),
        size: read.size,
        ...(truncated ? { truncated: true } : {}),
      };
    }
  }

  return {
    key: `maildir:${dir}`,
    kind: 'maildir',
    fetchNew,
    async acknowledge(message: FetchedMessage) {
      if (!message.maildirKey) throw new Error('Maildir acknowledge needs the maildirKey of a fetched message');
      const name = message.maildirKey;
      if (name.includes('/') || name.startsWith('.')) throw new Error(`not a Maildir file name: ${name}`);
      try {
        await rename(join(newDir, name), join(curDir, curName(name)));
      } catch (e) {
        // Already moved (a repeated acknowledge after a crash): done is done.
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
          const moved = await stat(join(curDir, curName(name))).then(
            () => true,
            () => false,
          );
          if (moved) return;
        }
        throw e;
      }
    },
    async watch(onChange: () => void) {
      await ensureFolders();
      const debounceMs = options.debounceMs ?? 200;
      let timer: NodeJS.Timeout | null = null;
      const trigger = () => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = null;
          onChange();
        }, debounceMs);
      };
      let watcher: FSWatcher | null = null;
      try {
        watcher = fsWatch(newDir, { persistent: false }, trigger);
        watcher.on('error', (e) => logger.warn({ error: e.message }, 'Maildir watch failed; rescanning on the interval only'));
      } catch (e) {
        logger.warn({ error: (e as Error).message }, 'Maildir watch unavailable; rescanning on the interval only');
      }
      // fs.watch can miss events (NFS, bind mounts); a cheap rescan of new/ covers that.
      const interval = setInterval(() => {
        readdir(newDir).then(
          (names) => {
            if (names.some((n) => !n.startsWith('.'))) trigger();
          },
          () => {},
        );
      }, options.fallbackIntervalMs ?? 30_000);
      interval.unref();
      const stop = async () => {
        closers.delete(stop);
        if (timer) clearTimeout(timer);
        timer = null;
        clearInterval(interval);
        watcher?.close();
      };
      closers.add(stop);
      return stop;
    },
    async close() {
      await Promise.all([...closers].map((stop) => stop()));
    },
  };
}
