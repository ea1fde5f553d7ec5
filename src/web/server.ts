/**
 * The coordinators' web page on node:http: no framework and no build step. Routes:
 *
 *   GET  /healthz                     200 or 503 with JSON (no token: for load balancers, systemd)
 *   GET  /metrics                     Prometheus text format (no token: bind to loopback)
 *   GET  /                            the events with their totals
 *   GET  /events/SLUG?status=&q=      totals, review queue, the list with filters, export links
 *   GET  /events/SLUG/export.csv|xlsx the attendance list (src/export)
 *   POST /review/ID                   resolve a review item, as `rsvp review resolve` does
 *   POST /login, GET /?token=…        set the session cookie
 *
 * Everything but /healthz and /metrics needs the token (see auth.ts). POSTs need the form's CSRF
 * field and, when the browser sends one, an Origin of this same host: the cookie is also
 * SameSite=Strict, so a form on another site gets neither.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '../app.js';
import { NotFoundError, findEvent } from '../events/events.js';
import { STATUSES, attendanceTotals, filterAttendance, readAttendance } from '../export/attendance.js';
import { attendanceCsv } from '../export/csv.js';
import { type ResolveAs, resolveReview } from '../review/review.js';
import { SESSION_COOKIE, bearerToken, createWebAuth, parseCookies } from './auth.js';
import { checkHealth, formatPrometheus, readMetrics } from './metrics.js';
import { type EventSummary, type ReviewEntry, STYLE_HASH, eventPage, indexPage, loginPage, messagePage } from './pages.js';

export interface WebOptions {
  token: string;
  /** /healthz: the longest time since a successful poll that still counts as healthy. */
  healthPollMaxAgeSeconds?: number;
  /**
   * Runs after a review item was resolved: by default the outbox is sent at once, as the CLI
   * does; the worker passes its own queue instead.
   */
  afterResolve?: (app: App) => Promise<unknown>;
}

export interface WebServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;
const DECISIONS: readonly ResolveAs[] = ['accept', 'decline', 'tentative', 'ignore'];

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': `default-src 'none'; style-src '${STYLE_HASH}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'X-Content-Type-Options': 'nosniff',
  // Not no-referrer: under it browsers send `Origin: null` with the page's own form POSTs (Fetch
  // standard, "serializing a request origin"), which the same-origin check below must refuse.
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(303, { ...SECURITY_HEADERS, Location: location, 'Content-Length': '0', ...headers });
  res.end();
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new HttpError(415, 'expected a form (application/x-www-form-urlencoded)');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The request came from a page of this same server (when the browser says where it came from). */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // older browsers and scripts send none; the CSRF field still counts
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function isHttps(req: IncomingMessage): boolean {
  return (req.headers['x-forwarded-proto'] ?? '').toString().split(',')[0]!.trim() === 'https';
}

