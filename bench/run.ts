/**
 * `npm run bench`: the figures of the README, measured on this machine against a private Dovecot
 * and an SMTP receiver, each beside its reference or target from the same run. Prints a table
 * and writes bench/output/latest.json. Nothing here is asserted: figures are reported, not tested.
 * The service's own steps run in processes of their own on the built program (bench/child.mjs),
 * so the program is built first (`--no-build` skips that). About 10–15 minutes in all.
 *   npm run bench [-- --count N] [--latency N] [--only classify,poll,growth,invite,digest,latency,fuzz] [--no-build]
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { startDovecot } from '../test/support/dovecot.js';
import { startSmtpReceiver } from '../test/support/smtp-receiver.js';
import { fillMailbox, shortReply } from './fill-mailbox.js';
import { benchPoll } from './poll.js';
import { benchClassify } from './classify.js';
import { benchInvite, benchDigest } from './jobs.js';
import { benchLatency } from './latency.js';
import { runTsChild } from './spawn.js';
import type { BaselineResult } from './baseline.js';

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const only = (() => {
  const i = process.argv.indexOf('--only');
  return i >= 0 ? new Set(process.argv[i + 1]!.split(',')) : null;
})();
const wanted = (section: string) => !only || only.has(section);
const GROWTH_SIZES = [200, 1000, 2000, 5000, 10_000];
const load = () => loadavg()[0]!.toFixed(1);

async function main() {
  const count = argValue('--count', 2000);
  const latencyCount = argValue('--latency', 200);
  if (!process.argv.includes('--no-build')) {
    try {
      execFileSync('npm', ['run', '--silent', 'build'], { stdio: ['ignore', 'ignore', 'ignore'] });
    } catch {
      // tsc still writes what it compiled; a type error elsewhere need not stop the figures.
      console.error('bench: the build reported errors; measuring what dist/ holds');
    }
  }
  const rows: [string, string, string][] = [];
  const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, cores: (await import('node:os')).cpus().length, count };
  const row = (figure: string, measured: string, reference: string) => {
    rows.push([figure, measured, reference]);
    console.error(`  ${figure}: ${measured}  [${reference}]`);
  };

  if (wanted('classify')) {
    const classify = await benchClassify();
    results.classify = { ...classify, load: load() };
    row('classification of typical replies, one core', `${Math.round(classify.perSecond)}/s`, 'goal ≥ 2,000/s');
    row('classification of a 1 MB message', `${classify.bigMessageMs.toFixed(0)} ms`, '');
  }
  if (wanted('fuzz') && existsSync('bench/fuzz.ts')) {
    try {
      const { benchFuzz } = await import('./fuzz.js');
      const f = await benchFuzz();
      results.fuzz = f;
      row(`fuzz: ${f.count} mutated fixtures classified`, `slowest ${f.slowest.ms.toFixed(0)} ms, ${f.failures} failures`, 'goal < 1,000 ms per message');
    } catch (e) {
      results.fuzz = { error: (e as Error).message };
    }
  }

  const dovecot = await startDovecot();
  const receiver = await startSmtpReceiver();
  const imapUrl = (name: string) => dovecot.imapUrl('bench@example.test', name);
  try {
    if (wanted('poll')) {
      for (const provider of ['sqlite', 'postgresql'] as const) {
        const url = imapUrl(`backlog-${provider}-${Date.now()}`);
        await fillMailbox(url, count, shortReply);
        receiver.clear();
        const baseline = await runTsChild<BaselineResult>('bench/baseline-child.ts', [], { IMAP_URL: url, SMTP_URL: receiver.url(), BENCH_COUNT: String(count) });
        const poll = await benchPoll({ provider, imapUrl: url, receiver, count });
        const ratio = poll.perSecond / baseline.perSecond;
        results[`poll-${provider}`] = { poll, baseline, ratio, load: load() };
        row(
          `poll of a ${count}-reply backlog, ${provider} (store, understand, record, confirm over SMTP)`,
          `${poll.perSecond.toFixed(0)}/s (${poll.seconds.toFixed(2)} s, ${poll.rsvps} RSVPs, ${poll.sent} confirmations, peak RSS ${poll.peakRssMb} MB)`,
          `baseline ${baseline.perSecond.toFixed(0)}/s: ratio ${ratio.toFixed(2)} (goal ≥ 0.5, later 0.7); load ${load()}`,
        );
      }
    }

    if (wanted('growth')) {
      const growth: Record<string, unknown>[] = [];
      for (const size of GROWTH_SIZES) {
        const url = imapUrl(`growth-${size}-${Date.now()}`);
        await fillMailbox(url, size, shortReply);
        const poll = await benchPoll({ provider: 'sqlite', imapUrl: url, receiver, count: size });
        growth.push({ size, perSecond: poll.perSecond, seconds: poll.seconds, peakRssMb: poll.peakRssMb, windows: poll.windows, load: load() });
        row(`poll growth, ${size.toLocaleString('en')} messages (sqlite)`, `${poll.perSecond.toFixed(0)}/s (${poll.seconds.toFixed(1)} s), peak RSS ${poll.peakRssMb} MB`, `load ${load()}`);
        if (size === 10_000) {
          results.memory = { size, peakRssMb: poll.peakRssMb, windows: poll.windows };
          const per = poll.windows.map((w) => `${w.stage.slice(0, 5)} ${w.upTo === 'end' ? 'end' : `${Number(w.upTo) / 1000}k`}: ${w.peakRssMb}`).join(', ');
          row('peak RSS working through a 10,000-message backlog', `${poll.peakRssMb} MB (per 2,000: ${per})`, 'goal ≤ 250 MB, flat');
        }
      }
      results.growth = growth;
    }

    if (wanted('invite')) {
      const invite = await benchInvite(receiver, 2000);
      results.invite = { ...invite, load: load() };
      row(
        'invitations to 2,000 invitees (render, queue, send over SMTP)',
        `${invite.perSecond.toFixed(0)}/s (${invite.seconds.toFixed(2)} s, ${invite.sent} sent, peak RSS ${invite.peakRssMb} MB)`,
        `goal ≥ 200/s; nodemailer alone, same mail, same pool: ${invite.referencePerSecond.toFixed(0)}/s`,
      );
    }

    if (wanted('digest')) {
      const digest = await benchDigest(receiver, 5000);
      results.digest = { ...digest, load: load() };
      row('digest of an event with 5,000 invitees (3,750 answers)', `${digest.seconds.toFixed(2)} s (${digest.htmlKb} KB HTML, peak RSS ${digest.peakRssMb} MB)`, 'goal ≤ 2 s');
    }

    if (wanted('latency')) {
      const latency = await benchLatency({ imapUrl, receiver, count: latencyCount });
      results.latency = { ...latency, load: load() };
      row(
        `arrival → confirmation leaving, worker on IMAP IDLE (${latencyCount} replies one at a time)`,
        `median ${latency.worker.medianMs} ms, p99 ${latency.worker.p99Ms} ms (worker peak RSS ${latency.workerPeakRssMb} MB)`,
        `least work (IDLE + fetch + parse + send): median ${latency.reference.medianMs} ms, p99 ${latency.reference.p99Ms} ms`,
      );
    }
  } finally {
    await receiver.stop();
    await dovecot.stop();
  }

  results.loadAtEnd = load();
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
  await mkdir('bench/output', { recursive: true });
  await writeFile('bench/output/latest.json', JSON.stringify(results, null, 2) + '\n');
}

main().catch((e: unknown) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(1);
});
