/**
 * Deterministic mutations of real messages, for the fuzz test (src/core/understand/fuzz.test.ts)
 * and its benchmark (bench/fuzz.ts). Pure: seeds in, mutated bytes out; the same seed always gives
 * the same cases, so a failure names a case that can be replayed alone (`mutateCase`).
 *
 * The mutations are the ways mail arrives broken in practice: bytes damaged in transit, messages
 * cut off (a full disk, a dropped connection), headers duplicated or missing (badly written
 * gateways), MIME boundaries that do not match (RFC 2046 §5.1.1), transfer encodings and charsets
 * nobody knows (RFC 2045 §6, RFC 2047), multiparts nested far deeper than any client makes them,
 * lines longer than RFC 5322 §2.1.1 allows, NUL bytes, invalid UTF-8, and headers folded over
 * thousands of lines.
 */

/** mulberry32: small, fast, and good enough to spread mutations; not for secrets. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, list: readonly T[]): T => list[int(r, list.length)]!;

/** Where the header block ends (index of the blank line), or -1. */
function headerEnd(latin: string): number {
  const m = /\r?\n\r?\n/.exec(latin);
  return m ? m.index : -1;
}

function splice(buf: Buffer, at: number, remove: number, insert: Buffer | string): Buffer {
  const ins = typeof insert === 'string' ? Buffer.from(insert, 'latin1') : insert;
  return Buffer.concat([buf.subarray(0, at), ins, buf.subarray(Math.min(buf.length, at + remove))]);
}

function flipBytes(buf: Buffer, r: Rand): Buffer {
  if (buf.length === 0) return buf;
  const out = Buffer.from(buf);
  const n = 1 + int(r, 16);
  for (let i = 0; i < n; i++) out[int(r, out.length)] = int(r, 256);
  return out;
}

function truncate(buf: Buffer, r: Rand): Buffer {
  return buf.subarray(0, int(r, buf.length + 1));
}

function headerLines(buf: Buffer): { lines: string[]; end: number; latin: string } | null {
  const latin = buf.toString('latin1');
  const end = headerEnd(latin);
  if (end <= 0) return null;
  return { lines: latin.slice(0, end).split(/\r?\n/), end, latin };
}

function duplicateHeader(buf: Buffer, r: Rand): Buffer {
  const h = headerLines(buf);
  if (!h) return buf;
  const i = int(r, h.lines.length);
  const copies = 1 + int(r, r() < 0.1 ? 200 : 3);
  const lines = [...h.lines.slice(0, i + 1), ...Array.from({ length: copies }, () => h.lines[i]!), ...h.lines.slice(i + 1)];
  return Buffer.from(lines.join('\r\n') + h.latin.slice(h.end), 'latin1');
}

function removeHeader(buf: Buffer, r: Rand): Buffer {
  const h = headerLines(buf);
  if (!h) return buf;
  // Structural headers most of the time: they change how the rest is read.
  const structural = h.lines.map((l, i) => [l, i] as const).filter(([l]) => /^(content-|mime-version|from|message-id)/i.test(l));
  const i = structural.length > 0 && r() < 0.7 ? pick(r, structural)[1] : int(r, h.lines.length);
  const lines = h.lines.filter((_, j) => j !== i);
  return Buffer.from(lines.join('\r\n') + h.latin.slice(h.end), 'latin1');
}

