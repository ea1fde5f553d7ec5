/**
 * Sender authentication with mailauth against recorded DNS answers: a key made here, a message
 * signed here with mailauth's dkimSign, the TXT records (DKIM key, SPF, DMARC) served by a fake
 * resolver. Nothing reaches the network.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dkimSign } from 'mailauth';
import { clientOf, createSenderAuthenticator, type DnsResolver } from './authenticate.js';
import { configSchema } from '../config/schema.js';
import { readHeaderBlock } from '../core/understand/parse.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_PEM = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const PUBLIC_B64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

/** TXT records by name; anything else does not exist. Counts the lookups. */
function fakeDns(records: Record<string, string>, failing: string[] = []): DnsResolver & { asked: string[] } {
  const asked: string[] = [];
  const resolver = async (name: string, rrtype: string) => {
    asked.push(`${rrtype} ${name}`);
    if (failing.includes(name)) throw Object.assign(new Error(`queryTxt ESERVFAIL ${name}`), { code: 'ESERVFAIL' });
    const record = rrtype === 'TXT' ? records[name.toLowerCase()] : undefined;
    if (record === undefined) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    // TXT answers come in chunks of at most 255 characters.
    return [record.match(/.{1,255}/g)!];
  };
  return Object.assign(resolver, { asked });
}

const ZORGPUNT_DNS = {
  'sel._domainkey.zorgpunt.example': `v=DKIM1; k=rsa; p=${PUBLIC_B64}`,
  '_dmarc.zorgpunt.example': 'v=DMARC1; p=reject; adkim=r; aspf=r',
  'zorgpunt.example': 'v=spf1 ip4:192.0.2.10 -all',
  'sel._domainkey.attacker.example': `v=DKIM1; k=rsa; p=${PUBLIC_B64}`,
};

function message(from: string, extra: string[] = []): string {
  return [
    ...extra,
    `From: ${from}`,
    'To: Inkooporganisatie <info@inkoop.example>',
    'Subject: RE: Uitnodiging',
    'Date: Mon, 23 Nov 2026 10:00:00 +0100',
    'Message-ID: <auth-test@zorgpunt.example>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Ik kom graag.',
    '',
  ].join('\r\n');
}

async function signed(raw: string, domain: string): Promise<string> {
  const result = await dkimSign(raw, {
    signTime: new Date('2026-11-23T09:00:00Z'),
    signatureData: [{ signingDomain: domain, selector: 'sel', privateKey: PRIVATE_PEM }],
  } as never);
  expect(result.errors).toEqual([]);
  return result.signatures + raw;
}

const config = (over: Record<string, unknown> = {}) => configSchema.parse({ authentication: { mode: 'mailauth', ...over } }).authentication;
const now = new Date('2026-11-23T09:05:00Z');

describe('sender authentication with mailauth (recorded DNS)', () => {
  it('a message signed by the From domain passes DKIM and DMARC', async () => {
    const dns = fakeDns(ZORGPUNT_DNS);
    const check = createSenderAuthenticator({ config: config(), resolver: dns, now })!;
    const verdict = await check(Buffer.from(await signed(message('Roel Sinke <roel@zorgpunt.example>'), 'zorgpunt.example')), null);
    expect(verdict).toMatchObject({ authenticated: true, detail: null });
    expect(verdict.reasons).toEqual(['auth:dkim=pass header.d=zorgpunt.example', 'auth:dmarc=pass header.from=zorgpunt.example p=reject']);
  });

  it('a From of a p=reject domain signed by another domain fails DMARC (spoofed)', async () => {
    const check = createSenderAuthenticator({ config: config(), resolver: fakeDns(ZORGPUNT_DNS), now })!;
    const verdict = await check(Buffer.from(await signed(message('Roel Sinke <roel@zorgpunt.example>'), 'attacker.example')), null);
    expect(verdict.authenticated).toBe(false);
    expect(verdict.reasons).toContain('auth:dkim=pass header.d=attacker.example');
    expect(verdict.reasons).toContain('auth:dmarc=fail header.from=zorgpunt.example p=reject');
    expect(verdict.detail).toMatch(/^sender not authenticated: DMARC fails for zorgpunt\.example \(p=reject\)/);
  });

  it('a body changed after signing breaks the signature, and with it DMARC', async () => {
    const check = createSenderAuthenticator({ config: config(), resolver: fakeDns(ZORGPUNT_DNS), now })!;
    const tampered = (await signed(message('roel@zorgpunt.example'), 'zorgpunt.example')).replace('Ik kom graag.', 'Ik kom niet.');
    const verdict = await check(Buffer.from(tampered), null);
    expect(verdict.reasons[0]).toMatch(/^auth:dkim=(fail|neutral)/);
    expect(verdict.authenticated).toBe(false);
  });

  it('SPF from the client IP our MX wrote in Received: an allowed IP aligns, another does not', async () => {
    const received = (ip: string) => [
      'Return-Path: <roel@zorgpunt.example>',
      'Received: from mx.inkoop.example (localhost [127.0.0.1]) by imap.inkoop.example with LMTP',
      `Received: from mail.zorgpunt.example (mail.zorgpunt.example [${ip}]) by mx.inkoop.example with ESMTPS`,
    ];
    const check = createSenderAuthenticator({ config: config(), resolver: fakeDns(ZORGPUNT_DNS), now })!;
    const allowed = await check(Buffer.from(message('roel@zorgpunt.example', received('192.0.2.10'))), null);
    expect(allowed.reasons).toContain('auth:spf=pass smtp.mailfrom=zorgpunt.example');
    expect(allowed.authenticated).toBe(true);
    const other = await check(Buffer.from(message('roel@zorgpunt.example', received('198.51.100.7'))), null);
    expect(other.reasons).toContain('auth:spf=fail smtp.mailfrom=zorgpunt.example');
    expect(other.authenticated).toBe(false);
  });

  it('a domain without DMARC is accepted unsigned, unless alignment is required', async () => {
    const raw = Buffer.from(message('jan@walcheren.example'));
    const lenient = await createSenderAuthenticator({ config: config(), resolver: fakeDns({}), now })!(raw, null);
    expect(lenient).toMatchObject({ authenticated: true });
    expect(lenient.reasons).toContain('auth:dmarc=none header.from=walcheren.example');
    const strict = await createSenderAuthenticator({ config: config({ requireAligned: true }), resolver: fakeDns({}), now })!(raw, null);
    expect(strict.authenticated).toBe(false);
  });

  it('a DNS failure on the DMARC record is not trusted: review rather than act', async () => {
    const check = createSenderAuthenticator({ config: config(), resolver: fakeDns(ZORGPUNT_DNS, ['_dmarc.zorgpunt.example']), now })!;
    const verdict = await check(Buffer.from(message('roel@zorgpunt.example')), null);
    expect(verdict.authenticated).toBe(false);
    expect(verdict.detail).toMatch(/temporary error/);
  });

  it('asks DNS once per record for a backlog from one domain', async () => {
    const dns = fakeDns(ZORGPUNT_DNS);
    const check = createSenderAuthenticator({ config: config(), resolver: dns, now })!;
    const raw = Buffer.from(await signed(message('roel@zorgpunt.example'), 'zorgpunt.example'));
    for (let i = 0; i < 3; i++) expect((await check(raw, null)).authenticated).toBe(true);
    expect(dns.asked.filter((q) => q === 'TXT _dmarc.zorgpunt.example')).toHaveLength(1);
    expect(dns.asked.filter((q) => q === 'TXT sel._domainkey.zorgpunt.example')).toHaveLength(1);
  });

  it('is off by default: no authenticator at all', () => {
    expect(createSenderAuthenticator({ config: configSchema.parse({}).authentication })).toBeNull();
  });
});

