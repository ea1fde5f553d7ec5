/**
 * Keeps a long batch run's heap near what it holds. V8 lets the old generation grow lazily while
 * a process is busy, to about twice what is live (bench: 250 MB of heap for under 100 MB live
 * after 3,000 messages), and gives memory back only when the process goes idle; a poll working
 * through a backlog is never idle. So between batches, when the heap has grown past `limitMb`, a
 * full collection is run (a few tens of ms, once every few batches at most), which also returns
 * the freed pages to the system. `gc` is exposed at run time (v8.setFlagsFromString, then taken
 * from a new context), so no command-line flag is needed.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null | undefined;

function gcFunction(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    const existing = (globalThis as { gc?: () => void }).gc;
    if (typeof existing === 'function') return (collect = existing);
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  } catch {
    collect = null;
  }
  return collect;
}

/** Runs a full collection when the heap in use is above `limitMb`; returns whether it did. */
export function relieveHeap(limitMb = 64): boolean {
  if (getHeapStatistics().used_heap_size < limitMb * 1048576) return false;
  const gc = gcFunction();
  if (!gc) return false;
  gc();
  return true;
}
