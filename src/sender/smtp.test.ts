import { describe, expect, it } from 'vitest';
import { smtpServerOf, toSendError } from './smtp.js';

describe('toSendError (RFC 5321 section 4.2.1)', () => {
  const server = 'smtp://mail.example:587';
  it.each<[{ code: string; responseCode?: number }, string]>([
    [{ code: 'EENVELOPE', responseCode: 550 }, 'EPERMANENT'],
    [{ code: 'EMESSAGE', responseCode: 554 }, 'EPERMANENT'],
    [{ code: 'EENVELOPE', responseCode: 450 }, 'ETRANSIENT'],
    [{ code: 'EMESSAGE', responseCode: 421 }, 'ETRANSIENT'],
    [{ code: 'EPROTOCOL', responseCode: 503 }, 'ETRANSIENT'],
    [{ code: 'EAUTH', responseCode: 535 }, 'ETRANSIENT'],
    [{ code: 'ECONNECTION' }, 'ETRANSIENT'],
    [{ code: 'ETIMEDOUT' }, 'ETRANSIENT'],
    [{ code: 'ESOCKET' }, 'ETRANSIENT'],
  ])('%j → %s', (fields, code) => {
    const error = toSendError(Object.assign(new Error('failed'), fields), server);
    expect(error.code).toBe(code);
    expect(error.responseCode).toBe(fields.responseCode);
    expect(error.message).toContain(server);
  });

  it('keeps the password out of the message', () => {
    const error = toSendError(Object.assign(new Error('Invalid login for user:hunter2'), { code: 'EAUTH', responseCode: 535 }), server, ['hunter2']);
    expect(error.message).not.toContain('hunter2');
  });
});

describe('smtpServerOf', () => {
  it('drops the credentials and fills in the port', () => {
    expect(smtpServerOf('smtp://u:secret@mail.example')).toBe('smtp://mail.example:587');
    expect(smtpServerOf('smtps://u:secret@mail.example')).toBe('smtps://mail.example:465');
    expect(smtpServerOf('smtp://mail.example:2525')).toBe('smtp://mail.example:2525');
  });
});
