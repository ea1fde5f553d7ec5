/**
 * Broken encodings and charsets: what a reply still means when its labels lie. Each row is a
 * short reply with one defect, the classification expected of it, and the problem the reader must
 * note so that a coordinator can see why a message looks odd.
 */
import { describe, expect, it } from 'vitest';
import { readMessage } from './anatomy.js';
import { classifyRaw } from './classify.js';
import { parseMessage, scanMimeShape, shortenLongWords } from './parse.js';

const HEAD = [
  'From: Jan Jansen <jan@zorg.example>',
  'To: info@inkoop.example',
  'Subject: RE: Uitnodiging',
  'Message-ID: <enc-1@zorg.example>',
  'Date: Mon, 23 Nov 2026 10:00:00 +0100',
  'MIME-Version: 1.0',
].join('\r\n');

const mail = (headers: string, body: string | Buffer) =>
  Buffer.concat([Buffer.from(`${HEAD}\r\n${headers.replace(/\r?\n/g, '\r\n')}\r\n\r\n`, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body.replace(/\r?\n/g, '\r\n'), 'latin1')]);

interface Row {
  name: string;
  raw: Buffer;
  kind: string;
  intent?: string | null;
  /** Text the sender's own text must contain. */
  reply?: string;
  /** A problem readMessage must note (prefix). */
  problem?: string;
  /** The bytes decode to garbage whatever is done: U+FFFD may remain. */
  garbage?: boolean;
}

const rows: Row[] = [
  {
    name: 'an unknown charset: the ASCII text is read, the charset named',
    raw: mail('Content-Type: text/plain; charset=x-klingon', 'Ik kom graag.'),
    kind: 'rsvp',
    intent: 'accept',
    reply: 'Ik kom graag.',
    problem: 'unknown-charset:x-klingon',
  },
  {
    name: 'Windows-1252 labelled UTF-8 (8bit): read as Windows-1252',
    raw: mail('Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit', Buffer.from('Ik kan helaas niet komen, caf\xe9 is dicht. Ren\xe9', 'latin1')),
    kind: 'rsvp',
    intent: 'decline',
    reply: 'café',
    problem: 'charset-mislabelled:utf-8',
  },
  {
    name: 'Windows-1252 labelled UTF-8 (quoted-printable): read as Windows-1252',
    raw: mail('Content-Type: text/plain; charset="UTF-8"\nContent-Transfer-Encoding: quoted-printable', 'Ik kom graag, tot ziens in het caf=E9.'),
    kind: 'rsvp',
    intent: 'accept',
    reply: 'caf\u00e9',
    problem: 'charset-mislabelled:UTF-8',
  },
  {
    name: 'Windows-1252 labelled US-ASCII: the curly quote is Windows-1252',
    raw: mail('Content-Type: text/plain; charset=us-ascii', Buffer.from('Ik kom met z\x92n twee\xebn.', 'latin1')),
    kind: 'rsvp',
    intent: 'accept',
    reply: 'z\u2019n twee\u00ebn',
    problem: 'charset-mislabelled:us-ascii',
  },
  {
    name: 'UTF-16 on a body without a single NUL byte: read as the 8-bit text it is',
    raw: mail('Content-Type: text/plain; charset=utf-16', 'Ik kom graag.'),
    kind: 'rsvp',
    intent: 'accept',
    reply: 'Ik kom graag.',
    problem: 'charset-mislabelled:utf-16',
  },
  {
    name: 'valid base64 followed by garbage: the valid part is read',
    raw: mail('Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64', `${Buffer.from('Ik kom graag.').toString('base64')}\n***!!`),
    kind: 'rsvp',
    intent: 'accept',
    reply: 'Ik kom graag.',
  },
  {
    name: 'base64 that is garbage throughout: nothing to act on',
    raw: mail('Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64', '!!!not base64***'),
    kind: 'other',
    intent: null,
    garbage: true,
  },
  {
    name: 'invalid quoted-printable escapes are kept as they are (RFC 2045 §6.7 note 1)',
    raw: mail('Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable', 'Ik kom =ZZ graag=\n=\n'),
    kind: 'rsvp',
    intent: 'accept',
    reply: 'Ik kom =ZZ graag',
  },
  {
    name: 'an unknown transfer encoding: the body is read as it is',
    raw: mail('Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: x-bogus', 'Ik kom graag.'),
    kind: 'rsvp',
    intent: 'accept',
    reply: 'Ik kom graag.',
  },
  {
    name: 'a multipart without a boundary parameter: the body is the text',
    raw: mail('Content-Type: multipart/mixed', 'Ik kom graag.'),
    kind: 'rsvp',
    intent: 'accept',
    reply: 'Ik kom graag.',
    problem: 'multipart-without-boundary',
  },
  {
    name: 'a boundary parameter the body never uses, the body opening with another: the parts are read',
    raw: mail('Content-Type: multipart/alternative; boundary="declared"', '--used\nContent-Type: text/plain; charset=utf-8\n\nIk kom graag.\n--used--\n'),
    kind: 'rsvp',
    intent: 'accept',
    reply: 'Ik kom graag.',
    problem: 'multipart-boundary-repaired:used',
  },
  {
    name: 'a missing closing delimiter: the last part is read to the end',
    raw: mail('Content-Type: multipart/alternative; boundary="abc"', '--abc\nContent-Type: text/plain; charset=utf-8\n\nIk kan helaas niet komen.\n'),
    kind: 'rsvp',
    intent: 'decline',
    reply: 'Ik kan helaas niet komen.',
  },
  {
    name: 'an encoded word in an unknown charset in the subject',
    raw: Buffer.from(
      `${HEAD.replace('Subject: RE: Uitnodiging', 'Subject: =?x-klingon?Q?RE=3A_Uitnodiging?=')}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nIk kom graag.\r\n`,
      'latin1',
    ),
    kind: 'rsvp',
    intent: 'accept',
    reply: 'Ik kom graag.',
    problem: 'unknown-charset:x-klingon',
  },
];

