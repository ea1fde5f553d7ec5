/**
 * The direct MIME reader (fast-parse.ts) must read every message it accepts exactly as mailparser
 * does: the same ParsedMessage from parse.ts and the same MessageAnatomy from readMessage. Checked
 * on every fixture of the project and on hand-made messages for the shapes the fixtures lack.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeQuotedPrintable, fastParse } from './fast-parse.js';
import { parseMessage } from './parse.js';
import { readMessage, readMessageViaMailparser } from './anatomy.js';

const fixturesRoot = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures');

function emlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...emlFiles(p));
    else if (entry.endsWith('.eml')) out.push(p);
  }
  return out;
}

const files = emlFiles(fixturesRoot);

async function expectSameReading(raw: Buffer): Promise<void> {
  expect(await parseMessage(raw, { fast: true })).toStrictEqual(await parseMessage(raw, { fast: false }));
  expect(await readMessage(raw)).toStrictEqual(await readMessageViaMailparser(raw));
}

describe('every fixture reads the same with and without the direct reader', () => {
  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThan(200);
  });

  it.each(files.map((f) => [relative(fixturesRoot, f), f]))('%s', async (_name, file) => {
    await expectSameReading(readFileSync(file));
  });

  it('takes the direct path for nearly every fixture, bounces and attachments included', () => {
    const direct = files.filter((f) => fastParse(readFileSync(f)) !== null);
    expect(direct.length / files.length).toBeGreaterThan(0.95);
    const slow = files.filter((f) => fastParse(readFileSync(f)) === null).map((f) => relative(fixturesRoot, f));
    // An unknown charset and a message without headers are mailparser's to read.
    expect(slow).toContain('messages/mime/broken-unknown-charset.eml');
    expect(slow).toContain('messages/mime/no-headers.eml');
  });
});

/** A message from header lines and a body, with the given line end. */
function mail(headers: string[], body: string, nl = '\r\n', bodyCharset = 'utf-8'): Buffer {
  return Buffer.concat([Buffer.from(headers.join(nl) + nl + nl, 'utf8'), iconv.encode(body.replace(/\r?\n/g, nl), bodyCharset)]);
}

const base = ['From: "Jansen, Piet" <piet@example.test>', 'To: info@example.test', 'Message-ID: <m1@example.test>', 'Date: Tue, 16 Oct 2018 10:00:00 +0200'];

function alternative(plain: string[], html: string[], extra: string[] = [], nl = '\r\n'): Buffer {
  const body = ['preamble', '--b1', ...plain, '--b1', ...html, ...(extra.length ? ['--b1', ...extra] : []), '--b1--', 'epilogue', ''].join('\n');
  return mail([...base, 'Subject: Re: x', 'MIME-Version: 1.0', 'Content-Type: multipart/alternative; boundary="b1"'], body, nl);
}

