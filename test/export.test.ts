/**
 * `rsvp export` as a user runs it (the built bin/rsvp.js): the attendance list as CSV on stdout
 * and as an xlsx workbook in a file, read back by a CSV parser and an xlsx reader.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { readSheet } from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_YAML, reply } from './support/harness.js';

const run = promisify(execFile);
const BIN = resolve('bin/rsvp.js');
let dir: string;

async function rsvp(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd: dir,
      encoding: 'buffer',
      env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', RSVP_NOW: '2026-11-23T09:00:00Z', MAIL_FROM: 'info@inkoop.example' },
    });
    return { code: 0, stdout, stderr: stderr.toString() };
  } catch (e) {
    const err = e as { code: number; stdout: Buffer; stderr: Buffer };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr.toString() };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rsvp-export-'));
  await writeFile(join(dir, 'event.yaml'), EVENT_YAML);
  // A name that a spreadsheet would run as a formula, and one with the separator in it.
  await writeFile(join(dir, 'invitees.csv'), 'email,name,organisation\nroel@zorgpunt.example,"Sinke, Roel",Zorgpunt\nx@evil.example,=2+5,"Evil; Co"\n');
  for (const args of [['db', 'migrate'], ['event', 'import', 'event.yaml'], ['invitees', 'import', '--event', 'dialoog-2026', 'invitees.csv']]) {
    const r = await rsvp(args);
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  }
  await mkdir(join(dir, 'data/mailbox/new'), { recursive: true });
  await writeFile(join(dir, 'data/mailbox/new/1.eml'), reply({ from: 'Roel Sinke <roel@zorgpunt.example>', body: 'Wij komen met twee personen: Roel Sinke en Petra de Boer.' }));
  expect((await rsvp(['poll', '--once'])).code).toBe(0);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('rsvp export', () => {
  it('writes the CSV to stdout: BOM, ; separated, formulas neutralised', async () => {
    const r = await rsvp(['export', '--event', 'dialoog-2026', '--format', 'csv']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect([...r.stdout.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(r.stdout, { delimiter: ';', bom: true, columns: true }) as Record<string, string>[];
    expect(rows).toEqual([
      { email: 'roel@zorgpunt.example', name: 'Roel Sinke', organisation: 'Zorgpunt', status: 'accepted', partySize: '2', attendees: 'Roel Sinke, Petra de Boer', late: 'false', respondedAt: '2026-11-23T09:00:00.000Z' },
      { email: 'x@evil.example', name: "'=2+5", organisation: 'Evil; Co', status: 'not_invited', partySize: '', attendees: '', late: 'false', respondedAt: '' },
    ]);
  });

  it('writes an xlsx workbook to --out that reads back with the same rows', async () => {
    const r = await rsvp(['export', '--event', 'dialoog-2026', '--format', 'xlsx', '--out', 'list.xlsx']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe('dialoog-2026: 2 row(s) written to list.xlsx\n');
    const rows = await readSheet(await readFile(join(dir, 'list.xlsx')));
    expect(rows[0]).toEqual(['email', 'name', 'organisation', 'status', 'partySize', 'attendees', 'late', 'respondedAt']);
    expect(rows[1]!.slice(0, 7)).toEqual(['roel@zorgpunt.example', 'Roel Sinke', 'Zorgpunt', 'accepted', 2, 'Roel Sinke, Petra de Boer', false]);
    expect(rows[2]![1]).toBe('=2+5');
  });

  it('fails with one line for an unknown event or format', async () => {
    const unknown = await rsvp(['export', '--event', 'nope', '--format', 'csv']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toContain('nope');
    const format = await rsvp(['export', '--event', 'dialoog-2026', '--format', 'pdf']);
    expect(format.code).not.toBe(0);
    expect(format.stderr).toBe('rsvp: --format must be csv or xlsx, not "pdf"\n');
  });
});