function corruptBoundary(buf: Buffer, r: Rand): Buffer {
  const latin = buf.toString('latin1');
  const m = /boundary\s*=\s*"?([^";\r\n]+)"?/i.exec(latin);
  if (!m) return splice(buf, 0, 0, 'Content-Type: multipart/mixed; boundary="lost"\r\n');
  const boundary = m[1]!;
  switch (int(r, 5)) {
    case 0: // the parameter no longer matches the delimiters
      return Buffer.from(latin.slice(0, m.index) + latin.slice(m.index).replace(boundary, boundary + 'X'), 'latin1');
    case 1: // the closing delimiter is gone
      return Buffer.from(latin.split(`--${boundary}--`).join(''), 'latin1');
    case 2: // every delimiter is gone
      return Buffer.from(latin.split(`--${boundary}`).join(''), 'latin1');
    case 3: // an empty boundary
      return Buffer.from(latin.replace(m[0], 'boundary=""'), 'latin1');
    default: // a delimiter broken in the middle of the body
      return Buffer.from(latin.replace(`\n--${boundary}\r\n`, `\n--${boundary.slice(0, -1)}\r\n`), 'latin1');
  }
}

const BOGUS_ENCODINGS = ['base64', 'quoted-printable', 'x-uuencode', 'bogus', '8bit; foo', '', 'BASE64 ', 'binary', '7bit 7bit', '=?utf-8?q?base64?='];

function bogusEncoding(buf: Buffer, r: Rand): Buffer {
  const latin = buf.toString('latin1');
  const value = pick(r, BOGUS_ENCODINGS);
  if (/content-transfer-encoding:/i.test(latin) && r() < 0.7) {
    return Buffer.from(latin.replace(/content-transfer-encoding:[^\r\n]*/gi, () => (r() < 0.6 ? `Content-Transfer-Encoding: ${value}` : '$&')), 'latin1');
  }
  return splice(buf, 0, 0, `Content-Transfer-Encoding: ${value}\r\n`);
}

const BOGUS_CHARSETS = ['x-klingon', 'utf-7', 'utf-16', 'utf-32le', 'iso-2022-jp', 'gb18030', '"', '', 'utf8mb4', 'windows-1252; charset=utf-8', 'ucs-2', '=?'];

