import { describe, expect, it } from 'vitest';
import { printable } from './printable.js';

describe('printable (sender text on a terminal)', () => {
  it.each([
    ['Roel Sinke', 'Roel Sinke'],
    ['Jan\r\nJansen\tBV', 'Jan Jansen BV'],
    ['\u001b[2J\u001b]0;pwned\u0007Roel', '\ufffd[2J\ufffd]0;pwned\ufffdRoel'],
    ['\u001b]52;c;ZWNobyBoaQ==\u0007', '\ufffd]52;c;ZWNobyBoaQ==\ufffd'],
    ['\u009b31mrood', '\ufffd31mrood'],
    ['abc\u202edcba', 'abc\ufffddcba'],
    ['Zoë Ĳsselmeer — 日本', 'Zoë Ĳsselmeer — 日本'],
  ])('%j', (input, expected) => {
    expect(printable(input)).toBe(expected);
  });
});
