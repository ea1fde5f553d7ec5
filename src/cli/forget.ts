/**
 * `rsvp forget EMAIL`: erases one person on request (AVG/GDPR art. 17); see src/privacy/forget.ts
 * for what is removed from the database and what is cut out of other people's records. Here, at
 * the edge, the copies in the outbox folder (the embedded default's "sent mail") follow: files of
 * mails to the person are deleted; files of mails whose row was rewritten (a coordinator's
 * digest) are built again from the rewritten row, since in the built MIME the address may sit in
 * a quoted-printable or base64 part where no text search finds it. With SMTP, sent mail is in
 * the recipients' mailboxes, out of the service's reach.
 */
import { readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { App } from '../app.js';
import { ERASED, type ForgetSummary, forgetPerson } from '../privacy/forget.js';
import { safeFileName } from '../sender/folder.js';
import { buildMime } from '../sender/message.js';

export interface ForgetReport extends ForgetSummary {
  /** .eml files in the outbox folder deleted or rewritten; null when mail goes over SMTP. */
  outboxFiles: number | null;
}

export async function runForget(app: App, email: string): Promise<ForgetReport> {
  const { summary, erasedMailIds, redactedMailIds } = await forgetPerson(app.db.prisma, email, { provider: app.db.target.provider });
  const outboxFiles = app.config.outbox.smtpUrl ? null : await eraseFromOutboxFolder(app, summary.email, erasedMailIds, redactedMailIds);
  // The address is masked in the log above debug level (src/log.ts); the counts are the record.
  app.logger.info({ ...summary, outboxFiles }, 'person erased on request');
  return { ...summary, outboxFiles };
}

async function eraseFromOutboxFolder(app: App, email: string, erasedMailIds: readonly string[], redactedMailIds: readonly string[]): Promise<number> {
  const dir = app.config.paths.outbox;
  const erased = new Set(erasedMailIds.map(safeFileName));
  const rebuilt = new Map(redactedMailIds.map((id) => [safeFileName(id), id]));
  const names = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[];
    throw e;
  });
  const pattern = new RegExp(email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
  let changed = 0;
  for (const name of names.filter((n) => n.endsWith('.eml'))) {
    const file = join(dir, name);
    const id = /^\d{8}T\d{9}Z-(.+)\.eml$/.exec(name)?.[1];
    if (id && erased.has(id)) {
      await rm(file, { force: true });
      changed++;
      continue;
    }
    const old = await readFile(file);
    let next: Buffer | null = null;
    const messageId = id ? rebuilt.get(id) : undefined;
    const row = messageId ? await app.db.prisma.outboundMail.findUnique({ where: { messageId } }) : null;
    if (row) {
      const date = /^Date: (.+)$/m.exec(old.subarray(0, 8192).toString('latin1'))?.[1];
      next = await buildMime({
        messageId: row.messageId,
        from: app.organiser,
        to: { address: row.toAddress, name: row.toName },
        subject: row.subject,
        text: row.text,
        html: row.html,
        ics: row.ics && row.icsMethod ? { content: row.ics, method: row.icsMethod } : null,
        inReplyTo: row.inReplyTo,
        references: (row.references as string[] | null) ?? [],
        headers: (row.headers as Record<string, string> | null) ?? {},
        date: date && !Number.isNaN(Date.parse(date)) ? new Date(date) : (row.sentAt ?? row.createdAt),
      });
    } else {
      // A mail the database no longer holds: the address cut out where it stands as text
      // (latin1 keeps every other byte as it was).
      const text = old.toString('latin1');
      const replaced = text.replace(pattern, ERASED);
      if (replaced !== text) next = Buffer.from(replaced, 'latin1');
    }
    if (!next) continue;
    const temp = join(dir, `.${name}.forget.tmp`);
    await writeFile(temp, next);
    await rename(temp, file);
    changed++;
  }
  return changed;
}
