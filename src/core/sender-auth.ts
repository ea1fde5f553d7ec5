/**
 * Is the From of a reply really its sender? The pure half of sender authentication: reading the
 * Authentication-Results header of a trusted server (RFC 8601), and the verdict on the DKIM,
 * SPF and DMARC results (RFC 6376, RFC 7208, RFC 7489), wherever they came from. The DNS work
 * (mailauth) lives in src/inbound/authenticate.ts.
 *
 * The rule: a message whose From domain fails DMARC is not acted on (a spoofed From could
 * otherwise decline someone else's place); it goes to the coordinators' review queue. A DMARC
 * failure counts whatever the domain's policy (p=none too): the policy tells receivers what the
 * owner wants done with failures, but the failure itself already says the From is not proven.
 * A DMARC result that could not be had (DNS temporary error) goes to review too, rather than
 * being trusted. Without a DMARC policy nothing says the From is false: accepted, unless the
 * admin asks for an aligned DKIM signature or SPF pass all the same (requireAligned).
 */

export interface SenderAuthFacts {
  /** Our own check (mailauth) or the trusted server's Authentication-Results header. */
  source: 'mailauth' | 'authentication-results';
  /** The domain of the (single) From address, lower-cased. */
  fromDomain: string | null;
  /** One per DKIM signature (or "none" when there is none): result and signing domain (d=). */
  dkim: { result: string; domain: string | null }[];
  /** SPF of the envelope sender (MAIL FROM, else HELO); null when not checked. */
  spf: { result: string; domain: string | null } | null;
  /** DMARC of the From domain; null when not checked. `policy` is p= (or sp=) as published. */
  dmarc: { result: string; policy: string | null; domain: string | null } | null;
}

export interface SenderAuthVerdict {
  authenticated: boolean;
  /** The results, for the message's reasons: "auth:dmarc=fail header.from=example.org p=reject". */
  reasons: string[];
  /** Why the sender is not taken as authenticated, for the review item; null when it is. */
  detail: string | null;
}

export interface VerdictOptions {
  requireAligned: boolean;
  /** Said in the detail when there are no results at all (e.g. no header from the trusted server). */
  missing?: string;
}

/**
 * Relaxed alignment (RFC 7489 3.1.1) approximated without a public-suffix list: the domains are
 * equal or one is a subdomain of the other. Stricter than DMARC's organisational domain (two
 * sibling subdomains do not align here), never looser: `evil.co.uk` never aligns with `victim.co.uk`.
 */
export function domainsAlign(domain: string | null, fromDomain: string | null): boolean {
  if (!domain || !fromDomain) return false;
  const a = domain.toLowerCase().replace(/\.$/, '');
  const b = fromDomain.toLowerCase().replace(/\.$/, '');
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

export function reasonsOf(facts: SenderAuthFacts): string[] {
  const reasons: string[] = [];
  for (const d of facts.dkim) reasons.push(`auth:dkim=${d.result}${d.domain ? ` header.d=${d.domain}` : ''}`);
  if (facts.spf) reasons.push(`auth:spf=${facts.spf.result}${facts.spf.domain ? ` smtp.mailfrom=${facts.spf.domain}` : ''}`);
  if (facts.dmarc) {
    const domain = facts.dmarc.domain ?? facts.fromDomain;
    reasons.push(`auth:dmarc=${facts.dmarc.result}${domain ? ` header.from=${domain}` : ''}${facts.dmarc.policy ? ` p=${facts.dmarc.policy}` : ''}`);
  }
  if (facts.source === 'authentication-results') reasons.push('auth:source=authentication-results');
  return reasons;
}

export function judgeSender(facts: SenderAuthFacts | null, options: VerdictOptions): SenderAuthVerdict {
  if (!facts) {
    const missing = options.missing ?? 'no sender authentication results';
    return options.requireAligned
      ? { authenticated: false, reasons: ['auth:none'], detail: `sender not authenticated: ${missing}` }
      : { authenticated: true, reasons: ['auth:none'], detail: null };
  }
  const reasons = reasonsOf(facts);
  const from = facts.dmarc?.domain ?? facts.fromDomain;
  const dmarc = facts.dmarc?.result.toLowerCase() ?? null;
  const summary = (): string => {
    const dkim = facts.dkim.filter((d) => d.result !== 'none');
    const dkimText = dkim.length ? dkim.map((d) => `DKIM ${d.result}${d.domain ? ` (d=${d.domain})` : ''}`).join(', ') : 'no DKIM signature';
    const spfText = facts.spf ? `SPF ${facts.spf.result}${facts.spf.domain ? ` (${facts.spf.domain})` : ''}` : 'SPF not checked';
    return `${dkimText}; ${spfText}`;
  };
  if (dmarc === 'fail') {
    const policy = facts.dmarc?.policy ? ` (p=${facts.dmarc.policy})` : '';
    return { authenticated: false, reasons, detail: `sender not authenticated: DMARC fails for ${from ?? 'the From domain'}${policy}: ${summary()}` };
  }
  if (dmarc === 'temperror') {
    return { authenticated: false, reasons, detail: `sender could not be authenticated: DMARC of ${from ?? 'the From domain'} gave a temporary error (DNS)` };
  }
  if (dmarc === 'pass') return { authenticated: true, reasons, detail: null };
  if (options.requireAligned) {
    const aligned =
      facts.dkim.some((d) => d.result === 'pass' && domainsAlign(d.domain, facts.fromDomain)) ||
      (facts.spf?.result === 'pass' && domainsAlign(facts.spf.domain, facts.fromDomain));
    if (!aligned) {
      return { authenticated: false, reasons, detail: `sender not authenticated: ${from ?? 'the From domain'} publishes no DMARC policy and there is no aligned DKIM signature or SPF pass: ${summary()}` };
    }
  }
  return { authenticated: true, reasons, detail: null };
}

/** One result of an Authentication-Results header: `dkim=pass header.d=example.org`. */
interface ResInfo {
  method: string;
  result: string;
  props: Map<string, string>;
  comments: string[];
}

interface Segment {
  text: string;
  comments: string[];
}

/**
 * Splits a header value at `;` outside quoted strings and comments; comments (nested parens,
 * RFC 5322 3.2.2) are taken out of the text and kept apart, since DMARC's policy is often only
 * said in one: `dmarc=fail (p=REJECT sp=REJECT dis=NONE) header.from=example.org`.
 */
function segments(value: string): Segment[] {
  const out: Segment[] = [];
  let text = '';
  let comment = '';
  let comments: string[] = [];
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && (quoted || depth > 0) && i + 1 < value.length) {
      if (depth > 0) comment += value[++i];
      else text += c + value[++i];
      continue;
    }
    if (depth > 0) {
      if (c === '(') depth++;
      else if (c === ')') depth--;
      if (depth === 0) {
        comments.push(comment.trim());
        comment = '';
        text += ' ';
      } else comment += c;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (!quoted && c === '(') {
      depth = 1;
      continue;
    }
    if (!quoted && c === ';') {
      out.push({ text, comments });
      text = '';
      comments = [];
      continue;
    }
    text += c;
  }
  out.push({ text, comments });
  return out.map((s) => ({ text: s.text.replace(/\s+/g, ' ').trim(), comments: s.comments }));
}

