import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { readSheet } from 'read-excel-file/node';
import { unzipSync, strFromU8 } from 'fflate';
import { type AttendanceRow, attendanceTotals, filterAttendance } from './attendance.js';
import { attendanceCsv, csvField, formatCsv, neutraliseFormula } from './csv.js';
import { attendanceXlsx, safeSheetName, wallClock } from './xlsx.js';

const ROWS: AttendanceRow[] = [
  {
    email: 'roel@zorgpunt.example',
    name: 'Roel Sinké',
    organisation: 'Zorgpunt; Zeeland',
    status: 'accepted',
    partySize: 2,
    attendees: ['Roel Sinké', 'Petra de Boer'],
    late: false,
    respondedAt: new Date('2026-11-23T09:12:00Z'),
  },
  {
    email: 'evil@example.test',
    name: '=HYPERLINK("http://x.example","klik")',
    organisation: '"Quoted" BV\r\nline two',
    status: 'declined',
    partySize: 0,
    attendees: [],
    late: true,
    respondedAt: new Date('2026-07-01T10:00:00Z'),
  },
  { email: 'henk@linde.example', name: null, organisation: null, status: 'invited', partySize: null, attendees: [], late: false, respondedAt: null },
];

describe('CSV fields', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+31 6 1234', "'+31 6 1234"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['Jan = Piet', 'Jan = Piet'],
    ['a@b.example', 'a@b.example'],
  ])('neutralises a formula start: %j', (input, expected) => {
    expect(neutraliseFormula(input)).toBe(expected);
  });

  it.each([
    ['plain', 'plain'],
    ['a;b', '"a;b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [' padded', '" padded"'],
    ['a,b', 'a,b'],
  ])('quotes only what needs it: %j', (input, expected) => {
    expect(csvField(input)).toBe(expected);
  });

  it('writes numbers and booleans as they are and null as an empty field', () => {
    expect(formatCsv([[1, true, null, -3]], { bom: false })).toBe('1;true;;-3\r\n');
  });
});

describe('attendance CSV', () => {
  const bytes = attendanceCsv(ROWS);

  it('starts with the UTF-8 byte-order mark and ends its lines with CRLF', () => {
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toMatch(/^\uFEFFemail;name;organisation;status;partySize;attendees;late;respondedAt\r\n/);
  });

  it('reads back as the same table with a CSV parser', () => {
    const table = parse(bytes, { delimiter: ';', bom: true, relax_column_count: false }) as string[][];
    expect(table).toHaveLength(4);
    expect(table[1]).toEqual(['roel@zorgpunt.example', 'Roel Sinké', 'Zorgpunt; Zeeland', 'accepted', '2', 'Roel Sinké, Petra de Boer', 'false', '2026-11-23T09:12:00.000Z']);
    expect(table[2]).toEqual(['evil@example.test', `'=HYPERLINK("http://x.example","klik")`, '"Quoted" BV\r\nline two', 'declined', '0', '', 'true', '2026-07-01T10:00:00.000Z']);
    expect(table[3]).toEqual(['henk@linde.example', '', '', 'invited', '', '', 'false', '']);
  });

  it('can use another separator', () => {
    const table = parse(attendanceCsv(ROWS, { separator: ',' }), { delimiter: ',', bom: true }) as string[][];
    expect(table[1]![5]).toBe('Roel Sinké, Petra de Boer');
  });
});

describe('attendance XLSX', () => {
  it('reads back with the same values, text kept as text and times in the event zone', async () => {
    const bytes = await attendanceXlsx(ROWS, { timezone: 'Europe/Amsterdam', sheet: 'dialoog-2026' });
    const rows = await readSheet(bytes);
    expect(rows[0]).toEqual(['email', 'name', 'organisation', 'status', 'partySize', 'attendees', 'late', 'respondedAt']);
    expect(rows[1]!.slice(0, 7)).toEqual(['roel@zorgpunt.example', 'Roel Sinké', 'Zorgpunt; Zeeland', 'accepted', 2, 'Roel Sinké, Petra de Boer', false]);
    // 09:12 UTC in November is 10:12 in Amsterdam (CET); 10:00 UTC in July is 12:00 (CEST).
    expect((rows[1]![7] as unknown as Date).toISOString()).toBe('2026-11-23T10:12:00.000Z');
    expect((rows[2]![7] as unknown as Date).toISOString()).toBe('2026-07-01T12:00:00.000Z');
    expect(rows[2]![1]).toBe('=HYPERLINK("http://x.example","klik")');
    expect(rows[2]![6]).toBe(true);
    expect(rows[3]).toEqual(['henk@linde.example', null, null, 'invited', null, null, false, null]);
  });

  it('writes no formula cell even for text that starts with =', async () => {
    const files = unzipSync(new Uint8Array(await attendanceXlsx(ROWS, { timezone: 'UTC' })));
    const sheets = Object.keys(files).filter((f) => f.startsWith('xl/worksheets/') && f.endsWith('.xml'));
    expect(sheets).toHaveLength(1);
    expect(strFromU8(files[sheets[0]!]!)).not.toMatch(/<f[ >]/);
  });

  it('makes a valid sheet name', () => {
    expect(safeSheetName('a/b:c?[d]')).toBe('a b c  d');
    expect(safeSheetName('x'.repeat(40))).toHaveLength(31);
    expect(safeSheetName('')).toBe('Sheet1');
  });

  it('shows an instant as the wall clock of the zone', () => {
    expect(wallClock(new Date('2026-03-29T01:30:00Z'), 'Europe/Amsterdam').toISOString()).toBe('2026-03-29T03:30:00.000Z');
  });
});

describe('totals and filters', () => {
  it('counts statuses and people coming, maybe and waiting', () => {
    const t = attendanceTotals(
      [...ROWS, { ...ROWS[2]!, email: 'w@x.example', status: 'waitlisted', partySize: 3 }, { ...ROWS[2]!, email: 't@x.example', status: 'tentative', partySize: null }],
      10,
    );
    expect(t).toMatchObject({ listed: 5, coming: 2, maybe: 1, waiting: 3, capacity: 10, late: 1 });
    expect(t.byStatus).toMatchObject({ accepted: 1, declined: 1, invited: 1, waitlisted: 1, tentative: 1, bounced: 0 });
  });

  it('filters by status and by every word of the search in any field', () => {
    expect(filterAttendance(ROWS, { status: 'declined' }).map((r) => r.email)).toEqual(['evil@example.test']);
    expect(filterAttendance(ROWS, { text: 'petra ZORGPUNT' }).map((r) => r.email)).toEqual(['roel@zorgpunt.example']);
    expect(filterAttendance(ROWS, { text: 'petra linde' })).toEqual([]);
    expect(filterAttendance(ROWS, { status: 'accepted', text: 'henk' })).toEqual([]);
    expect(filterAttendance(ROWS, {})).toHaveLength(3);
  });
});
