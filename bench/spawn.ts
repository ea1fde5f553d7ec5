/**
 * Runs a benchmark step in a child process (bench/child.mjs on the built program, or a TypeScript
 * file through tsx) and reads its one JSON line, so that the step's time and memory are its own.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface Child {
  process: ChildProcess;
  /** Resolves with the first stdout line that equals `text`. */
  line(text: string, timeoutMs?: number): Promise<void>;
  /** Resolves with the JSON object of the last stdout line once the child exits with 0. */
  result<T>(): Promise<T>;
  stderr(): string;
}

export function startChild(args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const lineWaiters: { text: string; resolve: () => void }[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of [...lineWaiters]) {
      if (out.split('\n').includes(w.text)) {
        lineWaiters.splice(lineWaiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    process: child,
    line(text, timeoutMs = 120_000) {
      if (out.split('\n').includes(text)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`child did not say "${text}" in time: ${err.slice(-2000)}`)), timeoutMs);
        lineWaiters.push({ text, resolve: () => (clearTimeout(timer), resolve()) });
        void exited.then((code) => reject(new Error(`child exited (${code}) before "${text}": ${err.slice(-2000)}`)));
      });
    },
    async result<T>() {
      const code = await exited;
      if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code}: ${err.slice(-2000)}`);
      const last = out.trim().split('\n').pop() ?? '';
      return JSON.parse(last) as T;
    },
    stderr: () => err,
  };
}

/** bench/child.mjs MODE on the built program. */
export function runChild<T>(mode: string[], env: Record<string, string>): Promise<T> {
  return startChild(['bench/child.mjs', ...mode], env).result<T>();
}

/** A TypeScript bench file in a child process (through tsx). */
export function runTsChild<T>(file: string, args: string[], env: Record<string, string>): Promise<T> {
  return startChild(['--import', 'tsx', file, ...args], env).result<T>();
}
