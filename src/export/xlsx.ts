/**
 * The attendance list as an Excel workbook (OOXML, .xlsx) through write-excel-file, which
 * writes the package with fflate and nothing else.
 *
 * Every text value is written as a string cell, never as a formula, so a display name like
 * `=HYPERLINK(…)` stays text without the CSV's apostrophe. Times are shown in the event's time
 * zone: Excel dates carry no zone, so the wall-clock time is what the coordinator reads.
 */
import writeXlsxFile, { type Cell, type SheetData } from 'write-excel-file/node';
import { DateTime } from 'luxon';
import { ATTENDANCE_COLUMNS, type AttendanceRow } from './attendance.js';

export interface XlsxOptions {
  /** IANA zone the response times are shown in (the event's). */
  timezone: string;
  /** Sheet name; Excel allows at most 31 characters and none of : \ / ? * [ ]. */
  sheet?: string;
}

const WIDTHS: Record<(typeof ATTENDANCE_COLUMNS)[number], number> = {
  email: 36,
  name: 24,
  organisation: 30,
  status: 13,
  partySize: 10,
  attendees: 40,
  late: 7,
  respondedAt: 18,
};

/** The same instant as a Date whose UTC fields are the wall-clock time in `zone`. */
export function wallClock(instant: Date, zone: string): Date {
  const local = DateTime.fromJSDate(instant, { zone });
  return new Date(instant.getTime() + local.offset * 60_000);
}

export function safeSheetName(name: string): string {
  const cleaned = name.replace(/[:\\/?*[\]]/g, ' ').replace(/^'+|'+$/g, '').trim();
  return (cleaned || 'Sheet1').slice(0, 31);
}

export async function attendanceXlsx(rows: readonly AttendanceRow[], options: XlsxOptions): Promise<Buffer> {
  const header: Cell[] = ATTENDANCE_COLUMNS.map((c) => ({ value: c, fontWeight: 'bold' }));
  const text = (v: string | null): Cell => (v === null || v === '' ? null : { value: v, type: String });
  const data: SheetData = [
    header,
    ...rows.map((r): Cell[] => [
      text(r.email),
      text(r.name),
      text(r.organisation),
      text(r.status),
      r.partySize === null ? null : { value: r.partySize, type: Number },
      text(r.attendees.join(', ')),
      { value: r.late, type: Boolean },
      r.respondedAt ? { value: wallClock(r.respondedAt, options.timezone), type: Date, format: 'yyyy-mm-dd hh:mm' } : null,
    ]),
  ];
  return writeXlsxFile(data, {
    sheet: safeSheetName(options.sheet ?? 'attendance'),
    columns: ATTENDANCE_COLUMNS.map((c) => ({ width: WIDTHS[c] })),
    stickyRowsCount: 1,
  }).toBuffer();
}
