/**
 * Access to the coordinators' page: one shared secret from the config (web.token), presented as
 * `?token=` once (then kept in a cookie), as `Authorization: Bearer` (scripts), or typed into
 * the login form. The cookie and the form's CSRF field hold values derived from the token with
 * HMAC, so neither shows the token itself, and a new token invalidates both.
 *
 * Comparisons hash both sides first and use timingSafeEqual: equal lengths whatever was sent,
 * and no early exit that tells an attacker how many leading characters were right.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'rsvp_session';

export interface WebAuth {
  /** The cookie value a logged-in browser sends. */
  readonly session: string;
  /** The hidden field every form of the page carries (double-submit is not needed: it is not in the cookie). */
  readonly csrf: string;
  isToken(candidate: string | null | undefined): boolean;
  isSession(candidate: string | null | undefined): boolean;
  isCsrf(candidate: string | null | undefined): boolean;
}

/** Equal strings, compared in time that does not depend on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

export function createWebAuth(token: string): WebAuth {
  const derive = (purpose: string) => createHmac('sha256', token).update(`inbox-rsvp web ${purpose}`).digest('base64url');
  const session = derive('session');
  const csrf = derive('csrf');
  const check = (expected: string) => (candidate: string | null | undefined) =>
    typeof candidate === 'string' && candidate.length > 0 && constantTimeEqual(candidate, expected);
  return { session, csrf, isToken: check(token), isSession: check(session), isCsrf: check(csrf) };
}

/** Cookies of a Cookie header (RFC 6265 §5.4): name=value pairs separated by "; ". */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

/** The bearer token of an Authorization header (RFC 6750 §2.1), or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1]! : null;
}
