import { describe, expect, it } from 'vitest';
import { readMessage } from './anatomy.js';

const mail = (headers: string, body: string) => Buffer.from(`${headers.trim()}\r\n\r\n${body}`.replace(/\r?\n/g, '\r\n'));

describe('readMessage never throws', () => {
  const inputs: Array<[string, Buffer]> = [
    ['empty buffer', Buffer.alloc(0)],
    ['random bytes', Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919 + 13) % 256))],
    ['headers only, no body', Buffer.from('From: a@b.test\r\nSubject: x\r\n')],
    ['a multipart without boundary', mail('From: a@b.test\nContent-Type: multipart/mixed', 'Ik kom.')],
    ['an unknown transfer encoding', mail('From: a@b.test\nContent-Transfer-Encoding: x-uuencode\nContent-Type: text/plain', 'Ik kom.')],
    ['a broken base64 body', mail('From: a@b.test\nContent-Transfer-Encoding: base64\nContent-Type: text/plain', '!!!not base64***')],
    ['a broken calendar part', mail('From: a@b.test\nContent-Type: text/calendar; method=REPLY', 'BEGIN:VCALENDAR\nMETHOD:REPLY\nBEGIN:VEVENT\n')],
    ['a garbage date', mail('From: a@b.test\nDate: gisteren rond de middag\nContent-Type: text/plain', 'Ja')],
    ['a deeply nested multipart', mail('From: a@b.test\nContent-Type: multipart/mixed; boundary=a0', Array.from({ length: 60 }, (_, i) => `--a${i}\r\nContent-Type: multipart/mixed; boundary=a${i + 1}\r\n\r\n`).join('') + 'Ik kom.')],
  ];
  it.each(inputs)('%s', async (_label, raw) => {
    const a = await readMessage(raw);
    expect(typeof a.replyText).toBe('string');
    expect(Array.isArray(a.problems)).toBe(true);
    expect(a.automatic).toBeDefined();
  });

  it('notes a date it cannot read and leaves date null', async () => {
    const a = await readMessage(mail('From: a@b.test\nMessage-ID: <x@y>\nDate: gisteren rond de middag\nContent-Type: text/plain', 'Ja'));
    expect(a.date).toBeNull();
    expect(a.problems).toContain('unreadable-header:date');
  });

  it('notes a charset it does not know', async () => {
    const a = await readMessage(mail('From: a@b.test\nMessage-ID: <x@y>\nContent-Type: text/plain; charset=x-klingon', 'Ik kom.'));
    expect(a.problems).toContain('unknown-charset:x-klingon');
    expect(a.replyText).toContain('Ik kom.');
  });
});

describe('readMessage options and headers', () => {
  it('cuts the body at maxTextChars and says so', async () => {
    const a = await readMessage(mail('From: a@b.test\nMessage-ID: <x@y>\nContent-Type: text/plain', 'Ik kom. ' + 'x'.repeat(5000)), { maxTextChars: 100 });
    expect(a.bodyText.length).toBe(100);
    expect(a.problems.some((p) => p.startsWith('body-truncated'))).toBe(true);
  });

  it('reads references, in-reply-to and addresses without angle brackets', async () => {
    const a = await readMessage(
      mail(
        'From: "Sinke, Roel" <roel@x.test>\nReply-To: secretariaat@x.test\nTo: a@b.test, "B" <b@b.test>\nCc: c@b.test\nMessage-ID: <m1@x.test>\nIn-Reply-To: <inv-1@ijz.test>\nReferences: <r0@ijz.test>\n <inv-1@ijz.test>\nSubject: =?iso-8859-1?Q?Re:_Caf=E9?=\nDate: Mon, 15 Oct 2018 10:00:00 +0200\nContent-Type: text/plain',
        'Ik kom.',
      ),
    );
    expect(a.messageId).toBe('m1@x.test');
    expect(a.inReplyTo).toBe('inv-1@ijz.test');
    expect(a.references).toEqual(['r0@ijz.test', 'inv-1@ijz.test']);
    expect(a.from).toEqual({ address: 'roel@x.test', name: 'Sinke, Roel' });
    expect(a.replyTo?.address).toBe('secretariaat@x.test');
    expect(a.to.map((t) => t.address)).toEqual(['a@b.test', 'b@b.test']);
    expect(a.cc.map((t) => t.address)).toEqual(['c@b.test']);
    expect(a.subject).toBe('Re: Café');
    expect(a.date?.toISOString()).toBe('2018-10-15T08:00:00.000Z');
  });

  it('prefers the text part; uses HTML only when there is no text', async () => {
    const alt = mail(
      'From: a@b.test\nMessage-ID: <x@y>\nContent-Type: multipart/alternative; boundary=b',
      '--b\r\nContent-Type: text/plain\r\n\r\nTekst deel.\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>HTML deel.</p>\r\n--b--\r\n',
    );
    expect((await readMessage(alt)).replyText).toBe('Tekst deel.');
    const htmlOnly = mail('From: a@b.test\nMessage-ID: <x@y>\nContent-Type: text/html', '<p>HTML deel.</p>');
    expect((await readMessage(htmlOnly)).replyText).toBe('HTML deel.');
  });

  it('reads mail with classic Mac line ends (bare CR)', async () => {
    const a = await readMessage(Buffer.from('From: a@b.test\rSubject: Aanmelding\rMessage-ID: <x@y>\r\rIk kom.\r'));
    expect(a.subject).toBe('Aanmelding');
    expect(a.replyText).toBe('Ik kom.');
    expect(a.problems).toContain('bare-cr-line-ends');
  });

  it('reads a bare iCalendar REPLY handed in as a message', async () => {
    const a = await readMessage(
      Buffer.from('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:u1\r\nSEQUENCE:1\r\nATTENDEE;PARTSTAT=DECLINED:mailto:a@b.test\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n'),
    );
    expect(a.calendar).toMatchObject({ uid: 'u1', partstat: 'DECLINED', attendeeEmail: 'a@b.test', sequence: 1 });
  });
});