describe('broken encodings and charsets', () => {
  it.each(rows)('$name', async (row) => {
    const c = await classifyRaw(row.raw);
    expect(c.kind).toBe(row.kind);
    if (row.intent !== undefined) expect(c.intent).toBe(row.intent);
    if (row.reply) expect(c.replyText).toContain(row.reply);
    if (!row.garbage) expect(c.replyText).not.toContain('\uFFFD');
    const a = await readMessage(row.raw);
    if (row.problem) expect(a.problems.some((p) => p.startsWith(row.problem!))).toBe(true);
    else expect(a.problems.filter((p) => /charset|boundary/.test(p))).toEqual([]);
  });

  it('keeps a U+FFFD the sender wrote in valid UTF-8, without guessing another charset', async () => {
    const a = await readMessage(mail('Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit', Buffer.from('Ik kom graag \uFFFD', 'utf8')));
    expect(a.replyText).toContain('\uFFFD');
    expect(a.problems.filter((p) => p.startsWith('charset-mislabelled'))).toEqual([]);
  });

  it('shortens runs of thousands of blanks (they made libqp quadratic) and keeps the text around them', async () => {
    const raw = mail('Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable', `Ik kom graag.${'\t'.repeat(50_000)}Groet, Jan\n`);
    const parsed = await parseMessage(raw);
    expect(parsed.problems).toContain('long-blank-runs-shortened');
    expect(parsed.text).toMatch(/^Ik kom graag\.\t{256}Groet, Jan\n?$/);
  });
});

describe('header fields beyond 100 KB (Postfix header_size_limit)', () => {
  it('cuts a Subject folded over 300,000 lines at the limit and reads the rest of the message as usual', async () => {
    const raw = Buffer.from(`From: Jan <jan@zorg.example>\r\nSubject: aanmelding${'\r\n b'.repeat(300_000)}\r\nMessage-ID: <fold@zorg.example>\r\n\r\nIk kom graag.\r\n`);
    const parsed = await parseMessage(raw);
    expect(parsed.problems).toContain('header-field-cut');
    expect(parsed.subject.startsWith('aanmelding b b')).toBe(true);
    expect(parsed.subject.length).toBeLessThanOrEqual(102_400);
    expect(parsed.subject.length).toBeGreaterThan(40_000);
    expect([parsed.messageId, parsed.from?.address, parsed.text.trim()]).toEqual(['fold@zorg.example', 'jan@zorg.example', 'Ik kom graag.']);
  });

  it('keeps the first 100 KB of a single unfolded line, and headers under the limit untouched', async () => {
    const to = Array.from({ length: 20_000 }, (_, i) => `p${i}@x.example`).join(', ');
    const parsed = await parseMessage(Buffer.from(`From: jan@zorg.example\r\nTo: ${to}\r\nMessage-ID: <to@zorg.example>\r\n\r\nIk kom graag.\r\n`));
    expect(parsed.problems).toContain('header-field-cut');
    expect(parsed.to[0]?.address).toBe('p0@x.example');
    expect(parsed.to.length).toBeLessThan(20_000);
    expect(parsed.messageId).toBe('to@zorg.example');
    const small = await parseMessage(Buffer.from('From: jan@zorg.example\r\nSubject: ja\r\n\r\nIk kom.\r\n'));
    expect(small.problems).not.toContain('header-field-cut');
  });
});

