/**
 * A real SMTP server (smtp-server) on a free loopback port that keeps every message it accepts
 * in memory, for tests and the benchmark. It can be told to refuse with a 4xx or 5xx reply, the
 * way a real relay would, so the sender's error mapping is tested against the protocol itself:
 * for every recipient or only some, every time or the next few times. It can also go down (the
 * port refuses connections and open connections are dropped) and come back on the same port.
 */
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMessage {
  raw: Buffer;
  from: string | null;
  to: string[];
}

export interface Refusal {
  /** An SMTP reply code, e.g. 450 or 550. */
  code: number;
  message?: string;
  /** Where the refusal happens: at RCPT TO (per recipient) or after DATA (the whole message). */
  stage?: 'rcpt' | 'data';
  /** Only these recipients (any case) are refused; default every one. */
  recipients?: string[];
  /** Only the next this many refusals, then accept again; default every time. */
  times?: number;
}

export interface SmtpReceiver {
  host: string;
  port: number;
  /** smtp://127.0.0.1:PORT, as nodemailer reads it. */
  url(): string;
  readonly messages: ReceivedMessage[];
  /** Resolves with the messages once at least `count` have arrived (since the last clear()). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  /** Refuse every following message this way; null accepts again. */
  refuse(refusal: Refusal | null): void;
  /** Stop listening and drop every open connection, as a server that went down: connections are refused. */
  down(): Promise<void>;
  /** Listen again on the same port. */
  up(): Promise<void>;
  /** Refusals answered since the last clear(), and connections dropped by down(). */
  readonly refused: { code: number; to: string[] }[];
  clear(): void;
  stop(): Promise<void>;
}

function withCode(message: string, code: number): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const messages: ReceivedMessage[] = [];
  const refused: { code: number; to: string[] }[] = [];
  let refusal: Refusal | null = null;
  /** The refusal that applies to these recipients now, counting it against `times`. */
  const refusalFor = (stage: 'rcpt' | 'data', to: string[]): Refusal | null => {
    if (!refusal || (refusal.stage ?? 'rcpt') !== stage) return null;
    const only = refusal.recipients?.map((r) => r.toLowerCase());
    if (only && !to.some((t) => only.includes(t.toLowerCase()))) return null;
    const current = refusal;
    if (current.times !== undefined) {
      if (current.times <= 0) return null;
      current.times--;
    }
    refused.push({ code: current.code, to });
    return current;
  };
  let waiters: { count: number; resolve: (m: ReceivedMessage[]) => void }[] = [];

  const settle = () => {
    const ready = waiters.filter((w) => messages.length >= w.count);
    waiters = waiters.filter((w) => messages.length < w.count);
    for (const w of ready) w.resolve(messages.slice());
  };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    banner: 'rsvp test receiver',
    size: 50 * 1024 * 1024,
    onAuth(_auth, _session, callback) {
      // Any credentials are accepted: the receiver tests what is sent, not who sends it.
      callback(null, { user: 'test' });
    },
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback) {
      const r = refusalFor('rcpt', [address.address]);
      if (r) return callback(withCode(r.message ?? 'Refused by test', r.code));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const r = refusalFor('data', session.envelope.rcptTo.map((t) => t.address));
        if (r) return callback(withCode(r.message ?? 'Refused by test', r.code));
        messages.push({
          raw: Buffer.concat(chunks),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((r) => r.address),
        });
        callback();
        settle();
      });
    },
  });

  const host = '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.server.address();
      if (typeof address === 'object' && address) resolve(address.port);
      else reject(new Error('SMTP receiver has no port'));
    });
  });
  server.removeAllListeners('error');
  // Client resets and the like are expected in tests (refusals, closed pools).
  server.on('error', () => {});

  return {
    host,
    port,
    url: () => `smtp://${host}:${port}`,
    messages,
    waitFor(count, timeoutMs = 30_000) {
      if (messages.length >= count) return Promise.resolve(messages.slice());
      return new Promise((resolve, reject) => {
        const waiter = { count, resolve: (m: ReceivedMessage[]) => (clearTimeout(timer), resolve(m)) };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          reject(new Error(`SMTP receiver got ${messages.length} of ${count} messages`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    refused,
    refuse(next) {
      refusal = next ? { ...next } : null;
    },
    async down() {
      await new Promise<void>((resolve) => {
        server.server.close(() => resolve());
        // Pooled clients keep their connections: a server that goes down drops them.
        for (const connection of (server as unknown as { connections: Set<{ close(): void }> }).connections) connection.close();
      });
    },
    async up() {
      await new Promise<void>((resolve, reject) => {
        server.server.once('error', reject);
        server.server.listen(port, host, () => {
          server.server.off('error', reject);
          resolve();
        });
      });
    },
    clear() {
      messages.length = 0;
      refused.length = 0;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
