/**
 * A real SMTP server (smtp-server) on a free loopback port that keeps every message it accepts
 * in memory, for tests and the benchmark. It can be told to refuse with a 4xx or 5xx reply, the
 * way a real relay would, so the sender's error mapping is tested against the protocol itself.
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
  clear(): void;
  stop(): Promise<void>;
}

function withCode(message: string, code: number): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const messages: ReceivedMessage[] = [];
  let refusal: Refusal | null = null;
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
    onRcptTo(_address: SMTPServerAddress, _session: SMTPServerSession, callback) {
      if (refusal && (refusal.stage ?? 'rcpt') === 'rcpt') return callback(withCode(refusal.message ?? 'Refused by test', refusal.code));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (refusal && refusal.stage === 'data') return callback(withCode(refusal.message ?? 'Refused by test', refusal.code));
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
    refuse(next) {
      refusal = next;
    },
    clear() {
      messages.length = 0;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