describe('shortenLongWords', () => {
  it('keeps both ends of a word over 2,000 characters and everything around it', () => {
    const blob = 'A'.repeat(1000) + 'B'.repeat(5000) + 'C'.repeat(1000);
    const out = shortenLongWords(`Ik kom graag.\n${blob} Groet, Jan`);
    expect(out).toBe(`Ik kom graag.\n${'A'.repeat(1000)}…${'C'.repeat(1000)} Groet, Jan`);
  });

  it('leaves text without such words as it is, the very same string', () => {
    const text = `Ik kom graag. ${'x'.repeat(2000)} tot dan`;
    expect(shortenLongWords(text)).toBe(text);
  });

  it('leaves a text of words just under the limit alone', () => {
    const text = ('y'.repeat(1999) + ' ').repeat(100);
    expect(shortenLongWords(text)).toBe(text);
  });
});

describe('message bombs: MIME limits', () => {
  const manyParts = (n: number) =>
    mail('Content-Type: multipart/mixed; boundary=b', Array.from({ length: n }, (_, i) => `--b\nContent-Type: text/plain\n\nIk kom ${i}\n`).join('') + '--b--\n');
  const nested = (depth: number) => {
    let body = 'Content-Type: text/plain\n\nIk kom graag.\n';
    for (let d = depth; d > 1; d--) body = `Content-Type: multipart/mixed; boundary=n${d}\n\n--n${d}\n${body}--n${d}--\n`;
    return mail('Content-Type: multipart/mixed; boundary=n1', `--n1\n${body}--n1--\n`);
  };

  it('counts parts and nesting without building the tree', () => {
    expect(scanMimeShape(manyParts(3).toString('latin1'))).toEqual({ parts: 3, depth: 1 });
    expect(scanMimeShape(nested(4).toString('latin1'))).toEqual({ parts: 4, depth: 4 });
    expect(scanMimeShape('Content-Type: text/plain\r\n\r\n--not a boundary\r\n')).toEqual({ parts: 0, depth: 0 });
  });

  it('reads a message of 10,000 parts no further than its headers, and says why', async () => {
    const raw = manyParts(10_000);
    const a = await readMessage(raw);
    expect(a.problems).toContain('mime-limit:more than 500 parts');
    expect(a.bodyText).toBe('');
    expect(a.from?.address).toBe('jan@zorg.example');
    expect(a.messageId).toBe('enc-1@zorg.example');
    const c = await classifyRaw(raw);
    expect(c.kind).toBe('other');
  });

  it('reads a message nested 5,000 deep no further than its headers', async () => {
    const a = await readMessage(nested(5_000));
    expect(a.problems).toContain('mime-limit:multiparts nested deeper than 25');
    expect(a.replyText).toBe('');
    expect((await classifyRaw(nested(5_000))).kind).toBe('other');
  });

  it('reads a message within the limits as usual, and takes limits from the caller', async () => {
    expect((await classifyRaw(nested(10))).intent).toBe('accept');
    expect((await classifyRaw(manyParts(20))).kind).toBe('rsvp');
    expect((await readMessage(manyParts(20), { maxParts: 10 })).problems).toContain('mime-limit:more than 10 parts');
    expect((await readMessage(nested(10), { maxDepth: 5 })).problems).toContain('mime-limit:multiparts nested deeper than 5');
  });
});
