/**
 * The coordinators' pages, rendered on the server from plain data (no database here): the list
 * of events, one event (totals, the list with filters, the review queue with its decisions, the
 * exports), and the login form. Every value passes through `html`, which escapes it.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { type SafeHtml, html, trusted } from './html.js';
import { type AttendanceEvent, type AttendanceRow, type AttendanceTotals, STATUSES } from '../export/attendance.js';

/** The page's only style sheet, inline; the Content-Security-Policy allows exactly this text by its hash. */
export const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 1.5rem;color:#1b1b1b}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
a{color:#0b57d0}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eee;vertical-align:top}
th{background:#f5f5f5}.totals{display:flex;flex-wrap:wrap;gap:.5rem;padding:0;margin:1rem 0}
.totals div{border:1px solid #ddd;border-radius:6px;padding:.4rem .8rem;min-width:6rem}.totals dt{font-size:.8rem;color:#555}.totals dd{margin:0;font-size:1.3rem;font-weight:600}
.status{font-weight:600}.late{color:#a33;font-size:.8rem}.notice{background:#e7f5e9;border:1px solid #9c9;padding:.5rem 1rem;border-radius:6px}
.error{background:#fdecea;border:1px solid #e99;padding:.5rem 1rem;border-radius:6px}
.review-item{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;margin:.8rem 0}.reply{white-space:pre-wrap;background:#fafafa;padding:.5rem;border-left:3px solid #ccc}
form.inline{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}input[type=number]{width:4rem}.muted{color:#666;font-size:.85rem}
`;

export const STYLE_HASH = `sha256-${createHash('sha256').update(STYLE).digest('base64')}`;

export interface ReviewEntry {
  id: string;
  createdAt: Date;
  reason: string;
  detail: string | null;
  /** False when the item has no event yet: resolving it on this page links it to this one. */
  linked: boolean;
  from: string | null;
  fromName: string | null;
  subject: string | null;
  replyText: string | null;
  kind: string | null;
  intent: string | null;
  confidence: number | null;
  partySize: number | null;
  attendees: string[];
}

export interface EventSummary {
  slug: string;
  title: string;
  startsAt: Date;
  timezone: string;
  state: string;
  totals: AttendanceTotals;
  openReview: number;
}

const REASONS: Record<string, string> = {
  low_confidence: 'unsure what the reply says',
  unmatched: 'not matched to an invitee or event',
  after_event: 'arrived after the event',
  spoofed: 'sender could not be verified',
  quarantined: 'too large or unreadable',
  failed: 'processing failed',
  send_failed: 'a mail could not be sent',
};

function when(d: Date | null, zone: string): string {
  return d ? DateTime.fromJSDate(d, { zone }).toFormat('yyyy-MM-dd HH:mm') : '';
}

export function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="same-origin"><title>${title} · inbox-rsvp</title><style>${trusted(STYLE)}</style></head>
<body>${body}</body></html>`.value;
}

export function loginPage(options: { failed: boolean }): string {
  return layout(
    'Log in',
    html`<h1>inbox-rsvp</h1>
<p>This page is for the event's coordinators. Enter the access token (web.token of the service's config).</p>
${options.failed ? html`<p class="error" role="alert">That token is not right.</p>` : ''}
<form method="post" action="/login" class="inline">
<label>Token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">Log in</button></form>`,
  );
}

function totalsList(t: AttendanceTotals): SafeHtml {
  const item = (key: string, label: string, value: number | string) => html`<div data-total="${key}"><dt>${label}</dt><dd>${value}</dd></div>`;
  return html`<dl class="totals" id="totals">
${item('coming', 'people coming', t.capacity !== null ? `${t.coming} / ${t.capacity}` : t.coming)}
${item('accepted', 'accepted', t.byStatus.accepted ?? 0)}
${item('declined', 'declined', t.byStatus.declined ?? 0)}
${item('tentative', 'maybe', t.byStatus.tentative ?? 0)}
${item('waitlisted', 'waiting list', t.byStatus.waitlisted ?? 0)}
${item('invited', 'no answer yet', (t.byStatus.invited ?? 0) + (t.byStatus.not_invited ?? 0))}
${item('bounced', 'bounced', t.byStatus.bounced ?? 0)}
${item('listed', 'on the list', t.listed)}
</dl>`;
}

export function indexPage(options: { events: EventSummary[]; unlinkedReview: number }): string {
  const rows = options.events.map(
    (e) => html`<tr><td><a href="/events/${encodeURIComponent(e.slug)}">${e.title}</a><div class="muted">${e.slug}${e.state !== 'scheduled' ? ` (${e.state})` : ''}</div></td>
<td>${when(e.startsAt, e.timezone)}</td><td>${e.totals.coming}${e.totals.capacity !== null ? ` / ${e.totals.capacity}` : ''}</td>
<td>${e.totals.byStatus.accepted ?? 0}</td><td>${e.totals.byStatus.declined ?? 0}</td><td>${e.totals.byStatus.invited ?? 0}</td><td>${e.openReview}</td></tr>`,
  );
  return layout(
    'Events',
    html`<h1>Events</h1>
${options.unlinkedReview ? html`<p class="notice">${options.unlinkedReview} review item(s) are not linked to an event yet; they are shown on every event's page.</p>` : ''}
<table id="events"><thead><tr><th>event</th><th>starts</th><th>people coming</th><th>accepted</th><th>declined</th><th>no answer</th><th>to review</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="7">No events yet: import one with <code>rsvp event import FILE.yaml</code>.</td></tr>`}</tbody></table>`,
  );
}

export interface EventPageData {
  event: AttendanceEvent & { location: string; endsAt: Date };
  totals: AttendanceTotals;
  rows: AttendanceRow[];
  filter: { status: string | null; q: string };
  review: ReviewEntry[];
  csrf: string;
  notice: string | null;
  error: string | null;
}

function reviewItem(item: ReviewEntry, data: EventPageData): SafeHtml {
  const confidence = item.confidence !== null ? ` (${Math.round(item.confidence * 100)}% sure)` : '';
  const understood = item.kind ? `${item.kind}${item.intent ? ` ${item.intent}` : ''}${item.partySize !== null ? `, ${item.partySize} people` : ''}${confidence}` : null;
  const slug = data.event.slug;
  return html`<article class="review-item" data-id="${item.id}">
<div><strong>${item.fromName ?? ''}</strong> ${item.from ? html`&lt;${item.from}&gt;` : ''} <span class="muted">${when(item.createdAt, data.event.timezone)}</span></div>
<div>${REASONS[item.reason] ?? item.reason}${item.detail ? html`: <span class="detail">${item.detail}</span>` : ''}${item.linked ? '' : html` <em>(not linked to an event; resolving it here links it to this one)</em>`}</div>
${item.subject ? html`<div class="muted">Subject: ${item.subject}</div>` : ''}
${understood ? html`<div class="muted">Understood as: ${understood}</div>` : ''}
${item.replyText ? html`<div class="reply">${item.replyText}</div>` : ''}
<form method="post" action="/review/${encodeURIComponent(item.id)}" class="inline">
<input type="hidden" name="csrf" value="${data.csrf}"><input type="hidden" name="back" value="${slug}">
${item.linked ? '' : html`<input type="hidden" name="event" value="${slug}">`}
<label>people <input type="number" name="size" min="0" max="1000" value="${item.partySize ?? 1}"></label>
<label>names <input type="text" name="names" value="${item.attendees.join(', ')}" placeholder="A, B"></label>
<button type="submit" name="as" value="accept">Accept</button>
<button type="submit" name="as" value="decline">Decline</button>
<button type="submit" name="as" value="tentative">Maybe</button>
<button type="submit" name="as" value="ignore">Ignore</button>
</form></article>`;
}

export function eventPage(data: EventPageData): string {
  const e = data.event;
  const slug = encodeURIComponent(e.slug);
  const statusOptions = STATUSES.map((s) => html`<option value="${s}"${trusted(data.filter.status === s ? ' selected' : '')}>${s} (${data.totals.byStatus[s] ?? 0})</option>`);
  const filtered = data.filter.status !== null || data.filter.q !== '';
  const rows = data.rows.map(
    (r) => html`<tr data-email="${r.email}"><td class="status">${r.status}${r.late ? html` <span class="late">late</span>` : ''}</td>
<td>${r.partySize ?? ''}</td><td>${r.email}</td><td>${r.name ?? ''}</td><td>${r.organisation ?? ''}</td><td>${r.attendees.join(', ')}</td><td>${when(r.respondedAt, e.timezone)}</td></tr>`,
  );
  return layout(
    e.title,
    html`<p><a href="/">← all events</a></p>
<h1>${e.title}</h1>
<p class="muted">${when(e.startsAt, e.timezone)} – ${DateTime.fromJSDate(e.endsAt, { zone: e.timezone }).toFormat('HH:mm')} (${e.timezone}), ${e.location}. Answers by ${when(e.rsvpDeadline, e.timezone)}.${e.state !== 'scheduled' ? html` <strong>${e.state}</strong>` : ''}</p>
${data.notice ? html`<p class="notice" role="status" id="notice">${data.notice}</p>` : ''}
${data.error ? html`<p class="error" role="alert" id="error">${data.error}</p>` : ''}
${totalsList(data.totals)}
<p>Export the list: <a id="export-csv" href="/events/${slug}/export.csv" download>CSV (Excel)</a> · <a id="export-xlsx" href="/events/${slug}/export.xlsx" download>Excel workbook</a></p>

<h2 id="review">Review queue (${data.review.length})</h2>
${data.review.length ? data.review.map((i) => reviewItem(i, data)) : html`<p>Nothing to review.</p>`}

<h2>The list</h2>
<form method="get" action="/events/${slug}" class="inline" id="filter">
<label>Status <select name="status"><option value="">all (${data.totals.listed})</option>${statusOptions}</select></label>
<label>Search <input type="search" name="q" value="${data.filter.q}" placeholder="name, address, organisation"></label>
<button type="submit">Filter</button>${filtered ? html` <a href="/events/${slug}">show all</a>` : ''}
</form>
<p class="muted" id="shown">${data.rows.length} of ${data.totals.listed} shown</p>
<table id="invitees"><thead><tr><th>status</th><th>people</th><th>email</th><th>name</th><th>organisation</th><th>attendees</th><th>answered</th></tr></thead>
<tbody>${rows}</tbody></table>`,
  );
}

export function messagePage(title: string, message: string, back: string | null): string {
  return layout(title, html`<h1>${title}</h1><p class="error" role="alert">${message}</p>${back ? html`<p><a href="${back}">back</a></p>` : ''}`);
}
