/**
 * Classification speed: typical replies per second on one core (the labelled corpus under
 * test/fixtures/replies, repeated, measured after a warm-up) and the time for one 1 MB reply
 * (a short answer above a very long quoted HTML thread).
 *
 *   npx tsx bench/classify.ts
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { classifyRaw } from '../src/core/understand/classify.js';

const corpusDir = join(dirname(fileURLToPath(import.meta.url)), '../test/fixtures/replies');

function corpusFiles(dir: string): Buffer[] {
  const out: Buffer[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...corpusFiles(p));
    else if (entry.endsWith('.eml')) out.push(readFileSync(p));
  }
  return out;
}

/** An Outlook-style HTML reply whose quoted thread brings it to about `bytes` bytes. */
export function bigReply(bytes = 1_000_000): Buffer {
  const quotedMail =
    '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal"><b>Van:</b> Inkoop Jeugdhulp Zeeland &lt;info@inkoopjeugdhulpzeeland.nl&gt;<br><b>Verzonden:</b> maandag 15 oktober 2018 10:02<br><b>Onderwerp:</b> RE: Consultatiebijeenkomst</p></div>' +
    '<p class="MsoNormal">Wij verzoeken u uiterlijk 16 november aan te geven of u aanwezig kunt zijn. In 2016 heeft de Inkooporganisatie Jeugdhulp Zeeland namens de Zeeuwse gemeenten meerjarige inkoopcontracten gesloten.</p>'.repeat(4);
  let html = '<html><body><div class="WordSection1"><p class="MsoNormal">Beste,</p><p class="MsoNormal">Wij komen met z&#8217;n tweeën.</p><p class="MsoNormal">Met vriendelijke groet,</p><p class="MsoNormal">Roel Sinke</p><div id="divRplyFwdMsg"></div>';
  while (html.length < bytes - 2000) html += quotedMail;
  html += '</div></body></html>';
  const head = [
    'From: "Sinke, Roel" <r.sinke@emergis.example.test>',
    'To: info@inkoopjeugdhulpzeeland.nl',
    'Subject: RE: Consultatiebijeenkomst',
    'Date: Tue, 16 Oct 2018 08:41:12 +0200',
    'Message-ID: <big-1@emergis.example.test>',
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset="utf-8"',
    'Content-Transfer-Encoding: 8bit',
  ].join('\r\n');
  return Buffer.from(`${head}\r\n\r\n${html}\r\n`, 'utf8');
}

export async function benchClassify(): Promise<{ perSecond: number; bigMessageMs: number }> {
  const files = corpusFiles(corpusDir);
  if (files.length === 0) throw new Error(`no .eml files under ${corpusDir}`);
  // Warm-up: JIT, regex caches, iconv tables.
  for (let i = 0; i < 3; i++) for (const f of files) await classifyRaw(f);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < 3000) {
    for (const f of files) await classifyRaw(f);
    n += files.length;
  }
  const perSecond = n / ((performance.now() - start) / 1000);

  const big = bigReply();
  await classifyRaw(big);
  const runs = 5;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await classifyRaw(big);
  const bigMessageMs = (performance.now() - t0) / runs;
  return { perSecond, bigMessageMs };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchClassify()
    .then(({ perSecond, bigMessageMs }) => {
      console.log(`classify: ${perSecond.toFixed(0)} typical replies/s on one core (target >= 2000)`);
      console.log(`classify: ${bigMessageMs.toFixed(1)} ms for a 1 MB reply (${(bigReply().length / 1e6).toFixed(2)} MB)`);
    })
    .catch((err) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    });
}
