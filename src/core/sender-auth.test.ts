import { describe, expect, it } from 'vitest';
import { domainsAlign, judgeSender, parseAuthenticationResults, type SenderAuthFacts } from './sender-auth.js';

const facts = (over: Partial<SenderAuthFacts>): SenderAuthFacts => ({
  source: 'mailauth',
  fromDomain: 'zorgpunt.example',
  dkim: [{ result: 'none', domain: null }],
  spf: null,
  dmarc: null,
  ...over,
});

describe('judgeSender', () => {
  const cases: [string, Partial<SenderAuthFacts>, boolean, boolean][] = [
    // name, facts, requireAligned, authenticated
    ['DMARC pass', { dmarc: { result: 'pass', policy: 'reject', domain: 'zorgpunt.example' } }, false, true],
    ['DMARC fail under p=reject (spoofed From)', { dmarc: { result: 'fail', policy: 'reject', domain: 'zorgpunt.example' } }, false, false],
    ['DMARC fail under p=none still fails', { dmarc: { result: 'fail', policy: 'none', domain: 'zorgpunt.example' } }, false, false],
    ['DMARC temporary error is not trusted', { dmarc: { result: 'temperror', policy: null, domain: 'zorgpunt.example' } }, false, false],
    ['no DMARC policy, nothing signed: accepted by default', { dmarc: { result: 'none', policy: null, domain: 'zorgpunt.example' } }, false, true],
    ['no DMARC policy, nothing signed, alignment required', { dmarc: { result: 'none', policy: null, domain: 'zorgpunt.example' } }, true, false],
    ['no DMARC policy, aligned DKIM pass, alignment required', { dkim: [{ result: 'pass', domain: 'mail.zorgpunt.example' }], dmarc: { result: 'none', policy: null, domain: null } }, true, true],
    ['no DMARC policy, DKIM pass of another domain, alignment required', { dkim: [{ result: 'pass', domain: 'mailer.example' }], dmarc: { result: 'none', policy: null, domain: null } }, true, false],
    ['no DMARC policy, aligned SPF pass, alignment required', { spf: { result: 'pass', domain: 'zorgpunt.example' } }, true, true],
    ['DMARC permerror counts as no policy', { dmarc: { result: 'permerror', policy: null, domain: null } }, false, true],
  ];
  it.each(cases)('%s', (_name, over, requireAligned, authenticated) => {
    const verdict = judgeSender(facts(over), { requireAligned });
    expect(verdict.authenticated).toBe(authenticated);
    expect(verdict.detail === null).toBe(authenticated);
  });

  it('says why in the detail and lists every result in the reasons', () => {
    const verdict = judgeSender(
      facts({
        dkim: [{ result: 'pass', domain: 'attacker.example' }],
        spf: { result: 'softfail', domain: 'attacker.example' },
        dmarc: { result: 'fail', policy: 'reject', domain: 'zorgpunt.example' },
      }),
      { requireAligned: false },
    );
    expect(verdict.detail).toBe('sender not authenticated: DMARC fails for zorgpunt.example (p=reject): DKIM pass (d=attacker.example); SPF softfail (attacker.example)');
    expect(verdict.reasons).toEqual([
      'auth:dkim=pass header.d=attacker.example',
      'auth:spf=softfail smtp.mailfrom=attacker.example',
      'auth:dmarc=fail header.from=zorgpunt.example p=reject',
    ]);
  });

  it('no results at all: accepted, unless alignment is required', () => {
    expect(judgeSender(null, { requireAligned: false })).toMatchObject({ authenticated: true, reasons: ['auth:none'] });
    expect(judgeSender(null, { requireAligned: true, missing: 'no Authentication-Results from mx.inkoop.example' })).toEqual({
      authenticated: false,
      reasons: ['auth:none'],
      detail: 'sender not authenticated: no Authentication-Results from mx.inkoop.example',
    });
  });
});

