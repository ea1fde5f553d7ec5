/**
 * retention: personal data is kept no longer than the config says (the AVG/GDPR applies to every
 * user). A set number of days after each event its messages lose their raw source and text, and
 * later its invitees and their RSVPs are anonymised; counts and states stay for the record.
 */
import type { App } from '../src/app.js';

const DAY = 24 * 3600_000;

export async function runRetention(app: App) {
  const { prisma } = app.db;
  const now = app.now();
  const { rawMessagesDays, anonymiseDays } = app.config.retention;
  const rawBefore = new Date(now.getTime() - rawMessagesDays * DAY);
  const anonymiseBefore = new Date(now.getTime() - anonymiseDays * DAY);

  const stripped = await prisma.inboundMessage.updateMany({
    // Messages of an event, counted from its end; messages of no event (automatic replies,
    // unmatched mail), from their arrival.
    where: { size: { gt: 0 }, OR: [{ event: { endsAt: { lt: rawBefore } } }, { eventId: null, receivedAt: { lt: rawBefore } }] },
    data: { raw: new Uint8Array(0), size: 0, replyText: null, subject: null, fromName: null },
  });
  const ended = await prisma.event.findMany({ where: { endsAt: { lt: anonymiseBefore } }, select: { id: true } });
  let anonymised = 0;
  for (const { id } of ended) {
    const people = await prisma.invitee.findMany({ where: { eventId: id, NOT: { email: { endsWith: '@anonymised.invalid' } } }, select: { id: true } });
    for (const person of people) {
      await prisma.$transaction([
        prisma.invitee.update({
          where: { id: person.id },
          data: { email: `${person.id}@anonymised.invalid`, name: null, attendees: [], bounceReason: null },
        }),
        prisma.rsvp.updateMany({ where: { inviteeId: person.id }, data: { attendees: [] } }),
        prisma.inboundMessage.updateMany({
          where: { inviteeId: person.id },
          data: { fromAddress: null, fromName: null, attendees: [], replyText: null, raw: new Uint8Array(0), size: 0 },
        }),
        prisma.outboundMail.updateMany({
          where: { inviteeId: person.id },
          data: { toAddress: `${person.id}@anonymised.invalid`, toName: null, text: '', html: '', ics: null },
        }),
      ]);
      anonymised++;
    }
  }
  return { rawRemoved: stripped.count, anonymised };
}
