/**
 * Debian's chromium for the browser test (test/web.test.ts), installed with apt-get when
 * /usr/bin/chromium is missing, as dovecot.ts installs Dovecot: the contract's `npm test` runs
 * on a fresh machine and brings what it needs. playwright-core drives it; it downloads no
 * browser of its own.
 */
import { execFile as execFileCb } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const execFile = promisify(execFileCb);

export const CHROMIUM = '/usr/bin/chromium';

/** The flags every launch uses: no sandbox (root in a container), and nothing that reaches out. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let installing: Promise<void> | null = null;

export function ensureChromium(): Promise<void> {
  installing ??= install();
  return installing;
}

async function install(): Promise<void> {
  if (existsSync(CHROMIUM)) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Waits for another apt-get (another test run, unattended upgrades) instead of failing at once.
  const apt = (...args: string[]) => execFile('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], { env, maxBuffer: 64 * 1024 * 1024 });
  try {
    await apt('install', '-y', '--no-install-recommends', 'chromium');
  } catch {
    // A fresh image has no package lists yet.
    await apt('update');
    await apt('install', '-y', '--no-install-recommends', 'chromium');
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing and apt-get could not install chromium`);
}
