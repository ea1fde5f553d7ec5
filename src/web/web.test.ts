import { describe, expect, it } from 'vitest';
import { escapeHtml, html, toHtmlString } from './html.js';
import { bearerToken, constantTimeEqual, createWebAuth, parseCookies } from './auth.js';
import { escapeLabelValue, formatPrometheus } from './metrics.js';
import { type EventPageData, eventPage, loginPage } from './pages.js';
import { attendanceTotals } from '../export/attendance.js';
import { configSchema } from '../config/schema.js';

const EVIL = `<script>alert("x")</script>&'`;

describe('html templates', () => {
  it('escapes every interpolated value and keeps nested templates as markup', () => {
    const inner = html`<b>${EVIL}</b>`;
    expect(toHtmlString(html`<p title="${EVIL}">${inner}${[EVIL, 1]}${null}${false}</p>`)).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"><b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;1</p>',
    );
  });

  it('does not take a look-alike object as safe markup', () => {
    const fake = { value: '<i>x</i>' } as unknown as string;
    expect(toHtmlString(html`${fake}`)).toBe(escapeHtml('[object Object]'));
  });
});

describe('web auth', () => {
  const auth = createWebAuth('a-token-of-sixteen-chars');

  it('accepts the token, its session value and CSRF value, each only where it belongs', () => {
    expect(auth.isToken('a-token-of-sixteen-chars')).toBe(true);
    expect(auth.isToken('a-token-of-sixteen-charS')).toBe(false);
    expect(auth.isToken('')).toBe(false);
    expect(auth.isToken(null)).toBe(false);
    expect(auth.isSession(auth.session)).toBe(true);
    expect(auth.isSession('a-token-of-sixteen-chars')).toBe(false);
    expect(auth.isCsrf(auth.csrf)).toBe(true);
    expect(auth.isCsrf(auth.session)).toBe(false);
    expect(auth.session).not.toContain('a-token');
  });

  it('derives other values from another token', () => {
    const other = createWebAuth('another-token-of-16chars');
    expect(other.session).not.toBe(auth.session);
    expect(auth.isSession(other.session)).toBe(false);
  });

  it('compares strings of any length', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('reads cookies and bearer tokens', () => {
    expect(parseCookies('a=1; rsvp_session=xyz; b="q"').get('rsvp_session')).toBe('xyz');
    expect(parseCookies('a=1; b="q"').get('b')).toBe('q');
    expect(parseCookies(undefined).size).toBe(0);
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});

describe('Prometheus text format', () => {
  it('writes HELP, TYPE and samples with escaped label values', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    const text = formatPrometheus([
      { name: 'rsvp_x', help: 'X.', type: 'gauge', samples: [{ labels: { state: 'sent' }, value: 3 }, { value: 1.5 }] },
      { name: 'rsvp_err', help: 'E.', type: 'gauge', samples: [{ labels: { mailbox: 'm', error: 'said "no"\nthen' }, value: 1 }] },
    ]);
    expect(text).toBe('# HELP rsvp_x X.\n# TYPE rsvp_x gauge\nrsvp_x{state="sent"} 3\nrsvp_x 1.5\n# HELP rsvp_err E.\n# TYPE rsvp_err gauge\nrsvp_err{mailbox="m",error="said \\"no\\"\\nthen"} 1\n');
  });
});

describe('pages', () => {
  const row = {
    email: 'evil@example.test',
    name: EVIL,
    organisation: '<img src=x onerror=alert(1)>',
    status: 'accepted',
    partySize: 2,
    attendees: [EVIL],
    late: true,
    respondedAt: new Date('2026-11-23T09:00:00Z'),
  };
  const data: EventPageData = {
    event: {
      id: 'e1',
      slug: 'dialoog-2026',
      title: 'Dialoog <b>2027</b>',
      timezone: 'Europe/Amsterdam',
      startsAt: new Date('2026-12-14T13:00:00Z'),
      endsAt: new Date('2026-12-14T15:30:00Z'),
      rsvpDeadline: new Date('2026-12-04T22:59:00Z'),
      capacity: 4,
      state: 'scheduled',
      location: 'Stadhuis',
    },
    totals: attendanceTotals([row], 4),
    rows: [row],
    filter: { status: 'accepted', q: '"><script>' },
    review: [
      {
        id: 'r1',
        createdAt: new Date('2026-11-23T09:00:00Z'),
        reason: 'low_confidence',
        detail: EVIL,
        linked: false,
        from: 'x@example.test',
        fromName: EVIL,
        subject: EVIL,
        replyText: `Kan ik iemand meenemen?\n${EVIL}`,
        kind: 'other',
        intent: null,
        confidence: 0.4,
        partySize: null,
        attendees: [],
      },
    ],
    csrf: 'CSRF-VALUE',
    notice: EVIL,
    error: null,
  };
  const page = eventPage(data);

  it('shows no markup from mail, only its text', () => {
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('<b>2027</b>');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;"');
  });

  it('puts the CSRF field and the event into the form of an unlinked review item', () => {
    expect(page).toMatch(/<form method="post" action="\/review\/r1"[^]*name="csrf" value="CSRF-VALUE"[^]*name="event" value="dialoog-2026"/);
    expect(page).toContain('<option value="accepted" selected>accepted (1)</option>');
    expect(page).toMatch(/data-total="coming"><dt>people coming<\/dt><dd>2 \/ 4<\/dd>/);
    expect(page).toContain('2026-11-23 10:00');
  });

  it('shows the login form, with a warning after a wrong token', () => {
    expect(loginPage({ failed: false })).not.toContain('not right');
    expect(loginPage({ failed: true })).toContain('That token is not right.');
  });
});

describe('web config', () => {
  it('is off by default, on loopback', () => {
    expect(configSchema.parse({}).web).toEqual({ port: null, host: '127.0.0.1', token: null, healthPollMaxAgeSeconds: 600 });
  });

  it('needs a token of at least 16 characters when a port is set', () => {
    const issue = (web: object) => configSchema.safeParse({ web }).error?.issues[0];
    expect(issue({ port: 8080 })).toMatchObject({ path: ['web', 'token'], message: 'required when web.port is set' });
    expect(issue({ port: 8080, token: 'short' })?.path).toEqual(['web', 'token']);
    expect(issue({ port: 70000, token: 'x'.repeat(16) })?.path).toEqual(['web', 'port']);
    expect(configSchema.parse({ web: { port: 8080, token: 'x'.repeat(16) } }).web.port).toBe(8080);
  });
});
