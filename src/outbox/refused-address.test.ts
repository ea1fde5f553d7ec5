import { describe, expect, it } from 'vitest';
import { SendError } from '../sender/types.js';
import { isAddressRefusal } from './refused-address.js';

describe('isAddressRefusal', () => {
  it.each([
    ['550 5.1.1 user unknown', 'EPERMANENT', 550, true],
    ['550 5.1.10 recipient not found (Exchange)', 'EPERMANENT', 550, true],
    ['550 5.2.1 mailbox disabled', 'EPERMANENT', 550, true],
    ['553 mailbox name not allowed', 'EPERMANENT', 553, true],
    ['551 user not local', 'EPERMANENT', 551, true],
    ['550 mailbox unavailable', 'EPERMANENT', 550, true],
    ['550 5.7.1 message rejected as spam', 'EPERMANENT', 550, false],
    ['554 5.7.1 policy', 'EPERMANENT', 554, false],
    ['552 5.2.2 mailbox full', 'EPERMANENT', 552, false],
    ['554 transaction failed', 'EPERMANENT', 554, false],
    ['450 4.2.1 try later', 'ETRANSIENT', 450, false],
    ['connection refused', 'ETRANSIENT', undefined, false],
  ] as const)('%s → %s', (text, code, responseCode, expected) => {
    expect(isAddressRefusal(new SendError(`SMTP server smtp://x:25 refused the message: ${text}`, code, responseCode))).toBe(expected);
  });
});
