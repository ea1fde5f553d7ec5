import { describe, expect, it } from 'vitest';
import { curName } from './maildir.js';

describe('Maildir cur/ names', () => {
  it('adds the info suffix :2, once', () => {
    expect(curName('1700000000.M1.host')).toBe('1700000000.M1.host:2,');
    expect(curName('1700000000.M1.host:2,S')).toBe('1700000000.M1.host:2,S');
  });
});
