/**
 * Delivery failure reports. Standard ones are multipart/report; report-type=delivery-status
 * (RFC 6522) with a message/delivery-status part (RFC 3464) and the returned message or its
 * headers. Others (Exchange NDR text, Postfix, Gmail, qmail) are read from their text.
 */
import type { BounceInfo, BounceRecipient } from './types.js';
import type { MessagePart, ParsedAddress } from './parse.js';
import { isNoReplyAddress } from './automatic.js';

export interface BounceInput {
  contentType: string;
  contentTypeParams: Record<string, string>;
  from: ParsedAddress | null;
  to: ParsedAddress[];
  subject: string;
  text: string;
  parts: MessagePart[];
}

/** RFC 3464 §2.1: header-like fields in blank-line separated groups; per-message group first. */
export function readDeliveryStatus(body: string): BounceRecipient[] {
  const groups = body
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((g) => {
      const fields = new Map<string, string>();
      let key: string | null = null;
      for (const line of g.split('\n')) {
        if (/^[ \t]/.test(line) && key) {
          fields.set(key, `${fields.get(key)} ${line.trim()}`);
          continue;
        }
        const m = /^([A-Za-z0-9-]+)\s*:\s*(.*)$/.exec(line);
        if (m) {
          key = m[1]!.toLowerCase();
          if (!fields.has(key)) fields.set(key, m[2]!.trim());
        }
      }
      return fields;
    });
  const recipients: BounceRecipient[] = [];
  for (const f of groups) {
    const rcpt = f.get('final-recipient') ?? f.get('original-recipient');
    if (!rcpt) continue;
    // "rfc822; jan@example.nl" — address-type; address (RFC 3464 §2.3.2). utf-8 type per RFC 6533.
    const address = (rcpt.includes(';') ? rcpt.slice(rcpt.indexOf(';') + 1) : rcpt).trim().replace(/^<|>$/g, '');
    const original = f.get('original-recipient');
    const originalAddress = original
      ? (original.includes(';') ? original.slice(original.indexOf(';') + 1) : original).trim().replace(/^<|>$/g, '')
      : null;
    const status = /\d\.\d{1,3}\.\d{1,3}/.exec(f.get('status') ?? '')?.[0] ?? null;
    const diag = f.get('diagnostic-code');
    recipients.push({
      // Original-Recipient is what we sent to; Final-Recipient may be rewritten by forwarding.
      address: (originalAddress && originalAddress.includes('@') ? originalAddress : address).toLowerCase(),
      action: f.get('action')?.toLowerCase().trim() ?? null,
      status,
      diagnostic: diag ? diag.replace(/^(smtp|x-[a-z-]+)\s*;\s*/i, '').trim() : null,
    });
  }
  return recipients;
}

/** Message-ID of the returned message (message/rfc822) or its headers (text/rfc822-headers). */
export function originalMessageIdIn(parts: MessagePart[], text: string): string | null {
  for (const p of parts) {
    if (!/^(message\/rfc822|text\/rfc822-headers|message\/global|message\/global-headers)$/.test(p.contentType)) continue;
    const head = p.content.toString('utf8').replace(/\r\n?/g, '\n').split(/\n\n/)[0] ?? '';
    const unfolded = head.replace(/\n[ \t]+/g, ' ');
    const m = /^message-id\s*:\s*<?([^<>\s]+)>?/im.exec(unfolded);
    if (m) return m[1]!;
  }
  // Non-standard bounces quote the original headers in the text.
  // [ \t]*, not \s*, after ^ with flag m: \s* would run over every following blank line (quadratic).
  const m = /^[ \t]*message-id[ \t]*:[ \t]*<([^<>\s]+)>/im.exec(text);
  return m ? m[1]! : null;
}

/** Subjects of non-standard bounces: Postfix, Exchange NL/EN, Gmail, qmail, Exim. */
const BOUNCE_SUBJECT =
  /(undelivered mail returned to sender|delivery status notification \((failure|delay)\)|^\s*(undeliverable|onbestelbaar|niet bezorgd|niet afgeleverd|unzustellbar|non remis)\s*:|mail delivery (failed|failure|system)|delivery (has )?failed|failure notice|returned mail|message not delivered|bericht niet bezorgd|delivery failure|could not be delivered)/i;
/** From a mailer-daemon/postmaster sender, looser subjects are enough (Sendmail, Notes, OpenSMTPD, Exim). */
const DAEMON_SUBJECT =
  /(undeliver|delivery status|delivery (failure|failed|problem|error)|returned mail|failure notice|mail delivery|niet bezorgd|onbestelbaar|unzustellbar|non remis|could not be delivered|not delivered)/i;
