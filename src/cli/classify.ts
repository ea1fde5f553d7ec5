/**
 * `rsvp classify FILE.eml... --json`: the understanding core on files, touching neither the
 * database nor the mailbox. One result per file, in the order given.
 */
import { readFile, stat } from 'node:fs/promises';
import { classifyMessage } from '../core/understand/classify.js';
import { readMessage } from '../core/understand/anatomy.js';
import type { IntentRuleConfig } from '../config/schema.js';

export interface ClassifyRow {
  file: string;
  kind: string;
  intent: string | null;
  partySize: number | null;
  attendees: string[];
  replyText: string;
  confidence: number;
  reasons: string[];
}

/** Files above this are not read whole; the poll job quarantines such messages too. */
const MAX_FILE_BYTES = 50 * 1024 * 1024;

export async function* classifyFiles(
  files: string[],
  options: { rules: IntentRuleConfig[] },
): AsyncGenerator<ClassifyRow | { file: string; error: string }> {
  for (const file of files) {
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      if (info.size > MAX_FILE_BYTES) throw new Error(`${info.size} bytes is over the ${MAX_FILE_BYTES}-byte limit`);
      const anatomy = await readMessage(await readFile(file));
      const c = classifyMessage(anatomy, { rules: options.rules });
      yield {
        file,
        kind: c.kind,
        intent: c.intent,
        partySize: c.partySize,
        attendees: c.attendees,
        replyText: c.replyText,
        confidence: Math.round(c.confidence * 100) / 100,
        reasons: c.reasons,
      };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      yield { file, error: err.code === 'ENOENT' ? 'no such file' : (err.message ?? String(e)).split('\n')[0]! };
    }
  }
}
