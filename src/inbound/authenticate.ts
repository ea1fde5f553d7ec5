/**
 * Sender authentication of inbound messages, before anything is acted on: is the From really who
 * sent it? Two ways, chosen by `authentication.mode`:
 *
 * - "mailauth": DKIM (RFC 6376), SPF (RFC 7208) and DMARC (RFC 7489) checked here with Andris
 *   Reinman's mailauth, one DNS lookup per record, through an injectable resolver (tests serve
 *   recorded TXT answers; production uses node's resolver with a timeout). SPF needs the SMTP
 *   client's IP, which a mailbox only knows from a header our own MX wrote (`clientIpHeader`).
 * - "authentication-results": the receiving server already checked; its Authentication-Results
 *   header (RFC 8601), found by its authserv-id, is trusted and every other one ignored.
 *
 * The verdict itself is pure (src/core/sender-auth.ts). Lookups are cached for the life of one
 * authenticator (one poll), so a backlog from one domain asks DNS once per record.
 */
import { promises as dnsPromises } from 'node:dns';
import { isIP } from 'node:net';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { readHeaderBlock } from '../core/understand/parse.js';
import { type SenderAuthFacts, type SenderAuthVerdict, judgeSender, parseAuthenticationResults } from '../core/sender-auth.js';

/** As mailauth calls it: TXT answers are arrays of chunks. Throws an error with `code` ENOTFOUND/ENODATA for no record. */
export type DnsResolver = (name: string, rrtype: string) => Promise<string[][] | string[]>;

export type AuthenticationConfig = Config['authentication'];

export interface SenderAuthenticatorOptions {
  config: AuthenticationConfig;
  /** Default: node's resolver with config.dnsTimeoutMs per lookup. */
  resolver?: DnsResolver;
  /** "now" of the run: a DKIM signature's x= expiry is judged against it. */
  now?: Date;
  logger?: Logger;
}

/** Reads the message's source and says whether its sender is authenticated, and on what grounds. */
export type SenderAuthenticator = (raw: Uint8Array, from: { address: string } | null) => Promise<SenderAuthVerdict>;

/** null when authentication is off: callers skip the step entirely. */
export function createSenderAuthenticator(options: SenderAuthenticatorOptions): SenderAuthenticator | null {
  const { config } = options;
  if (config.mode === 'off') return null;
  if (config.mode === 'authentication-results') {
    const trusted = config.trustedAuthServId!;
    return async (raw, from) => {
      const headers = readHeaderBlock(headerText(raw));
      const facts = parseAuthenticationResults(headers.get('authentication-results') ?? [], trusted, domainOf(from?.address));
      return judgeSender(facts, { requireAligned: config.requireAligned, missing: `no Authentication-Results header from ${trusted}` });
    };
  }
  const resolver = cachedResolver(options.resolver ?? systemResolver(config.dnsTimeoutMs), config.dnsTimeoutMs);
  return async (raw, from) => {
    try {
      const facts = await checkWithMailauth(Buffer.from(raw), { resolver, clientIpHeader: config.clientIpHeader, now: options.now, fallbackFrom: from });
      const verdict = judgeSender(facts, { requireAligned: config.requireAligned });
      options.logger?.debug({ reasons: verdict.reasons, authenticated: verdict.authenticated }, 'sender authentication');
      return verdict;
    } catch (e) {
      // A message mailauth cannot read is not taken as authenticated: the coordinators decide.
      const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
      return { authenticated: false, reasons: ['auth:error'], detail: `sender could not be authenticated: ${why}` };
    }
  };
}

interface MailauthCheck {
  resolver: DnsResolver;
  clientIpHeader: string | null;
  now?: Date;
  fallbackFrom: { address: string } | null;
}

