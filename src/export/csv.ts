/**
 * The attendance list as CSV for Excel: UTF-8 with a byte-order mark (without it Excel reads
 * UTF-8 as Windows-1252 and "Sinké" becomes "SinkÃ©"), `;` between fields (what Excel uses in
 * the Dutch locale, where `,` is the decimal separator), CRLF line ends and quoting as RFC 4180.
 *
 * Text that Excel or LibreOffice would evaluate as a formula (a cell starting with = + - @, or
 * a tab or carriage return that some versions skip first) gets a leading apostrophe, as the
 * OWASP "CSV Injection" guidance advises: a reply's sender chooses their display name, and a
 * name like `=HYPERLINK(…)` must reach the coordinator's sheet as text.
 */
import { ATTENDANCE_COLUMNS, type AttendanceRow } from './attendance.js';

export type CsvValue = string | number | boolean | null | undefined;

export interface CsvOptions {
  /** Field separator; `;` by default (Dutch Excel). */
  separator?: string;
  /** Start with the UTF-8 byte-order mark; true by default. */
  bom?: boolean;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** Text that a spreadsheet would read as a formula, made literal with a leading apostrophe. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One field: neutralised when it is text, quoted when it holds the separator, a quote or a line end. */
export function csvField(value: CsvValue, separator = ';'): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = neutraliseFormula(value);
  const needsQuotes = text.includes(separator) || /["\r\n]/.test(text) || /^\s|\s$/.test(text);
  return needsQuotes ? `"${text.replace(/"/g, '""')}"` : text;
}

export function formatCsv(table: readonly (readonly CsvValue[])[], options: CsvOptions = {}): string {
  const separator = options.separator ?? ';';
  const body = table.map((row) => row.map((v) => csvField(v, separator)).join(separator)).join('\r\n') + '\r\n';
  return (options.bom ?? true ? '\uFEFF' : '') + body;
}

/** The attendance list as CSV bytes: a header row with the column names, then one row per person. */
export function attendanceCsv(rows: readonly AttendanceRow[], options: CsvOptions = {}): Buffer {
  const table: CsvValue[][] = [
    [...ATTENDANCE_COLUMNS],
    ...rows.map((r) => [
      r.email,
      r.name,
      r.organisation,
      r.status,
      r.partySize,
      r.attendees.join(', '),
      r.late,
      r.respondedAt ? r.respondedAt.toISOString() : null,
    ]),
  ];
  return Buffer.from(formatCsv(table, options), 'utf8');
}
