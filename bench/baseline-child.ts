/**
 * The baseline (bench/baseline.ts) in a process of its own, as bench/run.ts runs it beside the
 * poll's child: IMAP_URL, SMTP_URL and BENCH_COUNT from the environment. Prints JSON.
 */
import { baselineThroughput } from './baseline.js';

const result = await baselineThroughput({ imapUrl: process.env.IMAP_URL!, smtpUrl: process.env.SMTP_URL!, count: Number(process.env.BENCH_COUNT) });
console.log(JSON.stringify(result));
