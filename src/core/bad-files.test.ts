/**
 * Files an admin hands the service that are not what they should be: an event file, an invitee
 * list or a config file that is empty, binary, the wrong shape or broken YAML/CSV. Each must be
 * rejected whole with one line per problem, naming the line where there is one; none may throw
 * or half-succeed. (The well-formed cases and ordinary mistakes are in event-file.test.ts,
 * invitee-csv.test.ts and config/load.test.ts.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEventFile } from './event-file.js';
import { parseInviteeCsv } from './invitee-csv.js';
import { loadConfig } from '../config/load.js';

const BINARY = Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x0a, 0x00, 0x1b, 0x5b, 0x32, 0x4a, 0x0a, 0x89, 0x50, 0x4e, 0x47]);
/** One line, printable: what the CLI writes to stderr. */
const ONE_PRINTABLE_LINE = /^[^\n\r\u0000-\u0008\u000b-\u001f\u007f]+$/;

describe('a corrupt event file', () => {
  it.each([
    ['an empty file', '', 1, /expected a mapping/],
    ['binary bytes', BINARY.toString('latin1'), 1, /expected a mapping/],
    ['a list instead of fields', '- slug\n- title\n', 1, /expected a mapping/],
    ['a bare word', 'consultatie', 1, /expected a mapping/],
    ['an unclosed bracket', 'slug: x\ncoordinators: [a@b.example\ntitle: y\n', null, /./],
    ['a key given twice', 'slug: a\ntitle: b\nslug: c\n', 3, /unique/i],
  ] as const)('%s: rejected with the line of the problem', (_label, text, line, message) => {
    const r = parseEventFile(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.length).toBeGreaterThan(0);
    if (line !== null) expect(r.problems[0]!.line).toBe(line);
    else expect(r.problems[0]!.line).toBeGreaterThan(0);
    expect(r.problems[0]!.message).toMatch(message);
    for (const p of r.problems) expect(p.message).toMatch(ONE_PRINTABLE_LINE);
  });
});

describe('a corrupt invitee list', () => {
  it('an empty file names the header it needs', () => {
    expect(parseInviteeCsv(Buffer.alloc(0))).toEqual({ ok: false, problems: [{ line: 1, message: expect.stringMatching(/header row with at least "email"/) }] });
  });

  it('a binary file is one printable line, not its bytes', () => {
    const r = parseInviteeCsv(BINARY);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]!.message).toMatch(/no "email" column/);
      expect(r.problems[0]!.message).toMatch(ONE_PRINTABLE_LINE);
    }
  });

  it('one bad row among a thousand rejects the whole list, naming only that row', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => (i === 500 ? 'geen-adres;Piet' : `p${i}@aanbieder.example;Persoon ${i}`));
    const r = parseInviteeCsv(Buffer.from(`email;naam\n${rows.join('\n')}\n`));
    expect(r).toEqual({ ok: false, problems: [{ line: 502, message: 'not an email address: "geen-adres"' }] });
  });

  it('a quote left open names the line it opened on', () => {
    const r = parseInviteeCsv(Buffer.from('email,naam\na@b.example,Jan\nc@d.example,"Piet\ne@f.example,Klaas\n'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toEqual({ line: 3, message: expect.stringMatching(/quote/i) });
  });
});

describe('a corrupt config file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rsvp-bad-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const errorOf = (name: string, content: string | Buffer): string => {
    writeFileSync(join(dir, name), content);
    try {
      loadConfig({ cwd: dir, env: { RSVP_CONFIG: name } });
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };

  it.each([
    ['list.yaml', '- mailbox\n- outbox\n', /list\.yaml: expected a mapping of settings/],
    ['scalar.yaml', 'hello', /scalar\.yaml: expected a mapping of settings/],
    ['binary.yaml', BINARY, /binary\.yaml/],
    ['tabs.yaml', 'mailbox:\n\tbatchSize: 5\n', /tabs\.yaml is not valid YAML: .*line 2/],
    ['twice.yaml', 'mailbox: {}\nmailbox: {}\n', /twice\.yaml is not valid YAML: .*unique.*line 2/],
    ['type.yaml', 'mailbox:\n  batchSize: veel\n', /mailbox\.batchSize: .*number.*type\.yaml/],
    ['limits.yaml', 'mailbox:\n  maxMimeParts: 0\n', /mailbox\.maxMimeParts/],
  ] as const)('%s: one line naming the file or the field', (name, content, message) => {
    const error = errorOf(name, content);
    expect(error).toMatch(message);
    expect(error).toMatch(ONE_PRINTABLE_LINE);
  });
});
