/**
 * `rsvp forget EMAIL`: erases one person on request (AVG/GDPR art. 17); see src/privacy/forget.ts
 * for what is removed and what is cut out of other people's records.
 */
import type { App } from '../app.js';
import { type ForgetSummary, forgetPerson } from '../privacy/forget.js';

export async function runForget(app: App, email: string): Promise<ForgetSummary> {
  const summary = await forgetPerson(app.db.prisma, email, { provider: app.db.target.provider });
  // The address is masked in the log above debug level (src/log.ts); the counts are the record.
  app.logger.info({ ...summary }, 'person erased on request');
  return summary;
}
