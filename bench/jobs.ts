/**
 * The sending jobs at size: invitations to 2,000 invitees (beside nodemailer sending the same
 * rendered invitation as often over the same pooled SMTP), and the digest of an event with 5,000
 * invitees, some of whom answered. Each runs in a process of its own (bench/child.mjs).
 */
import type { SmtpReceiver } from '../test/support/smtp-receiver.js';
import type { Provider } from '../test/support/databases.js';
import { benchEnv, seededDatabase } from './poll.js';
import { runChild } from './spawn.js';

export interface InviteFigures {
  invitations: number;
  sent: number;
  seconds: number;
  perSecond: number;
  referencePerSecond: number;
  peakRssMb: number;
}

export async function benchInvite(receiver: SmtpReceiver, count: number, provider: Provider = 'sqlite'): Promise<InviteFigures> {
  const db = await seededDatabase(provider, count);
  try {
    receiver.clear();
    const r = await runChild<{ seconds: number; referenceSeconds: number; summary: { invitations: number; sent: number }; peakRssMb: number }>(
      ['invite', 'dialoog-2026'],
      benchEnv(db.url, null, receiver.url()),
    );
    return {
      invitations: r.summary.invitations,
      sent: r.summary.sent,
      seconds: r.seconds,
      perSecond: r.summary.sent / r.seconds,
      referencePerSecond: r.summary.invitations / r.referenceSeconds,
      peakRssMb: r.peakRssMb,
    };
  } finally {
    await db.drop();
  }
}

export interface DigestFigures {
  invitees: number;
  digests: number;
  seconds: number;
  htmlKb: number;
  peakRssMb: number;
}

export async function benchDigest(receiver: SmtpReceiver, count: number, provider: Provider = 'sqlite'): Promise<DigestFigures> {
  const db = await seededDatabase(provider, count, async (app) => {
    // A quarter each accepted, declined, tentative and not answered; every answer in the history.
    const { prisma } = app.db;
    const event = await prisma.event.findFirstOrThrow();
    const invitees = await prisma.invitee.findMany({ select: { id: true }, orderBy: { email: 'asc' } });
    const statuses = ['accepted', 'declined', 'tentative', 'invited'] as const;
    for (const [k, status] of statuses.entries()) {
      const ids = invitees.filter((_, i) => i % 4 === k).map((i) => i.id);
      for (let s = 0; s < ids.length; s += 500) {
        const chunk = ids.slice(s, s + 500);
        await prisma.invitee.updateMany({
          where: { id: { in: chunk } },
          data: { status, invitedAt: app.now(), ...(status === 'invited' ? {} : { respondedAt: app.now(), partySize: status === 'declined' ? 0 : 1 }) },
        });
        if (status !== 'invited') {
          await prisma.rsvp.createMany({
            data: chunk.map((inviteeId) => ({
              eventId: event.id,
              inviteeId,
              fromStatus: 'invited',
              toStatus: status,
              partySize: status === 'declined' ? 0 : 1,
              attendees: [],
              statedAt: app.now(),
              recordedAt: app.now(),
              source: 'email',
              reasons: [],
            })),
          });
        }
      }
    }
  });
  try {
    receiver.clear();
    const r = await runChild<{ seconds: number; summary: { digests: number }; htmlKb: number; peakRssMb: number }>(['digest'], benchEnv(db.url, null, receiver.url()));
    return { invitees: count, digests: r.summary.digests, seconds: r.seconds, htmlKb: r.htmlKb, peakRssMb: r.peakRssMb };
  } finally {
    await db.drop();
  }
}
