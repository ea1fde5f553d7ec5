import { describe, expect, it } from 'vitest';
import { groupBySize, ImapSourceError, parseImapUrl, uidRange } from './imap.js';

describe('uidRange', () => {
  it.each([
    ['', ''],
    ['5', '5'],
    ['1 2 3', '1:3'],
    ['1 2 3 5 7 8', '1:3,5,7:8'],
    ['4294967294 4294967295', '4294967294:4294967295'],
  ])('UIDs [%s] → "%s"', (uids, range) => {
    expect(uidRange(uids.split(' ').filter(Boolean).map(BigInt))).toBe(range);
  });
});

describe('parseImapUrl', () => {
  it('decodes user, password and mailbox and names the server without credentials', () => {
    const t = parseImapUrl('imap://org%40example.test:p%40ss%2Fw%25rd@mail.example:1143/Archief%2FRSVP');
    expect(t).toMatchObject({ secure: false, host: 'mail.example', port: 1143, user: 'org@example.test', pass: 'p@ss/w%rd', mailbox: 'Archief/RSVP', server: 'imap://mail.example:1143' });
  });

  it('defaults the port by scheme and the mailbox to INBOX', () => {
    expect(parseImapUrl('imaps://u:p@mail.example')).toMatchObject({ secure: true, port: 993, mailbox: 'INBOX', server: 'imaps://mail.example:993' });
    expect(parseImapUrl('imap://u:p@mail.example/')).toMatchObject({ port: 143, mailbox: 'INBOX' });
  });

  it('refuses other schemes and garbage without repeating the URL', () => {
    expect(() => parseImapUrl('smtp://u:secret@host')).toThrow(ImapSourceError);
    const error = (() => {
      try {
        parseImapUrl('not a url with secret');
      } catch (e) {
        return e as ImapSourceError;
      }
    })();
    expect(error?.code).toBe('EIMAPURL');
    expect(error?.message).not.toContain('secret');
  });
});

describe('groupBySize', () => {
  const uids = [1n, 2n, 3n, 4n, 5n];
  const sizes = (...bytes: number[]) => new Map(bytes.map((b, i) => [BigInt(i + 1), b]));

  it('keeps small messages in one FETCH', () => {
    expect(groupBySize(uids, sizes(10, 10, 10, 10, 10), 1000, 100)).toEqual([uids]);
  });

  it('cuts where the sources would pass the budget, in order, a large one alone', () => {
    expect(groupBySize(uids, sizes(40, 40, 40, 500, 10), 1000, 100)).toEqual([[1n, 2n], [3n], [4n], [5n]]);
  });

  it('counts a message over maxBytes as maxBytes, since only that much is fetched', () => {
    expect(groupBySize(uids, sizes(5000, 5000, 5000, 5000, 5000), 20, 100)).toEqual([uids]);
  });

  it('treats an unknown size as small and an empty list as no FETCH', () => {
    expect(groupBySize([1n, 2n], new Map(), 1000, 100)).toEqual([[1n, 2n]]);
    expect(groupBySize([], new Map(), 1000, 100)).toEqual([]);
  });
});