describe('domainsAlign (relaxed, without a public-suffix list)', () => {
  it.each([
    ['zorgpunt.example', 'zorgpunt.example', true],
    ['mail.zorgpunt.example', 'zorgpunt.example', true],
    ['zorgpunt.example', 'nieuws.zorgpunt.example', true],
    ['ZORGPUNT.example.', 'zorgpunt.example', true],
    ['evil-zorgpunt.example', 'zorgpunt.example', false],
    ['victim.co.uk', 'evil.co.uk', false],
    [null, 'zorgpunt.example', false],
  ] as const)('%s ~ %s: %s', (a, b, expected) => {
    expect(domainsAlign(a, b)).toBe(expected);
  });
});

describe('parseAuthenticationResults', () => {
  const TRUSTED = 'mx.inkoop.example';

  it('reads the trusted server: DKIM, SPF and DMARC with the policy from a comment', () => {
    const header =
      'mx.inkoop.example;\r\n dkim=pass header.i=@zorgpunt.example header.s=sel header.b="abc(d)";\r\n' +
      ' spf=pass (mx.inkoop.example: domain of roel@zorgpunt.example designates 192.0.2.1 as permitted sender; ok) smtp.mailfrom=roel@zorgpunt.example;\r\n' +
      ' dmarc=fail (p=REJECT sp=REJECT dis=NONE) header.from=zorgpunt.example';
    expect(parseAuthenticationResults([header], TRUSTED, 'zorgpunt.example')).toEqual({
      source: 'authentication-results',
      fromDomain: 'zorgpunt.example',
      dkim: [{ result: 'pass', domain: 'zorgpunt.example' }],
      spf: { result: 'pass', domain: 'zorgpunt.example' },
      dmarc: { result: 'fail', policy: 'reject', domain: 'zorgpunt.example' },
    });
  });

  it('ignores headers of other servers and those a sender wrote lower down; takes the topmost trusted one', () => {
    const forgedOther = 'mx.attacker.example; dmarc=pass header.from=zorgpunt.example';
    const ours = 'MX.Inkoop.Example 1; dkim=none; spf=softfail smtp.mailfrom=attacker.example; dmarc=fail header.from=zorgpunt.example';
    const forgedOurs = 'mx.inkoop.example; dmarc=pass header.from=zorgpunt.example';
    const parsed = parseAuthenticationResults([forgedOther, ours, forgedOurs], TRUSTED, 'zorgpunt.example');
    expect(parsed?.dmarc?.result).toBe('fail');
    expect(parsed?.spf).toEqual({ result: 'softfail', domain: 'attacker.example' });
    expect(parsed?.dkim).toEqual([{ result: 'none', domain: null }]);
  });

  it('null without a header from the trusted server; "none" results read as none', () => {
    expect(parseAuthenticationResults(['mx.elsewhere.example; dmarc=pass header.from=zorgpunt.example'], TRUSTED, 'zorgpunt.example')).toBeNull();
    expect(parseAuthenticationResults([], TRUSTED, null)).toBeNull();
    expect(parseAuthenticationResults(['mx.inkoop.example; none'], TRUSTED, 'zorgpunt.example')).toMatchObject({ dmarc: null, spf: null });
  });

  it('an authserv-id hidden in a comment or a quoted string does not count', () => {
    expect(parseAuthenticationResults(['(mx.inkoop.example) mx.attacker.example; dmarc=pass'], TRUSTED, null)).toBeNull();
    expect(parseAuthenticationResults(['"mx.inkoop.example"; dmarc=pass'], TRUSTED, null)).toBeNull();
  });

  it('the verdict on a parsed header: DMARC pass of the trusted server is accepted', () => {
    const parsed = parseAuthenticationResults(['mx.inkoop.example; dkim=pass header.d=zorgpunt.example; dmarc=pass policy.dmarc=reject header.from=zorgpunt.example'], TRUSTED, 'zorgpunt.example');
    expect(parsed?.dmarc?.policy).toBe('reject');
    expect(judgeSender(parsed, { requireAligned: true }).authenticated).toBe(true);
  });
});
