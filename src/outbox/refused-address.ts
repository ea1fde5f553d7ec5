/**
 * An SMTP server that refuses a recipient for good says so with a 5yz reply at RCPT or after DATA
 * (RFC 5321 §4.2.1). When the reply is about the address itself, the address is treated as a
 * bounce would treat it (src/inbound/process.ts): it is suppressed, and the invitee who has it is
 * marked bounced, so that no reminder or later mail goes to it and the coordinators see it in the
 * list, the review queue and the digest.
 */
import type { Prisma, PrismaClient } from '../db/client.js';
import { SendError } from '../sender/types.js';

type Tx = Prisma.TransactionClient | PrismaClient;

/**
 * Whether a permanent refusal is about the recipient's address rather than this message. With an
 * enhanced status code (RFC 3463) that code decides: 5.1.x is an address problem (bad mailbox,
 * bad domain), 5.2.1 a disabled mailbox; 5.7.x (policy, spam) and the others are about the message
 * or the sender. Without one, the basic reply code: 550 (mailbox unavailable), 551 (user not
 * local) and 553 (mailbox name not allowed) (RFC 5321 §4.2.2, §4.2.3).
 */
export function isAddressRefusal(error: SendError): boolean {
  if (error.code !== 'EPERMANENT') return false;
  const enhanced = /\b5\.(\d{1,3})\.(\d{1,3})\b/.exec(error.message);
  if (enhanced) return enhanced[1] === '1' || (enhanced[1] === '2' && enhanced[2] === '1');
  return error.responseCode === 550 || error.responseCode === 551 || error.responseCode === 553;
}

/** Suppresses the address and marks its invitees bounced, inside the caller's transaction. */
export async function markRefusedAddress(tx: Tx, address: string, error: SendError, now: Date): Promise<void> {
  const email = address.toLowerCase();
  const reason = error.message.slice(0, 500);
  await tx.suppression.upsert({
    where: { email },
    create: { email, reason: 'smtp_refused', detail: reason, createdAt: now },
    update: {},
  });
  await tx.invitee.updateMany({
    where: { email, status: { in: ['not_invited', 'invited', 'needs_review'] } },
    data: { status: 'bounced', bouncedAt: now, bounceReason: reason },
  });
  await tx.invitee.updateMany({ where: { email, bouncedAt: null }, data: { bouncedAt: now, bounceReason: reason } });
}