const DELAY_SUBJECT = /(delivery status notification \(delay\)|delayed mail|delivery delayed|warning: message .* delayed|vertraagd)/i;

/**
 * An address in running text. The lengths are bounded as RFC 5321 §4.5.3.1 bounds them (local part
 * 64, domain 255): unbounded, a long run of local-part characters with no "@" (a quoted-printable
 * line of "=3D…", found by the fuzz test) made each search quadratic, seconds per message.
 */
const ADDRESS_RE = String.raw`[A-Za-z0-9._%+'=-]{1,64}@[A-Za-z0-9.-]{1,255}\.[A-Za-z]{2,63}`;
const ANY_ADDRESS = new RegExp(`(${ADDRESS_RE})`, 'g');
/** "jan@x.nl" in the sentences bounce texts use; first capture is the address. */
const ADDRESS = String.raw`<?(${ADDRESS_RE})>?`;
const FAILED_ADDRESS_PATTERNS: RegExp[] = [
  // Postfix: "<jan@x.nl>: host mx.x.nl[1.2.3.4] said: 550 5.1.1 …"
  new RegExp(String.raw`^[ \t]*<([^<>\s]+@[^<>\s]+)>[ \t]*(\(expanded from[^)]*\))?\s*:`, 'im'),
  // Gmail: "Your message wasn't delivered to jan@x.nl because …" / "Je bericht is niet bezorgd bij"
  new RegExp(String.raw`(?:wasn't|was not|couldn't be|could not be|is niet|kan niet worden|kon niet worden) (?:delivered|bezorgd|afgeleverd) (?:to|bij|aan)\s+${ADDRESS}`, 'i'),
  // Exchange: "Your message to jan@x.nl couldn't be delivered." / "Uw bericht aan jan@x.nl kan niet…"
  new RegExp(String.raw`(?:your message to|je bericht aan|uw bericht aan|ihre nachricht an)\s+${ADDRESS}`, 'i'),
  // Exchange 2010: "Delivery has failed to these recipients or groups:\n\njan@x.nl (jan@x.nl)"
  new RegExp(String.raw`(?:delivery has failed to these recipients or groups|de bezorging is mislukt voor deze ontvangers of groepen|heeft de volgende ontvangers niet bereikt)\s*:?\s*\n\s*\n?\s*(?:[^\n@]*?\s)?${ADDRESS}`, 'i'),
  // qmail / Exim: "<jan@x.nl>:" handled above; Exim: "  jan@x.nl\n    host … [SMTP error …]"
  new RegExp(String.raw`(?:following address(?:es|\(es\))? failed|failed recipient|recipient address rejected)\s*:?\s*\n?\s*${ADDRESS}`, 'i'),
];

/** An SMTP reply code as servers quote it (RFC 5321 §4.2): "550 5.1.1", "550 - Requested action". */
const SMTP_REPLY_CODE = /\b[45][0-5]\d(?:[ -]+[45]\.\d{1,3}\.\d{1,3}\b|\s*-?\s+(?:requested|mailbox|user|recipient|<))/i;
/** Why delivery failed, in the words gateways use. */
const FAILURE_REASON =
  /\b(?:user unknown|unknown user|no such user|mailbox (?:is )?full|mailbox unavailable|invalid (?:user|recipient|address|user address)|could not be delivered|recipient (?:address )?rejected|address rejected|not delivered|undeliverable|delivery (?:failed|failure))\b/i;

function looksLikeBounceSender(from: ParsedAddress | null): boolean {
  if (!from) return false;
  return /^(mailer[-_]?daemon|post[-_]?master|mail[-_]?daemon)$/i.test(from.address.split('@')[0] ?? '') ||
    /mail delivery (subsystem|system)|mailer-daemon|postmaster/i.test(from.name ?? '');
}

