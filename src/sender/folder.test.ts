import { describe, expect, it } from 'vitest';
import { safeFileName } from './folder.js';

describe('outbox file names', () => {
  it('makes a Message-ID safe for a file name', () => {
    expect(safeFileName('<abc.123@inkoop.example>')).toBe('abc.123@inkoop.example');
    expect(safeFileName('../../etc/passwd@x')).toBe('.._.._etc_passwd@x');
    expect(safeFileName('a b:c\\d@x')).toBe('a_b_c_d@x');
  });
});
