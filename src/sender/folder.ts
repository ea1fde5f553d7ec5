/**
 * The outbox folder (data/outbox): the embedded default, where every mail the service would
 * send is written as an .eml file, byte for byte the message SMTP would carry (message.ts).
 *
 * The file name is <UTC timestamp>-<Message-ID>.eml, so names sort by time. A retry of the same
 * Message-ID (after a crash between writing and recording) replaces the earlier file instead of
 * adding a second one: the outbox then holds what a recipient would have seen once. Each file
 * is written to a dot-file first and renamed, so a reader never sees half a message.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '../log.js';
import { buildMime } from './message.js';
import { type MailSender, type OutgoingMail, type SendResult, SendError } from './types.js';

export interface FolderSenderOptions {
  dir: string;
  logger: Logger;
}

/** A Message-ID as a file name part: no path separators, no characters shells or Windows mind. */
export function safeFileName(messageId: string): string {
  return messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9._@+=-]/g, '_').slice(0, 200);
}

/** 20261123T140258123Z: sorts as time does. */
function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('.', '');
}

export function createFolderSender(options: FolderSenderOptions): MailSender {
  const dir = resolve(options.dir);
  const logger = options.logger.child({ component: 'outbox-folder', dir });
  /**
   * Message-ID part → file name of what is already in the folder, read once: a retry after a
   * crash finds the earlier file without listing a folder that only grows, at every send.
   */
  let index: Promise<Map<string, string>> | null = null;
  const loadIndex = () =>
    (index ??= mkdir(dir, { recursive: true })
      .then(() => readdir(dir))
      .then((names) => {
        const byId = new Map<string, string>();
        for (const name of names) {
          const m = /^\d{8}T\d{9}Z-(.+)\.eml$/.exec(name);
          if (m) byId.set(m[1]!, name);
        }
        return byId;
      }));

  return {
    kind: 'folder',
    async send(mail: OutgoingMail): Promise<SendResult> {
      const id = safeFileName(mail.messageId);
      let raw: Buffer;
      try {
        raw = await buildMime(mail);
      } catch (e) {
        // A message that cannot be built will not build on a retry either.
        throw new SendError(`cannot build the message ${mail.messageId}: ${(e as Error).message}`, 'EPERMANENT');
      }
      try {
        const byId = await loadIndex();
        const name = byId.get(id) ?? `${timestamp(mail.date)}-${id}.eml`;
        const temp = join(dir, `.${id}.${randomBytes(4).toString('hex')}.tmp`);
        try {
          await writeFile(temp, raw);
          await rename(temp, join(dir, name));
        } catch (e) {
          await rm(temp, { force: true });
          throw e;
        }
        byId.set(id, name);
        logger.debug({ messageId: mail.messageId, file: name }, 'mail written to the outbox folder');
        return { messageId: mail.messageId, response: join(dir, name) };
      } catch (e) {
        index = null;
        // A full disk or a permission problem may be fixed; the mail waits for it.
        throw new SendError(`cannot write to the outbox folder ${dir}: ${(e as Error).message}`, 'ETRANSIENT');
      }
    },
    async close() {},
  };
}
