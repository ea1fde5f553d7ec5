import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.js';

function dirWith(yaml: string | null): string {
  const dir = mkdtempSync(join(tmpdir(), 'rsvp-config-'));
  if (yaml !== null) {
    writeFileSync(join(dir, 'rsvp.yaml'), yaml);
  }
  return dir;
}

function load(yaml: string | null, env: Record<string, string> = {}) {
  const cwd = dirWith(yaml);
  return loadConfig({ cwd, env: yaml === null ? env : { RSVP_CONFIG: 'rsvp.yaml', ...env } });
}

function errorOf(yaml: string | null, env: Record<string, string> = {}): string {
  try {
    load(yaml, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs on the embedded defaults with no file and no environment', () => {
    const c = load(null);
    expect(c.source).toBeNull();
    expect(c.database.url).toBe('file:./data/rsvp.db');
    expect(c.mailbox.imapUrl).toBeNull();
    expect(c.outbox.smtpUrl).toBeNull();
    expect(c.reminders.inviteesDaysBeforeDeadline).toEqual([7, 2]);
    expect(c.paths.maildir.endsWith('/data/mailbox')).toBe(true);
  });

  it('lets the environment override the file', () => {
    const c = load('database: { url: "file:./x.db" }\nmailFrom: a@b.example\n', {
      DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/rsvp',
      MAIL_FROM: 'Info <info@org.example>',
    });
    expect(c.database.url).toBe('postgresql://u:p@127.0.0.1:5432/rsvp');
    expect(c.mailFrom).toBe('Info <info@org.example>');
  });

  it('names the field and the reason of an invalid value in one line', () => {
    const message = errorOf('schedules:\n  poll: "61 * * * *"\n');
    expect(message).toMatch(/^invalid config: schedules\.poll: invalid cron expression "61 \* \* \* \*"/);
    expect(message).not.toContain('\n');
  });

  it('names the environment variable when the bad value came from it', () => {
    expect(errorOf(null, { DATABASE_URL: 'mysql://x' })).toMatch(/^invalid config: DATABASE_URL: expected file:PATH/);
    expect(errorOf(null, { IMAP_URL: 'http://x' })).toMatch(/^invalid config: IMAP_URL:/);
  });

  it('rejects unknown keys, so a typo does not pass silently', () => {
    expect(errorOf('remiders: {}\n')).toMatch(/remiders/);
  });

  it('rejects a bad time zone, time of day and regular expression', () => {
    expect(errorOf('schedules: { timezone: Europe/Amsterdamm }\n')).toMatch(/schedules\.timezone: not an IANA time zone/);
    expect(errorOf('digest: { at: "8:00" }\n')).toMatch(/digest\.at: expected HH:MM/);
    expect(errorOf('rules: { extra: [ { id: x, pattern: "(", effect: accept } ] }\n')).toMatch(/rules\.extra\.0\.pattern: invalid regular expression/);
  });

  it('reports YAML syntax errors and a missing file in one line', () => {
    expect(errorOf('a: [1, 2\n')).toMatch(/is not valid YAML/);
    expect(() => loadConfig({ cwd: dirWith(null), env: { RSVP_CONFIG: 'missing.yaml' } })).toThrow(/config file not found/);
  });

  it('treats RSVP_NOW as now and rejects a bad one', () => {
    const c = load(null, { RSVP_NOW: '2018-11-10T09:00:00+01:00' });
    expect(c.now().toISOString()).toBe('2018-11-10T08:00:00.000Z');
    expect(errorOf(null, { RSVP_NOW: 'yesterday' })).toMatch(/RSVP_NOW/);
  });

  it('accepts the project default config file as shipped', () => {
    const c = loadConfig({ cwd: process.cwd(), env: {} });
    expect(c.source).toMatch(/config\/rsvp\.yaml$/);
  });
});