const accepted: Array<[string, Buffer]> = [
  ['encoded-word subjects and names (Q and B, UTF-8 and ISO-8859-1)', mail(
    [
      'From: =?iso-8859-1?Q?Ren=E9e_M=FCller?= <renee@example.test>',
      'To: =?UTF-8?B?Sm9zw6kgR2FyY8OtYQ==?= <jose@example.test>, "Team" <team@example.test>',
      'Cc: Leden: a@example.test, b@example.test;',
      'Message-ID: <m2@example.test>',
      'Subject: =?utf-8?Q?Re:_Uitnodiging_=E2=80=93_ik_kom?=',
      '\t=?utf-8?B?IG1ldCB6J24gdHdlZcOrbg==?=',
      'Content-Type: text/plain; charset=utf-8',
    ],
    'Ik kom.\n',
  )],
  ['raw UTF-8 in headers, folded References, several To headers', mail(
    [
      'From: Zoë Çelik <zoe@example.test>',
      'To: a@example.test',
      'To: b@example.test',
      'Subject: Aanmelding café',
      'In-Reply-To: <orig@example.test>',
      'References: <r1@example.test>',
      ' <r2@example.test>\t<orig@example.test>',
      'Content-Type: text/plain; charset="UTF-8"',
      'Content-Transfer-Encoding: 8bit',
    ],
    'Ja, wij komen met z’n drieën.\n\n> quoted\n',
  )],
  ['two Subject headers (mailparser keeps the last)', mail([...base, 'Subject: first', 'Subject: second', 'Content-Type: text/plain'], 'Ik kom\n')],
  ['quoted-printable with soft breaks, LF line ends', mail(
    [...base, 'Subject: Re: x', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'],
    'Ik kom graag naar de bijeenkomst en neem een collega mee, hij heet =\nJan de Vries.=20\nGroet =E2=80=93 Piet\n',
    '\n',
  )],
  ['base64 UTF-8', mail(
    [...base, 'Subject: Re: x', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64'],
    Buffer.from('Wij komen met ons vieren.\r\nGroet, Anneke\r\n').toString('base64').replace(/(.{20})/g, '$1\n') + '\n',
  )],
  ['windows-1252 and iso-8859-1 bodies', mail(
    [...base, 'Subject: Re: x', 'Content-Type: text/plain; charset=windows-1252', 'Content-Transfer-Encoding: 8bit'],
    'Prijs \u20ac 10, ik kom \u201cgraag\u201d \u2013 caf\u00e9\n',
    '\r\n',
    'windows-1252',
  )],
  ['iso-8859-1 quoted-printable', mail(
    [...base, 'Subject: Re: x', 'Content-Type: text/plain; charset=ISO-8859-1', 'Content-Transfer-Encoding: quoted-printable'],
    'Ik kom graag, tot ziens in de caf=E9.\n',
  )],
  ['format=flowed with and without delsp', mail(
    [...base, 'Subject: Re: x', 'Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes'],
    'Ik kom graag naar de  \nbijeenkomst. \nGroet\n-- \nPiet\n',
  )],
  ['HTML only, quoted-printable', mail(
    [...base, 'Subject: Re: x', 'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'],
    '<p>Ik kom=\n graag</p><div class=3D"gmail_quote">quote</div>\n',
  )],
  ['alternative of plain and HTML, parts in quoted-printable and base64', alternative(
    ['Content-Type: text/plain; charset="utf-8"', 'Content-Transfer-Encoding: quoted-printable', '', 'Ik kom =E2=80=93 Piet', ''],
    ['Content-Type: text/html; charset="utf-8"', 'Content-Transfer-Encoding: base64', '', Buffer.from('<p>Ik kom – Piet</p>').toString('base64')],
  )],
  ['alternative with LF line ends and an empty plain part', alternative(
    ['Content-Type: text/plain; charset=us-ascii', '', ''],
    ['Content-Type: text/html; charset=us-ascii', '', '<p>Ik kom</p>', '', ''],
    [],
    '\n',
  )],
  ['alternative with a calendar answer part', alternative(
    ['Content-Type: text/plain; charset=utf-8', '', 'Geaccepteerd'],
    ['Content-Type: text/html; charset=utf-8', '', '<p>Geaccepteerd</p>'],
    [
      'Content-Type: text/calendar; charset="utf-8"; method=REPLY; name="reply.ics"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:piet@example.test\r\nUID:u1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n').toString('base64'),
    ],
  )],
  ['multipart/mixed with an attachment', mail(
    [...base, 'Subject: x', 'Content-Type: multipart/mixed; boundary="m"'],
    '--m\nContent-Type: text/plain\n\nIk kom\n--m\nContent-Type: application/pdf; name="a.pdf"\nContent-Transfer-Encoding: base64\n\nJVBERg==\n--m--\n',
  )],
  ['a text part sent as attachment (it becomes one)', alternative(
    ['Content-Type: text/plain', 'Content-Disposition: attachment; filename="a.txt"', '', 'Ik kom'],
    ['Content-Type: text/html', '', '<p>x</p>'],
  )],
  ['a delivery report with the returned message attached', mail(
    ['From: MAILER-DAEMON@example.test', 'To: info@example.test', 'Subject: Undelivered Mail Returned to Sender', 'Content-Type: multipart/report; report-type=delivery-status; boundary="r"'],
    [
      'This is a MIME-encapsulated message.',
      '--r',
      'Content-Description: Notification',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'I could not deliver your message to <piet@example.test>.',
      '--r',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.test',
      '',
      'Final-Recipient: rfc822; piet@example.test',
      'Action: failed',
      'Status: 5.1.1',
      '--r',
      'Content-Type: message/rfc822',
      '',
      'From: info@example.test',
      'Subject: Uitnodiging',
      '',
      'Beste,',
      '--r--',
      '',
    ].join('\n'),
  )],
  ['nested alternative inside mixed, with an empty last part', mail(
    [...base, 'Subject: Re: x', 'Content-Type: multipart/mixed; boundary="outer"'],
    '--outer\nContent-Type: multipart/alternative; boundary="inner"\n\n--inner\nContent-Type: text/plain\n\nIk kom\n--inner\nContent-Type: text/html\n\n<p>Ik kom</p>\n--inner--\n\n--outer\nContent-Type: text/calendar; method=REPLY\nContent-Disposition: attachment\n\n\n--outer--\n',
  )],
  ['lines that only look like delimiters, and one mailsplit takes for a delimiter', mail(
    [...base, 'Subject: x', 'Content-Type: multipart/alternative; boundary="b"'],
    '--b\nContent-Type: text/plain\n\nIk kom\n--b \n--bx\n--b-\n--b\r"\nContent-Type: text/html\n\n<p>x</p>\n--b--\n',
  )],
];

describe('hand-made messages in the direct reader’s scope', () => {
  it.each(accepted)('%s', async (_name, raw) => {
    expect(fastParse(raw)).not.toBeNull();
    await expectSameReading(raw);
  });

  it('decodes what it reads (not only agrees with mailparser)', async () => {
    const parsed = await parseMessage(accepted[0]![1]);
    expect(parsed.from).toEqual({ address: 'renee@example.test', name: 'Renée Müller' });
    expect(parsed.to.map((a) => a.name)).toEqual(['José García', 'Team']);
    expect(parsed.subject).toBe('Re: Uitnodiging – ik kom met z\'n tweeën');
    const cp1252 = await parseMessage(accepted.find(([n]) => n.startsWith('windows-1252'))![1]);
    expect(cp1252.text).toContain('€ 10');
    const calendar = await readMessage(accepted.find(([n]) => n.includes('calendar answer'))![1]);
    expect(calendar.calendar?.partstat).toBe('ACCEPTED');
  });
});

const declined: Array<[string, Buffer]> = [
  ['a charset outside the list', mail([...base, 'Subject: x', 'Content-Type: text/plain; charset=koi8-r'], 'Я приду\n', '\r\n', 'koi8-r')],
  ['no closing delimiter', mail(
    [...base, 'Subject: x', 'Content-Type: multipart/alternative; boundary="b"'],
    '--b\nContent-Type: text/plain\n\nIk kom\n',
  )],
  ['an encoded word standing for a whole address', mail(
    ['From: =?utf-8?B?UGlldCA8cGlldEBleGFtcGxlLnRlc3Q+?=', 'Subject: x', 'Content-Type: text/plain'],
    'Ik kom\n',
  )],
  ['base64 with stray characters', mail(
    [...base, 'Subject: x', 'Content-Type: text/plain', 'Content-Transfer-Encoding: base64'],
    'SWsga29t!\n',
  )],
  ['an embedded message shown inline', mail(
    [...base, 'Subject: x', 'Content-Type: multipart/mixed; boundary="m"'],
    '--m\nContent-Type: text/plain\n\nZie onder\n--m\nContent-Type: message/rfc822\nContent-Disposition: inline\n\nFrom: a@example.test\nSubject: y\n\nIk kom\n--m--\n',
  )],
  ['an octet-stream attachment with a file name (mailparser guesses its type)', mail(
    [...base, 'Subject: x', 'Content-Type: multipart/mixed; boundary="m"'],
    '--m\nContent-Type: text/plain\n\nIk kom\n--m\nContent-Type: application/octet-stream; name="invite.ics"\n\nBEGIN:VCALENDAR\n--m--\n',
  )],
  ['plain text beside HTML outside an alternative (mailparser renders it as HTML)', mail(
    [...base, 'Subject: x', 'Content-Type: multipart/mixed; boundary="m"'],
    '--m\nContent-Type: text/plain\n\nIk kom\n--m\nContent-Type: text/html\n\n<p>Ik kom</p>\n--m--\n',
  )],
  ['a boundary parameter on a type that is not multipart (mailsplit still splits on it)', mail(
    [...base, 'Subject: x', 'Content-Type: multcharset=utf-8ipart/alternative; boundary="b"'],
    '--b\nContent-Type: text/plain\n\nIk kom\n--b--\n',
  )],
  ['two Content-Type headers', mail([...base, 'Subject: x', 'Content-Type: text/plain', 'Content-Type: text/html'], 'Ik kom\n')],
];

describe('messages outside the direct reader’s scope go to mailparser', () => {
  it.each(declined)('%s', async (_name, raw) => {
    expect(fastParse(raw)).toBeNull();
    await expectSameReading(raw);
  });
});

describe('decodeQuotedPrintable', () => {
  const libqp = createRequire(createRequire(import.meta.url).resolve('mailparser'))('libqp') as { decode: (b: Buffer) => Buffer };

  it('decodes as libqp does, on hand-picked edge cases', () => {
    const cases = ['', '=', '=\r', '=\r\n', '==\r\n41', 'a \t\r\nb', 'a= \r\nb', '=3D=3d=3G=4', 'x=\r \ny', 'caf=E9 =\n', 'a  ', '=\r\r\n', '= \t'];
    for (const c of cases) {
      const input = Buffer.from(c, 'latin1');
      expect(decodeQuotedPrintable(input), JSON.stringify(c)).toEqual(libqp.decode(input));
    }
  });

  it('decodes as libqp does, on generated input', () => {
    // A small deterministic generator over the characters that matter to the decoder.
    const alphabet = ['=', '\r', '\n', ' ', '\t', 'A', '3', 'd', 'F', 'z', '0', '\u00e9', '\u0080'];
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let n = 0; n < 3000; n++) {
      let s = '';
      const len = Math.floor(next() * 24);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      const input = Buffer.from(s, 'latin1');
      expect(decodeQuotedPrintable(input), JSON.stringify(s)).toEqual(libqp.decode(input));
    }
  });
});