function unquote(v: string): string {
  return v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;
}

function resInfo(segment: Segment): ResInfo | null {
  const text = segment.text.replace(/\s*=\s*/g, '=');
  const tokens = text.match(/(?:[^\s"]+|"(?:[^"\\]|\\.)*")+/g) ?? [];
  const head = /^([A-Za-z0-9_-]+)(?:\/\d+)?=([A-Za-z0-9_-]+)$/.exec(tokens[0] ?? '');
  if (!head) return null;
  const props = new Map<string, string>();
  for (const token of tokens.slice(1)) {
    const eq = token.indexOf('=');
    if (eq <= 0) continue;
    props.set(token.slice(0, eq).toLowerCase(), unquote(token.slice(eq + 1)));
  }
  return { method: head[1]!.toLowerCase(), result: head[2]!.toLowerCase(), props, comments: segment.comments };
}

function domainOfValue(value: string | undefined): string | null {
  if (!value) return null;
  const v = value.replace(/^<|>$/g, '').trim().toLowerCase();
  const at = v.lastIndexOf('@');
  const domain = at >= 0 ? v.slice(at + 1) : v;
  return domain || null;
}

/**
 * The results of the topmost Authentication-Results header whose authserv-id is the trusted one
 * (RFC 8601 section 5: headers from other servers, or added by the sender, are ignored; the
 * topmost was added last, by our own receiving server). `values` are the header's values in
 * header order, unfolded or not. Null when no such header is present.
 */
export function parseAuthenticationResults(values: readonly string[], trustedAuthServId: string, fromDomain: string | null): SenderAuthFacts | null {
  const trusted = trustedAuthServId.trim().toLowerCase();
  for (const value of values) {
    const parts = segments(value);
    const servId = (parts[0]?.text.split(' ')[0] ?? '').toLowerCase();
    if (servId !== trusted) continue;
    const results = parts.slice(1).map(resInfo).filter((r): r is ResInfo => r !== null);
    const dkim = results
      .filter((r) => r.method === 'dkim')
      .map((r) => ({ result: r.result, domain: domainOfValue(r.props.get('header.d') ?? r.props.get('header.i')) }));
    const spfRow = results.find((r) => r.method === 'spf');
    const dmarcRow = results.find((r) => r.method === 'dmarc');
    const policyOf = (r: ResInfo): string | null => {
      const prop = r.props.get('policy.dmarc') ?? r.props.get('policy.published-domain-policy');
      if (prop) return prop.toLowerCase();
      for (const c of r.comments) {
        const m = /(?:^|\s)p=([a-z]+)/i.exec(c);
        if (m) return m[1]!.toLowerCase();
      }
      return null;
    };
    return {
      source: 'authentication-results',
      fromDomain: fromDomain?.toLowerCase() ?? null,
      dkim: dkim.length ? dkim : [{ result: 'none', domain: null }],
      spf: spfRow ? { result: spfRow.result, domain: domainOfValue(spfRow.props.get('smtp.mailfrom') ?? spfRow.props.get('smtp.helo')) } : null,
      dmarc: dmarcRow ? { result: dmarcRow.result, policy: policyOf(dmarcRow), domain: domainOfValue(dmarcRow.props.get('header.from')) ?? fromDomain?.toLowerCase() ?? null } : null,
    };
  }
  return null;
}
