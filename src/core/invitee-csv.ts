/**
 * The invitee list (CSV) of the contract: a header row with at least `email`, optional `name`
 * and `organisation`; `,` or `;` separated (Dutch Excel writes `;`); UTF-8 or Windows-1252 (Excel
 * "CSV" on Windows). Validated as a whole: one problem per line with its line number.
 */
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { z } from 'zod';
import type { ParseResult, Problem } from './event-file.js';

export interface InviteeRow {
  line: number;
  email: string;
  name: string | null;
  organisation: string | null;
}

/** Header spellings seen in lists that coordinators keep, Dutch and English. */
const HEADERS: Record<string, 'email' | 'name' | 'organisation'> = {
  email: 'email',
  'e-mail': 'email',
  emailadres: 'email',
  'e-mailadres': 'email',
  mail: 'email',
  'email address': 'email',
  name: 'name',
  naam: 'name',
  'full name': 'name',
  contactpersoon: 'name',
  organisation: 'organisation',
  organization: 'organisation',
  organisatie: 'organisation',
  aanbieder: 'organisation',
  company: 'organisation',
  bedrijf: 'organisation',
};

const emailSchema = z.email();

/** UTF-8 when the bytes are valid UTF-8 (BOM or not), else Windows-1252. */
export function decodeCsv(bytes: Buffer): { text: string; encoding: 'utf-8' | 'windows-1252' } {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(body, 'windows-1252'), encoding: 'windows-1252' };
  }
}

/** `;` when the header line has more semicolons than commas (outside quotes), else `,`. */
export function detectDelimiter(headerLine: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === ',') commas++;
    else if (!quoted && ch === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

/** The line of the last quote that leaves the file with an odd number of quotes ("" counts twice), or null. */
function openQuoteLine(text: string): number | null {
  let open = false;
  let openedOn: number | null = null;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) line++;
    else if (c === 0x22) {
      open = !open;
      if (open) openedOn = line;
    }
  }
  return open ? openedOn : null;
}

export function parseInviteeCsv(bytes: Buffer): ParseResult<InviteeRow[]> {
  const { text } = decodeCsv(bytes);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  if (firstLine.trim() === '') return { ok: false, problems: [{ line: 1, message: 'empty file: expected a header row with at least "email"' }] };
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: detectDelimiter(firstLine),
      relax_column_count: true,
      skip_empty_lines: false,
      trim: true,
      bom: true,
    }) as string[][];
  } catch (e) {
    const err = e as { lines?: number; message: string; code?: string };
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
      // csv-parse names the line where the file ended; the person needs the line the quote opened on.
      const line = openQuoteLine(text);
      if (line !== null) return { ok: false, problems: [{ line, message: 'a quote (") opened on this line is never closed' }] };
    }
    return { ok: false, problems: [{ line: err.lines ?? null, message: err.message.split('\n')[0]! }] };
  }
  const header = (records[0] ?? []).map((h) => HEADERS[h.trim().toLowerCase()] ?? null);
  const columns = { email: header.indexOf('email'), name: header.indexOf('name'), organisation: header.indexOf('organisation') };
  if (columns.email < 0) {
    // A binary file read as text: its control characters would garble the terminal the line goes to.
    const found = (records[0] ?? []).join(', ').replace(/[\u0000-\u001f\u007f-\u009f\ufffd]+/g, '?').slice(0, 120);
    return { ok: false, problems: [{ line: 1, message: `no "email" column in the header (found: ${found})` }] };
  }
  const problems: Problem[] = [];
  const rows: InviteeRow[] = [];
  const seen = new Map<string, number>();
  records.slice(1).forEach((record, i) => {
    const line = i + 2;
    if (record.every((cell) => cell.trim() === '')) return;
    const email = (record[columns.email] ?? '').trim().toLowerCase();
    if (!email) {
      problems.push({ line, message: 'no email address' });
      return;
    }
    if (!emailSchema.safeParse(email).success) {
      problems.push({ line, message: `not an email address: "${email}"` });
      return;
    }
    const earlier = seen.get(email);
    if (earlier !== undefined) {
      problems.push({ line, message: `${email} is already on line ${earlier}` });
      return;
    }
    seen.set(email, line);
    const cell = (index: number) => (index >= 0 ? (record[index] ?? '').trim() || null : null);
    rows.push({ line, email, name: cleanName(cell(columns.name)), organisation: cell(columns.organisation) });
  });
  if (problems.length > 0) return { ok: false, problems };
  if (rows.length === 0) return { ok: false, problems: [{ line: 2, message: 'no invitees below the header' }] };
  return { ok: true, value: rows };
}

/** "Sinke, Roel" → "Roel Sinke"; collapses whitespace. */
export function cleanName(name: string | null): string | null {
  if (!name) return null;
  const collapsed = name.replace(/\s+/g, ' ').trim();
  const m = /^([^,]+),\s*([^,]+)$/.exec(collapsed);
  return m ? `${m[2]} ${m[1]}` : collapsed;
}
