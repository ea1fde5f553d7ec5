// One benchmark step in a process of its own, on the built program (dist/, as `rsvp` runs it),
// so that its time and memory are the service's alone: the SMTP receiver and the bench's own
// bookkeeping live in the parent (bench/run.ts). Plain JavaScript on purpose: a TypeScript loader
// would add a thread and its memory to what is measured.
//   node bench/child.mjs MODE   with the service's environment (DATABASE_URL, IMAP_URL, ...)
// Modes: poll | invite SLUG | digest | worker. Prints one JSON line on stdout (worker: "ready",
// then runs until SIGTERM).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const dist = new URL('../dist/', import.meta.url);
const load = (path) => import(new URL(path, dist).href);

const mb = (bytes) => Math.round(bytes / 1048576);

/** The kernel's own peak for this process (VmHWM), not a sample. */
function peakRssMb() {
  const m = readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\s+(\d+) kB/);
  return m ? Math.round(Number(m[1]) / 1024) : null;
}

/** RSS sampled every 20 ms; `cut()` returns the peak since the last cut. */
function rssSampler() {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  return {
    cut() {
      const p = Math.max(peak, process.memoryUsage.rss());
      peak = process.memoryUsage.rss();
      if (process.env.BENCH_MEMORY_DETAIL) {
        const m = process.memoryUsage();
        console.error(`rss ${mb(m.rss)} heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)}`);
      }
      return mb(p);
    },
    stop: () => clearInterval(timer),
  };
}

async function openApp() {
  const [{ loadConfig }, { createApp }, { createLogger }] = await Promise.all([load('src/config/load.js'), load('src/app.js'), load('src/log.js')]);
  const config = loadConfig({ env: process.env, cwd: process.cwd(), file: process.env.RSVP_CONFIG });
  return createApp(config, createLogger({ level: 'warn' }));
}

if (process.env.BENCH_V8_FLAGS) (await import('node:v8')).setFlagsFromString(process.env.BENCH_V8_FLAGS);
const mode = process.argv[2];
const startRss = mb(process.memoryUsage.rss());

if (mode === 'poll') {
  const { runPoll } = await load('jobs/poll.js');
  const app = await openApp();
  const sampler = rssSampler();
  const every = Number(process.env.BENCH_WINDOW ?? 2000);
  // Peak RSS per `every` messages stored, then per `every` processed (and sent alongside).
  const windows = [];
  const next = { storing: every, processing: every };
  let stageNow = 'storing';
  const t = performance.now();
  const summary = await runPoll(app, {
    onProgress(stage, done) {
      if (stage !== stageNow) {
        windows.push({ stage: stageNow, upTo: 'end', peakRssMb: sampler.cut() });
        stageNow = stage;
      }
      while (done >= next[stage]) {
        windows.push({ stage, upTo: next[stage], peakRssMb: sampler.cut() });
        next[stage] += every;
      }
    },
  });
  const seconds = (performance.now() - t) / 1000;
  windows.push({ stage: `${stageNow}+send`, upTo: 'end', peakRssMb: sampler.cut() });
  sampler.stop();
  await app.close();
  console.log(JSON.stringify({ seconds, summary, startRss, peakRssMb: peakRssMb(), windows }));
} else if (mode === 'invite') {
  const { runInvite } = await load('jobs/invite.js');
  const app = await openApp();
  const t = performance.now();
  const summary = await runInvite(app, process.argv[3]);
  const seconds = (performance.now() - t) / 1000;
  // The reference: the same rendered invitation sent as many times with nodemailer alone, over a
  // pooled transport with as many connections, to the same receiver.
  const row = await app.db.prisma.outboundMail.findFirstOrThrow({ where: { kind: 'invitation' } });
  const [{ default: nodemailer }, { toNodemailerMessage }] = await Promise.all([import('nodemailer'), load('src/sender/message.js')]);
  const transport = nodemailer.createTransport({ url: process.env.SMTP_URL, pool: true, maxConnections: app.config.outbox.maxConnections, logger: false });
  const message = toNodemailerMessage({
    messageId: row.messageId,
    from: app.organiser,
    to: { address: row.toAddress, name: row.toName },
    subject: row.subject,
    text: row.text,
    html: row.html,
    ics: row.ics && row.icsMethod ? { content: row.ics, method: row.icsMethod } : null,
    inReplyTo: null,
    references: [],
    headers: row.headers ?? {},
    date: new Date(),
  });
  const r = performance.now();
  await Promise.all(Array.from({ length: summary.invitations }, () => transport.sendMail({ ...message })));
  const referenceSeconds = (performance.now() - r) / 1000;
  transport.close();
  await app.close();
  console.log(JSON.stringify({ seconds, summary, referenceSeconds, peakRssMb: peakRssMb() }));
} else if (mode === 'digest') {
  const { runDigest } = await load('jobs/digest.js');
  const app = await openApp();
  const t = performance.now();
  const summary = await runDigest(app);
  const seconds = (performance.now() - t) / 1000;
  const mail = await app.db.prisma.outboundMail.findFirst({ where: { kind: 'digest' }, select: { html: true, text: true } });
  await app.close();
  console.log(JSON.stringify({ seconds, summary, htmlKb: mail ? Math.round(mail.html.length / 1024) : 0, peakRssMb: peakRssMb() }));
} else if (mode === 'worker') {
  const { startWorker } = await load('jobs/worker.js');
  const app = await openApp();
  const worker = startWorker(app);
  // Ready once the catch-up jobs are done and the mailbox is watched (IDLE).
  await worker.idle();
  await app.mailbox();
  await new Promise((r) => setTimeout(r, 1500));
  console.log('ready');
  await new Promise((resolve) => process.once('SIGTERM', resolve));
  await worker.stop();
  await app.close();
  console.error(JSON.stringify({ peakRssMb: peakRssMb() }));
} else {
  console.error(`bench/child.mjs: unknown mode ${mode}`);
  process.exit(2);
}