function readTextBounce(input: BounceInput, ownAddresses: Set<string>): BounceRecipient[] {
  const text = input.text.replace(/\r\n?/g, '\n');
  // Only the report part, not the returned message that many servers quote below it.
  const reportEnd = text.search(/^[ \t]*(-{2,}\s*(original message|oorspronkelijk bericht|unsent message follows|the header of the original)|original message headers|-{2,} ?(the header of the original|this is a copy of the message)|received:\s)/im);
  const report = reportEnd > 0 ? text.slice(0, reportEnd) : text;
  const found = new Map<string, BounceRecipient>();
  const delayed = DELAY_SUBJECT.test(input.subject) || /\b(will (continue|keep) trying|has been delayed|is vertraagd|nog niet bezorgd)\b/i.test(report);
  const add = (addr: string, context: string) => {
    const a = addr.toLowerCase();
    if (ownAddresses.has(a) || isNoReplyAddress(a) || found.has(a)) return;
    const status = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(context)?.[1] ?? null;
    const diag = /\b([245]\d\d[ -][^\n]{3,200})/.exec(context)?.[1]?.trim() ?? null;
    found.set(a, {
      address: a,
      action: delayed || status?.startsWith('4') ? 'delayed' : 'failed',
      status,
      diagnostic: diag,
    });
  };
  for (const re of FAILED_ADDRESS_PATTERNS) {
    const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
    for (const m of report.matchAll(global)) {
      const addr = m[1];
      if (!addr) continue;
      const at = m.index ?? 0;
      add(addr, report.slice(at, at + 600));
    }
  }
  if (found.size === 0) {
    // Last resort: any address in the report that is not ours or the reporting server's.
    for (const m of report.matchAll(ANY_ADDRESS)) {
      const at = m.index ?? 0;
      add(m[1]!, report.slice(at, at + 600));
    }
  }
  if (found.size === 0) {
    // Still nothing (Sendmail V5, qmail variants): the To of the returned message is where it
    // was going; its own report said why.
    const returned = [
      ...input.parts.filter((p) => /rfc822|global/.test(p.contentType)).map((p) => p.content.toString('utf8')),
      reportEnd > 0 ? text.slice(reportEnd) : '',
    ];
    for (const chunk of returned) {
      const head = chunk.replace(/\r\n?/g, '\n').replace(/\n[ \t]+/g, ' ');
      const to = /^to\s*:(.*)$/im.exec(head)?.[1];
      if (!to) continue;
      for (const m of to.matchAll(ANY_ADDRESS)) add(m[1]!, report);
      if (found.size > 0) break;
    }
  }
  return [...found.values()];
}

export function detectBounce(input: BounceInput): BounceInfo | null {
  const own = new Set<string>();
  for (const a of input.to) own.add(a.address.toLowerCase());
  if (input.from) own.add(input.from.address.toLowerCase());

  const statusParts = input.parts.filter((p) =>
    /^message\/(global-)?delivery-status$/.test(p.contentType),
  );
  const isReport =
    input.contentType === 'multipart/report' &&
    /delivery-status/i.test(input.contentTypeParams['report-type'] ?? 'delivery-status');

  let recipients: BounceRecipient[] = [];
  if (statusParts.length > 0) {
    recipients = statusParts.flatMap((p) => readDeliveryStatus(p.content.toString('utf8')));
  }
  if (recipients.length === 0 && !isReport && statusParts.length === 0) {
    const textual = looksLikeBounceSender(input.from) && (DAEMON_SUBJECT.test(input.subject) || BOUNCE_SUBJECT.test(input.subject) || DELAY_SUBJECT.test(input.subject) || /\b(undeliver|could not be delivered|couldn't be delivered|delivery (has )?failed|niet bezorgd|niet worden bezorgd|permanent (error|failure)|mailbox unavailable)/i.test(input.text));
    const subjectOnly = BOUNCE_SUBJECT.test(input.subject) && /\b(5\d\d|4\d\d)\b|\b[45]\.\d\.\d\b/.test(input.text);
    // Gateways that write neither a known subject nor a standard report (InterScan, au one net,
    // Apache James): a system sender, an SMTP reply code or an attached original, and a reason.
    const systemSender = looksLikeBounceSender(input.from) || isNoReplyAddress(input.from?.address);
    const evidence =
      SMTP_REPLY_CODE.test(input.text) || input.parts.some((p) => /^(message\/rfc822|text\/rfc822-headers)$/.test(p.contentType));
    const gateway = systemSender && evidence && FAILURE_REASON.test(input.text);
    if (!textual && !subjectOnly && !gateway) return null;
    recipients = readTextBounce(input, own);
  } else if (recipients.length === 0) {
    recipients = readTextBounce(input, own);
  }

  // Only failures and delays concern us; "delivered"/"relayed"/"expanded" entries are informative.
  // A report whose recipients cannot be read is still a bounce: the caller can match it on
  // originalMessageId / In-Reply-To, and must not answer it either way.
  const relevant = recipients.filter((r) => r.action !== 'delivered' && r.action !== 'relayed' && r.action !== 'expanded');
  if (relevant.length === 0 && recipients.length > 0) return null;
  const failed = (r: BounceRecipient) =>
    r.action === 'failed' || (r.action === null && r.status !== null && r.status.startsWith('5')) ||
    (r.status !== null && r.status.startsWith('5') && r.action !== 'delayed');
  return {
    recipients: relevant,
    originalMessageId: originalMessageIdIn(input.parts, input.text),
    permanent: relevant.length > 0 && relevant.every(failed),
  };
}