export function createWebHandler(app: App, options: WebOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const auth = createWebAuth(options.token);
  const startedAt = new Date(Date.now() - Math.round(process.uptime() * 1000));
  const maxPollAge = options.healthPollMaxAgeSeconds ?? app.config.web?.healthPollMaxAgeSeconds ?? 600;
  const afterResolve = options.afterResolve ?? (async (a: App) => (await import('../../jobs/send.js')).runSend(a));

  const sessionCookie = (req: IncomingMessage) =>
    `${SESSION_COOKIE}=${auth.session}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${30 * 24 * 3600}${isHttps(req) ? '; Secure' : ''}`;

  const authorised = (req: IncomingMessage, url: URL): boolean =>
    auth.isSession(parseCookies(req.headers.cookie).get(SESSION_COOKIE)) || auth.isToken(bearerToken(req.headers.authorization)) || auth.isToken(url.searchParams.get('token'));

  const unauthorised = (res: ServerResponse, failed: boolean) =>
    send(res, 401, 'text/html; charset=utf-8', loginPage({ failed }), { 'WWW-Authenticate': 'Bearer realm="inbox-rsvp"' });

  const eventPageFor = async (slug: string, url: URL, res: ServerResponse) => {
    const { prisma } = app.db;
    const event = await findEvent(prisma, slug);
    const { rows } = await readAttendance(prisma, slug);
    const statusParam = url.searchParams.get('status') ?? '';
    const status = (STATUSES as readonly string[]).includes(statusParam) ? statusParam : null;
    const q = (url.searchParams.get('q') ?? '').slice(0, 200);
    const items = await prisma.reviewItem.findMany({
      where: { state: 'open', OR: [{ eventId: event.id }, { eventId: null }] },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      include: { message: { select: { fromAddress: true, fromName: true, subject: true, replyText: true, kind: true, intent: true, confidence: true, partySize: true, attendees: true } } },
    });
    const review: ReviewEntry[] = items.map((i) => ({
      id: i.id,
      createdAt: i.createdAt,
      reason: i.reason,
      detail: i.detail,
      linked: i.eventId !== null,
      from: i.message?.fromAddress ?? null,
      fromName: i.message?.fromName ?? null,
      subject: i.message?.subject ?? null,
      replyText: i.message?.replyText ?? null,
      kind: i.message?.kind ?? null,
      intent: i.message?.intent ?? null,
      confidence: i.message?.confidence ?? null,
      partySize: i.message?.partySize ?? null,
      attendees: Array.isArray(i.message?.attendees) ? (i.message.attendees as unknown[]).map(String) : [],
    }));
    let notice: string | null = null;
    const resolved = url.searchParams.get('resolved');
    if (resolved) {
      const item = await prisma.reviewItem.findUnique({ where: { id: resolved }, include: { message: { select: { fromAddress: true } } } });
      if (item?.state === 'resolved') {
        notice = item.resolution === 'ignore'
          ? `The message from ${item.message?.fromAddress ?? 'unknown'} was set aside.`
          : `Recorded ${item.message?.fromAddress ?? ''} as ${item.resolution}; the confirmation is in the outbox.`;
      }
    }
    const page = eventPage({
      event: { ...event, location: event.location, endsAt: event.endsAt },
      totals: attendanceTotals(rows, event.capacity),
      rows: filterAttendance(rows, { status, text: q }),
      filter: { status, q },
      review,
      csrf: auth.csrf,
      notice,
      error: null,
    });
    send(res, 200, 'text/html; charset=utf-8', page);
  };

  const indexFor = async (res: ServerResponse) => {
    const { prisma } = app.db;
    const [events, review] = await Promise.all([
      prisma.event.findMany({ orderBy: [{ startsAt: 'desc' }] }),
      prisma.reviewItem.groupBy({ by: ['eventId'], where: { state: 'open' }, _count: { _all: true } }),
    ]);
    const openByEvent = new Map(review.map((r) => [r.eventId, r._count._all]));
    const summaries: EventSummary[] = [];
    for (const e of events) {
      const { rows } = await readAttendance(prisma, e.slug);
      summaries.push({ slug: e.slug, title: e.title, startsAt: e.startsAt, timezone: e.timezone, state: e.state, totals: attendanceTotals(rows, e.capacity), openReview: openByEvent.get(e.id) ?? 0 });
    }
    send(res, 200, 'text/html; charset=utf-8', indexPage({ events: summaries, unlinkedReview: openByEvent.get(null) ?? 0 }));
  };

  const resolve = async (id: string, req: IncomingMessage, res: ServerResponse) => {
    const form = await readForm(req);
    if (!sameOrigin(req) || !auth.isCsrf(form.get('csrf'))) throw new HttpError(403, 'this form did not come from this page (reload the page and try again)');
    const as = form.get('as') as ResolveAs;
    if (!DECISIONS.includes(as)) throw new HttpError(400, 'choose accept, decline, maybe or ignore');
    const sizeText = (form.get('size') ?? '').trim();
    const size = as === 'decline' ? 0 : as === 'ignore' || sizeText === '' ? null : Number(sizeText);
    if (size !== null && (!Number.isInteger(size) || size < 0 || size > 1000)) throw new HttpError(400, `"${sizeText}" is not a number of people`);
    const names = (form.get('names') ?? '').split(',').map((n) => n.trim()).filter(Boolean);
    const back = form.get('back') ?? '';
    const event = form.get('event') || null;
    const outcome = await resolveReview(app, id, { as, size, names: names.length ? names : null, event, by: 'web' });
    app.logger.info({ review: id, as, outcome }, 'review item resolved on the web page');
    try {
      await afterResolve(app);
    } catch (e) {
      // The decision and its mail are recorded; the send schedule retries the delivery.
      app.logger.warn({ error: (e as Error).message.split('\n')[0] }, 'sending after a review decision failed; the outbox keeps the mail');
    }
    const target = back ? `/events/${encodeURIComponent(back)}?resolved=${encodeURIComponent(id)}#review` : '/';
    redirect(res, target);
  };

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    // HEAD is answered as GET; node:http leaves the body out (monitors often probe with HEAD).
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    try {
      if (method === 'GET' && path === '/healthz') {
        const health = await checkHealth(app, { maxPollAgeSeconds: maxPollAge });
        return send(res, health.status === 'ok' ? 200 : 503, 'application/json; charset=utf-8', JSON.stringify(health));
      }
      if (method === 'GET' && path === '/metrics') {
        return send(res, 200, 'text/plain; version=0.0.4; charset=utf-8', formatPrometheus(await readMetrics(app, startedAt)));
      }
      if (method === 'POST' && path === '/login') {
        const form = await readForm(req);
        if (!auth.isToken(form.get('token'))) return unauthorised(res, true);
        return redirect(res, '/', { 'Set-Cookie': sessionCookie(req) });
      }
      if (!authorised(req, url)) return unauthorised(res, url.searchParams.has('token'));
      if (url.searchParams.has('token') && method === 'GET') {
        // Logged in by link: keep the token out of the address bar, history and proxy logs.
        url.searchParams.delete('token');
        return redirect(res, `${path}${url.search}`, { 'Set-Cookie': sessionCookie(req) });
      }
      if (method === 'GET' && path === '/') return await indexFor(res);
      const exportMatch = /^\/events\/([^/]+)\/export\.(csv|xlsx)$/.exec(path);
      if (method === 'GET' && exportMatch) {
        const slug = decodeURIComponent(exportMatch[1]!);
        const { event, rows } = await readAttendance(app.db.prisma, slug);
        const isCsv = exportMatch[2] === 'csv';
        // The workbook writer is loaded on first use: it costs start-up time every command would pay.
        const bytes = isCsv ? attendanceCsv(rows) : await (await import('../export/xlsx.js')).attendanceXlsx(rows, { timezone: event.timezone, sheet: event.slug });
        const fileName = `${event.slug.replace(/[^A-Za-z0-9._-]/g, '_')}.${exportMatch[2]}`;
        return send(res, 200, isCsv ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bytes, {
          'Content-Disposition': `attachment; filename="${fileName}"`,
        });
      }
      const eventMatch = /^\/events\/([^/]+)\/?$/.exec(path);
      if (method === 'GET' && eventMatch) return await eventPageFor(decodeURIComponent(eventMatch[1]!), url, res);
      const reviewMatch = /^\/review\/([^/]+)$/.exec(path);
      if (method === 'POST' && reviewMatch) return await resolve(decodeURIComponent(reviewMatch[1]!), req, res);
      throw new HttpError(method === 'GET' || method === 'POST' ? 404 : 405, 'no such page');
    } catch (e) {
      const err = e as Error & { code?: string };
      const status = e instanceof HttpError ? e.status : e instanceof URIError ? 400 : e instanceof NotFoundError || err.code === 'ENOTFOUND' ? 404 : err.code === 'EREVIEW' ? 409 : 500;
      if (status === 500) app.logger.error({ path, error: err.message?.split('\n')[0] }, 'web request failed');
      const message = status === 500 ? 'Something went wrong; the log has the details.' : err.message;
      if (res.headersSent) return void res.destroy();
      send(res, status, 'text/html; charset=utf-8', messagePage(status === 404 ? 'Not found' : 'Not done', message, method === 'POST' ? '/' : null));
    }
  };
}

export async function startWebServer(app: App, options: WebOptions & { port: number; host?: string }): Promise<WebServer> {
  const handler = createWebHandler(app, options);
  const server: Server = createServer((req, res) => void handler(req, res));
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  app.logger.info({ url }, 'web page listening');
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // A browser's keep-alive connection would hold close() open; nothing is in flight that matters.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      }),
  };
}
