/**
 * `rsvp export --event SLUG --format csv|xlsx [--out FILE]`: the event's attendance list for a
 * spreadsheet. CSV goes to stdout without --out; a workbook is binary, so it needs --out unless
 * stdout is a pipe or a file.
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { App } from '../app.js';
import { readAttendance } from '../export/attendance.js';
import { attendanceCsv } from '../export/csv.js';

export type ExportFormat = 'csv' | 'xlsx';

export class ExportError extends Error {
  readonly code = 'EUSAGE';
}

/** The export's bytes and the file name a browser would save it under. */
export async function exportAttendance(app: App, slug: string, format: ExportFormat): Promise<{ bytes: Buffer; fileName: string; rows: number }> {
  const { event, rows } = await readAttendance(app.db.prisma, slug);
  // Loaded on first use: the workbook writer would add to the start-up of every command.
  const bytes = format === 'csv' ? attendanceCsv(rows) : await (await import('../export/xlsx.js')).attendanceXlsx(rows, { timezone: event.timezone, sheet: event.slug });
  return { bytes, fileName: `${event.slug}.${format}`, rows: rows.length };
}

export function addExportCommand(program: Command, withApp: <T>(work: (app: App) => Promise<T>) => Promise<T>): void {
  program
    .command('export')
    .description("the event's attendance list as CSV (UTF-8, ; separated, for Excel) or an Excel workbook")
    .requiredOption('--event <slug>', 'the event')
    .option('--format <format>', 'csv or xlsx', 'csv')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (opts: { event: string; format: string; out?: string }) => {
      if (opts.format !== 'csv' && opts.format !== 'xlsx') throw new ExportError(`--format must be csv or xlsx, not "${opts.format}"`);
      const format: ExportFormat = opts.format;
      if (format === 'xlsx' && !opts.out && process.stdout.isTTY) throw new ExportError('an xlsx workbook is binary: name a file with --out FILE');
      await withApp(async (app) => {
        const { bytes, rows } = await exportAttendance(app, opts.event, format);
        if (opts.out) {
          await writeFile(opts.out, bytes);
          process.stdout.write(`${opts.event}: ${rows} row(s) written to ${opts.out}\n`);
        } else {
          await new Promise<void>((resolve, reject) => process.stdout.write(bytes, (e) => (e ? reject(e) : resolve())));
        }
      });
    });
}