/** DKIM, then SPF (when the client's IP is known), then DMARC over both, as mailauth's authenticate() does, minus ARC and BIMI. */
export async function checkWithMailauth(raw: Buffer, check: MailauthCheck): Promise<SenderAuthFacts> {
  const { dkimVerify, spf, dmarc } = await import('mailauth');
  const headers = readHeaderBlock(headerText(raw));
  const dkim = await dkimVerify(raw, { resolver: check.resolver, ...(check.now ? { curTime: check.now } : {}) });
  const fromAddresses = (dkim.headerFrom ?? []).filter(Boolean);
  const fromDomain = domainOf(fromAddresses[0]) ?? domainOf(check.fallbackFrom?.address);

  const client = check.clientIpHeader ? clientOf(headers, check.clientIpHeader) : null;
  const sender = envelopeSender(headers) ?? client?.envelopeFrom ?? null;
  let spfResult: SenderAuthFacts['spf'] = null;
  let spfPassDomain: string | null = null;
  if (client) {
    const result = await spf({
      ip: client.ip,
      ...(client.helo ? { helo: client.helo } : {}),
      ...(sender ? { sender } : {}),
      resolver: check.resolver,
      mta: 'rsvp',
    });
    spfResult = { result: result.status.result, domain: result.domain ?? domainOf(sender) };
    if (result.status.result === 'pass') spfPassDomain = result.domain;
  }

  let dmarcResult: SenderAuthFacts['dmarc'] = null;
  if (fromAddresses.length > 1) {
    // RFC 7489 6.6.1: a message with several From authors cannot be judged; treated as failing.
    dmarcResult = { result: 'fail', policy: null, domain: fromDomain };
  } else if (fromAddresses.length === 1) {
    const result = await dmarc({
      headerFrom: fromAddresses[0]!,
      spfDomains: spfPassDomain ? [spfPassDomain] : [],
      dkimDomains: dkim.results
        .filter((r) => r.status.result === 'pass')
        .map((r) => ({ id: r.id, domain: r.signingDomain, aligned: (r.status as { aligned?: string | false }).aligned, underSized: (r.status as { underSized?: number | false }).underSized })) as never,
      resolver: check.resolver,
    });
    if (result) dmarcResult = { result: result.status.result, policy: result.p ? result.policy ?? result.p : null, domain: result.domain ?? fromDomain };
  }
  return {
    source: 'mailauth',
    fromDomain,
    dkim: dkim.results.map((r) => ({ result: r.status.result, domain: r.signingDomain ?? null })),
    spf: spfResult,
    dmarc: dmarcResult,
  };
}

/** The header block as text (latin1 keeps every byte; only ASCII matters here). */
function headerText(raw: Uint8Array): string {
  const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  let end = buf.indexOf('\r\n\r\n');
  if (end < 0) end = buf.indexOf('\n\n');
  return buf.subarray(0, end < 0 ? Math.min(buf.length, 256 * 1024) : end).toString('latin1');
}

function domainOf(address: string | null | undefined): string | null {
  if (!address) return null;
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1).replace(/>$/, '').trim().toLowerCase() || null : null;
}

/** Return-Path (RFC 5321 4.4, written by the final delivery): the envelope sender SPF checks. */
function envelopeSender(headers: ReadonlyMap<string, readonly string[]>): string | null {
  const value = headers.get('return-path')?.[0];
  if (!value) return null;
  const m = /<([^<>]*)>/.exec(value) ?? /^\s*(\S+@\S+)\s*$/.exec(value);
  return m?.[1]?.trim() || null;
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/i;

/**
 * The SMTP client our MX saw. "Received": the topmost Received header with a `from HELO (… [IP])`
 * clause, skipping loopback hops (a local LMTP or content-filter hop on the same machine);
 * any other header: the first IP address in its topmost occurrence (X-Originating-IP: [192.0.2.1]).
 */
export function clientOf(headers: ReadonlyMap<string, readonly string[]>, header: string): { ip: string; helo: string | null; envelopeFrom: string | null } | null {
  const values = headers.get(header.toLowerCase()) ?? [];
  if (header.toLowerCase() !== 'received') {
    for (const token of (values[0] ?? '').match(/[0-9a-fA-F:.]{3,}/g) ?? []) if (isIP(token)) return { ip: token, helo: null, envelopeFrom: null };
    return null;
  }
  for (const value of values) {
    const from = /^\s*from\s+(\S+)/i.exec(value);
    if (!from) continue;
    const literal = /\[(?:IPv6:)?([0-9a-fA-F:.]+)\]/.exec(value);
    if (!literal || !isIP(literal[1]!) || LOOPBACK.test(literal[1]!)) continue;
    const envelope = /envelope-from\s*<?([^\s<>;]+@[^\s<>;]+)>?/i.exec(value);
    return { ip: literal[1]!, helo: from[1]!.replace(/^\[|\]$/g, ''), envelopeFrom: envelope?.[1] ?? null };
  }
  return null;
}

function systemResolver(timeoutMs: number): DnsResolver {
  const resolver = new dnsPromises.Resolver({ timeout: timeoutMs, tries: 2 });
  return (name, rrtype) => resolver.resolve(name, rrtype) as Promise<string[][] | string[]>;
}

/** Each answer (or failure) asked once per authenticator; a lookup that hangs fails as a temporary error. */
function cachedResolver(resolver: DnsResolver, timeoutMs: number): DnsResolver {
  const cache = new Map<string, Promise<string[][] | string[]>>();
  return (name, rrtype) => {
    const key = `${rrtype}:${name.toLowerCase()}`;
    let answer = cache.get(key);
    if (!answer) {
      answer = new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(Object.assign(new Error(`DNS lookup of ${name} timed out`), { code: 'ETIMEOUT' })), timeoutMs + 1000);
        resolver(name, rrtype).then(
          (v) => {
            clearTimeout(timer);
            resolve(v);
          },
          (e: unknown) => {
            clearTimeout(timer);
            reject(e);
          },
        );
      });
      cache.set(key, answer);
    }
    return answer;
  };
}
