/**
 * `npm run bench`: the figures of the README, measured on this machine against a private Dovecot
 * and an SMTP receiver, each beside its reference from the same run. Prints a table and writes
 * bench/output/latest.json. Nothing here is asserted: figures are reported, not tested.
 *   npm run bench [-- --count N]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { startDovecot } from '../test/support/dovecot.js';
import { startSmtpReceiver } from '../test/support/smtp-receiver.js';
import { baselineThroughput } from './baseline.js';
import { fillMailbox, shortReply } from './fill-mailbox.js';
import { benchPoll } from './poll.js';
import { benchClassify } from './classify.js';

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main() {
  const count = argValue('--count', 2000);
  const rows: [string, string, string, string][] = [];
  const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, count };

  const classify = await benchClassify();
  results.classify = classify;
  rows.push(['classification of typical replies, one core', `${Math.round(classify.perSecond)}/s`, '≥ 2,000/s', '']);
  rows.push(['classification of a 1 MB message', `${classify.bigMessageMs.toFixed(0)} ms`, '', '']);

  const dovecot = await startDovecot();
  const receiver = await startSmtpReceiver();
  try {
    for (const provider of ['sqlite', 'postgresql'] as const) {
      const imapUrl = dovecot.imapUrl('bench@example.test', `backlog-${provider}-${Date.now()}`);
      await fillMailbox(imapUrl, count, shortReply);
      receiver.clear();
      const baseline = await baselineThroughput({ imapUrl, smtpUrl: receiver.url(), count });
      const poll = await benchPoll({ provider, imapUrl, receiver, count });
      const ratio = poll.perSecond / baseline.perSecond;
      results[`poll-${provider}`] = { poll, baseline, ratio };
      rows.push([
        `poll throughput, ${count}-reply backlog (${provider})`,
        `${poll.perSecond.toFixed(0)}/s (${poll.seconds.toFixed(2)} s, ${poll.rsvps} RSVPs, ${poll.sent} confirmations, peak RSS ${poll.peakRssMb} MB)`,
        `baseline ${baseline.perSecond.toFixed(0)}/s (${baseline.seconds.toFixed(2)} s)`,
        `ratio ${ratio.toFixed(2)} (goal ≥ 0.5, later 0.7)`,
      ]);
    }
  } finally {
    await receiver.stop();
    await dovecot.stop();
  }

  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) console.log(row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
  await mkdir('bench/output', { recursive: true });
  await writeFile('bench/output/latest.json', JSON.stringify(results, null, 2) + '\n');
}

main().catch((e: unknown) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(1);
});