describe('sender authentication from a trusted Authentication-Results header', () => {
  const ar = configSchema.parse({ authentication: { mode: 'authentication-results', trustedAuthServId: 'mx.inkoop.example' } }).authentication;

  it('trusts only the named server: its DMARC fail sends the message to review, a forged pass lower down is ignored', async () => {
    const check = createSenderAuthenticator({ config: ar })!;
    const raw = message('roel@zorgpunt.example', [
      'Authentication-Results: mx.inkoop.example; dkim=none; spf=fail smtp.mailfrom=attacker.example; dmarc=fail (p=REJECT) header.from=zorgpunt.example',
      'Authentication-Results: mx.inkoop.example; dmarc=pass header.from=zorgpunt.example',
      'Authentication-Results: mx.attacker.example; dmarc=pass header.from=zorgpunt.example',
    ]);
    const verdict = await check(Buffer.from(raw), { address: 'roel@zorgpunt.example' });
    expect(verdict.authenticated).toBe(false);
    expect(verdict.reasons).toContain('auth:source=authentication-results');
  });

  it('a pass from the named server is accepted; no header from it is accepted only without requireAligned', async () => {
    const check = createSenderAuthenticator({ config: ar })!;
    const pass = message('roel@zorgpunt.example', ['Authentication-Results: mx.inkoop.example; dkim=pass header.d=zorgpunt.example; dmarc=pass header.from=zorgpunt.example']);
    expect((await check(Buffer.from(pass), null)).authenticated).toBe(true);
    const none = Buffer.from(message('roel@zorgpunt.example', ['Authentication-Results: mx.attacker.example; dmarc=pass']));
    expect((await check(none, null)).authenticated).toBe(true);
    const strict = createSenderAuthenticator({ config: { ...ar, requireAligned: true } })!;
    expect(await strict(none, null)).toMatchObject({ authenticated: false, detail: 'sender not authenticated: no Authentication-Results header from mx.inkoop.example' });
  });
});

describe('clientOf', () => {
  const headers = (lines: string[]) => readHeaderBlock(lines.join('\r\n') + '\r\n\r\n');
  it.each([
    [['Received: from a.example (a.example [192.0.2.1]) by mx'], 'Received', '192.0.2.1'],
    [['Received: by mx with LMTP', 'Received: from b.example ([IPv6:2001:db8::1]) by mx'], 'Received', '2001:db8::1'],
    [['Received: from mx (localhost [127.0.0.1])', 'Received: from c.example (c [198.51.100.2])'], 'Received', '198.51.100.2'],
    [['X-Originating-IP: [203.0.113.9]'], 'X-Originating-IP', '203.0.113.9'],
    [['Received: from d.example (no literal) by mx'], 'Received', null],
  ])('%j via %s: %s', (lines, header, ip) => {
    expect(clientOf(headers(lines), header)?.ip ?? null).toBe(ip);
  });
});
