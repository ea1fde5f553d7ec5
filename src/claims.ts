/**
 * Claims on rows (a message being processed, a mail being sent) name the process that holds
 * them as host:pid. A claim is stale when its holder is a process on this host that no longer
 * runs (a crash or kill -9: take over at once), or when it is older than the timeout (a
 * process on another host, which cannot be checked).
 */
import { hostname } from 'node:os';

export function isClaimStale(claimedBy: string | null, claimedAt: Date | null, now: Date, timeoutMs: number): boolean {
  if (!claimedBy || !claimedAt) return true;
  const sep = claimedBy.lastIndexOf(':');
  const host = claimedBy.slice(0, sep);
  const pid = Number(claimedBy.slice(sep + 1));
  if (host === hostname() && Number.isInteger(pid) && pid > 0) {
    if (pid === process.pid) return false;
    return !processRuns(pid);
  }
  return now.getTime() - claimedAt.getTime() > timeoutMs;
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