function bogusCharset(buf: Buffer, r: Rand): Buffer {
  const latin = buf.toString('latin1');
  const value = pick(r, BOGUS_CHARSETS);
  if (/charset\s*=/i.test(latin) && r() < 0.7) {
    return Buffer.from(latin.replace(/charset\s*=\s*"?[^";\r\n]*"?/gi, () => `charset=${value}`), 'latin1');
  }
  // An encoded word in a header with the bogus charset (RFC 2047).
  return splice(buf, 0, 0, `Subject: =?${value}?B?SWsga29t?= =?${value}?Q?=E9=00?=\r\n`);
}

function nestMultiparts(buf: Buffer, r: Rand): Buffer {
  const latin = buf.toString('latin1');
  const end = headerEnd(latin);
  const body = end < 0 ? latin : latin.slice(end).replace(/^\r?\n\r?\n/, '');
  const head = end < 0 ? '' : latin.slice(0, end).split(/\r?\n/).filter((l) => !/^content-type:/i.test(l)).join('\r\n');
  const depth = 2 + int(r, r() < 0.1 ? 100 : 10);
  let inner = `Content-Type: text/plain; charset=utf-8\r\n\r\n${body}`;
  for (let d = depth; d > 0; d--) {
    const b = `nest${d}`;
    const close = r() < 0.8 ? `\r\n--${b}--\r\n` : '';
    inner = `Content-Type: multipart/${pick(r, ['mixed', 'alternative', 'related', 'report'])}; boundary="${b}"\r\n\r\n--${b}\r\n${inner}${close}`;
  }
  return Buffer.from(`${head}\r\nMIME-Version: 1.0\r\n${inner}`, 'latin1');
}

function overlongLine(buf: Buffer, r: Rand): Buffer {
  const len = 1000 + int(r, r() < 0.05 ? 200_000 : 10_000);
  const unit = pick(r, ['x', 'ja ', '=3D', '> ', 'A', '<b>', '\t']);
  const line = unit.repeat(Math.ceil(len / unit.length)).slice(0, len);
  return splice(buf, int(r, buf.length + 1), 0, line);
}

function insertNuls(buf: Buffer, r: Rand): Buffer {
  let out = buf;
  const n = 1 + int(r, 8);
  for (let i = 0; i < n; i++) out = splice(out, int(r, out.length + 1), 0, Buffer.alloc(1 + int(r, 64)));
  return out;
}

const INVALID_UTF8 = [[0xc3, 0x28], [0xa0, 0xa1], [0xe2, 0x28, 0xa1], [0xf0, 0x28, 0x8c, 0x28], [0xff], [0xfe, 0xff], [0xed, 0xa0, 0x80], [0xc0, 0xaf]];

function invalidUtf8(buf: Buffer, r: Rand): Buffer {
  let out = buf;
  const n = 1 + int(r, 10);
  for (let i = 0; i < n; i++) out = splice(out, int(r, out.length + 1), 0, Buffer.from(pick(r, INVALID_UTF8)));
  return out;
}

function hugeFolding(buf: Buffer, r: Rand): Buffer {
  const name = pick(r, ['Subject', 'References', 'To', 'Received', 'X-Spam', 'Content-Type', 'From']);
  const n = 50 + int(r, r() < 0.05 ? 10_000 : 800);
  const piece = name === 'References' ? (i: number) => `<id${i}@x.example>` : name === 'To' ? (i: number) => `p${i}@x.example,` : (i: number) => `word${i};`;
  const folded = Array.from({ length: n }, (_, i) => `${i === 0 ? '' : pick(r, [' ', '\t'])}${piece(i)}`).join('\r\n');
  return splice(buf, 0, 0, `${name}: ${folded}\r\n`);
}

function manyParts(buf: Buffer, r: Rand): Buffer {
  const n = 50 + int(r, 700);
  const parts = Array.from({ length: n }, (_, i) => `--many\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`).join('');
  return Buffer.from(`From: a@b.example\r\nMessage-ID: <many-${n}@b.example>\r\nContent-Type: multipart/mixed; boundary=many\r\n\r\n${parts}--many--\r\n${buf.subarray(0, 2000).toString('latin1')}`, 'latin1');
}

function bareLineEnds(buf: Buffer, r: Rand): Buffer {
  const latin = buf.toString('latin1');
  return Buffer.from(r() < 0.5 ? latin.replace(/\r?\n/g, '\r') : latin.replace(/\r?\n/g, '\n'), 'latin1');
}

export const MUTATIONS = {
  flipBytes,
  truncate,
  duplicateHeader,
  removeHeader,
  corruptBoundary,
  bogusEncoding,
  bogusCharset,
  nestMultiparts,
  overlongLine,
  insertNuls,
  invalidUtf8,
  hugeFolding,
  manyParts,
  bareLineEnds,
} as const;

export type MutationName = keyof typeof MUTATIONS;
const NAMES = Object.keys(MUTATIONS) as MutationName[];

export interface MutatedCase {
  index: number;
  /** Which seed message it started from (index into the seeds). */
  seedIndex: number;
  mutations: MutationName[];
  raw: Buffer;
}

/** Case `index` of the run with `seed`: one seed message and one to three mutations in a row. */
export function mutateCase(seeds: readonly Buffer[], seed: number, index: number): MutatedCase {
  const r = prng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const seedIndex = int(r, seeds.length);
  let raw = seeds[seedIndex]!;
  const count = 1 + int(r, 3);
  const mutations: MutationName[] = [];
  for (let i = 0; i < count; i++) {
    // Each mutation kind comes first in turn, so every kind is run on every ~14th case.
    const name = i === 0 ? NAMES[index % NAMES.length]! : pick(r, NAMES);
    mutations.push(name);
    raw = MUTATIONS[name](raw, r);
  }
  return { index, seedIndex, mutations, raw };
}

export function* mutatedCases(seeds: readonly Buffer[], seed: number, count: number): Generator<MutatedCase> {
  for (let i = 0; i < count; i++) yield mutateCase(seeds, seed, i);
}
