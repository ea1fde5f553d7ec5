/**
 * Progress bars for long work (invitee imports, invitations, a poll with a backlog), drawn on
 * stderr and only on a terminal: stdout stays the command's result (and `--json` stays JSON),
 * and a log file or CI run gets no carriage-return noise. The jobs know nothing of terminals;
 * they call an optional onProgress(done, total) and this module draws it.
 */
export interface ProgressTarget {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): unknown;
}

export interface Progress {
  /** `total` null: the amount is not known in advance (a count is shown instead of a bar). */
  update(done: number, total: number | null): void;
  /** Starts a new stage on the same line, e.g. "storing" → "processing". */
  stage(label: string): void;
  /** Clears the line; what follows is printed where the bar was. */
  finish(): void;
}

const NONE: Progress = { update() {}, stage() {}, finish() {} };

/** One line of a bar: "invite  [#########.........]  45/100  45%". Pure, for tests. */
export function formatProgress(label: string, done: number, total: number | null, width = 80): string {
  if (total === null || total <= 0) return `${label}  ${done}`;
  const shown = Math.min(done, total);
  const counts = `${shown}/${total}`;
  const percent = `${Math.floor((shown / total) * 100)}%`.padStart(4);
  const room = Math.max(10, Math.min(40, width - label.length - counts.length - percent.length - 8));
  const filled = Math.round((shown / total) * room);
  return `${label}  [${'#'.repeat(filled)}${'.'.repeat(room - filled)}]  ${counts} ${percent}`;
}

export interface ProgressOptions {
  stream: ProgressTarget;
  /** Redraw at most this often (ms); the last state is always drawn on finish. */
  intervalMs?: number;
  /** Injectable clock for tests. */
  clock?: () => number;
}

/** A bar on a terminal, nothing otherwise. Nothing is drawn for work that ends within a redraw. */
export function createProgress(label: string, options: ProgressOptions): Progress {
  const { stream } = options;
  if (stream.isTTY !== true) return NONE;
  const interval = options.intervalMs ?? 100;
  const clock = options.clock ?? Date.now;
  let current = label;
  let lastDraw = clock();
  let drawn = false;
  // A pseudo-terminal without a size (script, some CI runners) reports 0 columns.
  const width = () => (stream.columns && stream.columns >= 20 ? stream.columns : 80);
  const draw = (line: string) => {
    stream.write(`\r${line.slice(0, width() - 1)}\x1b[K`);
    drawn = true;
  };
  return {
    update(done, total) {
      const now = clock();
      if (now - lastDraw < interval && !(total !== null && done >= total && drawn)) return;
      lastDraw = now;
      draw(formatProgress(current, done, total, width()));
    },
    stage(next) {
      current = next;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
