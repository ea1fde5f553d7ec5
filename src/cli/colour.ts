/**
 * Colours for the command line, only where a person reads them: stdout (or stderr) is a terminal
 * and NO_COLOR (https://no-color.org) is unset or empty. Piped output, files, CI logs and
 * `--json` get plain text, so scripts never see escape codes.
 */
export interface Colours {
  readonly enabled: boolean;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export interface ColourTarget {
  isTTY?: boolean;
}

/** Whether to colour what goes to `stream`, given the environment's NO_COLOR and FORCE_COLOR. */
export function colourWanted(stream: ColourTarget, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

const sgr = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

export function createColours(enabled: boolean): Colours {
  const plain = (text: string) => text;
  return {
    enabled,
    green: enabled ? sgr(32, 39) : plain,
    red: enabled ? sgr(31, 39) : plain,
    yellow: enabled ? sgr(33, 39) : plain,
    dim: enabled ? sgr(2, 22) : plain,
    bold: enabled ? sgr(1, 22) : plain,
  };
}

/** Escape sequences of SGR colours, for stripping and for tests. */
export const ANSI_PATTERN = /\x1b\[[0-9;]*m/g;
