import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskAddresses, scrubSecrets } from './log.js';

function captured(level: string) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level, destination }), text: () => lines.join('') };
}

describe('log scrubbing', () => {
  it('never logs a URL password or a web token, at any level', () => {
    for (const level of ['info', 'debug', 'trace']) {
      const { logger, text } = captured(level);
      logger.error({ error: 'connect postgresql://rsvp:S3cr3t%21@db.example:5432/rsvp failed' }, 'IMAP imaps://info%40inkoop.example:hunter2@imap.example/INBOX');
      logger.warn({ nested: { smtp: 'smtps://u:pa55word@smtp.example:465', path: '/?token=abcdefabcdef0123' } }, 'x');
      logger.info({ password: 'plain-secret', token: 'tok-secret-123' }, 'y');
      logger.debug({ err: new Error('smtp://u:debugpass@h failed') }, 'z');
      const out = text();
      for (const secret of ['S3cr3t', 'hunter2', 'pa55word', 'abcdefabcdef0123', 'plain-secret', 'tok-secret-123', 'debugpass']) expect(out).not.toContain(secret);
      expect(out).toContain('db.example:5432');
    }
  });

  it('addresses keep only their domain above debug, in fields and messages; Message-IDs stay', () => {
    const { logger, text } = captured('info');
    logger.info({ outcome: 'accepted (2) roel.sinke@zorgpunt.example; confirmation queued', messageId: 'abc.123@inkoop.example' }, 'reply from jan@walcheren.example');
    const out = text();
    expect(out).not.toMatch(/roel\.sinke|jan@/);
    expect(out).toContain('***@zorgpunt.example');
    expect(out).toContain('***@walcheren.example');
    expect(out).toContain('abc.123@inkoop.example');
  });

  it('addresses are shown at debug level', () => {
    const { logger, text } = captured('debug');
    logger.debug({ from: 'roel@zorgpunt.example' }, 'matched');
    expect(text()).toContain('roel@zorgpunt.example');
  });

  it.each([
    ['postgresql://user:p%40ss@host/db', 'postgresql://user:***@host/db'],
    ['smtp://@host', 'smtp://@host'],
    ['https://rsvp.example/?token=abc&x=1', 'https://rsvp.example/?token=***&x=1'],
  ])('scrubSecrets(%s)', (input, expected) => expect(scrubSecrets(input)).toBe(expected));

  it('maskAddresses', () => {
    expect(maskAddresses('to "Roel" <roel+rsvp@zorgpunt.example>, k.de.wit@kindkracht.example')).toBe('to "Roel" <***@zorgpunt.example>, ***@kindkracht.example');
  });
});

describe('child loggers', () => {
  it('scrub their bindings, for grandchildren too', () => {
    const { logger, text } = captured('debug');
    logger.child({ server: 'smtp://u:pw123@h:25' }).child({ mailbox: 'imap://jan@h/INBOX', who: 'a@b.example' }).warn('x');
    const out = text();
    expect(out).not.toContain('pw123');
    expect(out).not.toContain('a@b.example');
    expect(out).toContain('***@b.example');
  });
});
