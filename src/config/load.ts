/**
 * Reads the configuration once at start-up: the file (RSVP_CONFIG, else config/rsvp.yaml when it
 * exists, else the built-in defaults), the environment of the contract on top, then validation.
 * The only module that reads process.env.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type Config, configSchema } from './schema.js';

export class ConfigError extends Error {
  readonly code = 'ECONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig extends Config {
  /** The file read, or null for built-in defaults. */
  source: string | null;
  /** "now" for every command: RSVP_NOW when set, else the clock. */
  now: () => Date;
  /** A fixed instant from RSVP_NOW, or null. */
  fixedNow: Date | null;
  /** Absolute paths of the folders the service uses. */
  paths: { data: string; maildir: string; outbox: string };
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** An explicit file, as from --config. */
  file?: string;
}

export const DEFAULT_CONFIG_FILE = 'config/rsvp.yaml';

export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const named = options.file ?? env.RSVP_CONFIG;
  let source: string | null = null;
  let raw: unknown = {};
  if (named) {
    source = isAbsolute(named) ? named : resolve(cwd, named);
    if (!existsSync(source)) throw new ConfigError(`config file not found: ${source}`);
    raw = readYaml(source);
  } else if (existsSync(resolve(cwd, DEFAULT_CONFIG_FILE))) {
    source = resolve(cwd, DEFAULT_CONFIG_FILE);
    raw = readYaml(source);
  }
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${source}: expected a mapping of settings at the top level`);

  const merged = applyEnvironment(raw as Record<string, unknown>, env);
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.map(String).join('.') || '(top level)';
    const origin = envOrigin(issue.path.map(String), env);
    throw new ConfigError(`invalid config: ${origin ?? path}: ${issue.message}${source && !origin ? ` (in ${source})` : ''}`);
  }
  const config = result.data;

  let fixedNow: Date | null = null;
  if (env.RSVP_NOW) {
    const t = Date.parse(env.RSVP_NOW);
    if (Number.isNaN(t)) throw new ConfigError(`invalid RSVP_NOW: expected an ISO-8601 instant, got "${env.RSVP_NOW}"`);
    fixedNow = new Date(t);
  }
  const dataDir = resolve(cwd, config.dataDir);
  return {
    ...config,
    source,
    fixedNow,
    now: fixedNow ? () => new Date(fixedNow.getTime()) : () => new Date(),
    paths: {
      data: dataDir,
      maildir: resolve(cwd, config.mailbox.maildir),
      outbox: resolve(cwd, config.outbox.folder),
    },
  };
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file ${file}: ${(e as Error).message}`);
  }
  try {
    return parseYaml(text);
  } catch (e) {
    const first = (e as Error).message.split('\n')[0];
    throw new ConfigError(`config file ${file} is not valid YAML: ${first}`);
  }
}

/** The contract's environment variables and the config keys they override. */
const ENVIRONMENT: [variable: string, path: string[]][] = [
  ['DATABASE_URL', ['database', 'url']],
  ['IMAP_URL', ['mailbox', 'imapUrl']],
  ['SMTP_URL', ['outbox', 'smtpUrl']],
  ['MAIL_FROM', ['mailFrom']],
];

function applyEnvironment(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out = structuredClone(raw);
  for (const [variable, path] of ENVIRONMENT) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    let node = out as Record<string, unknown>;
    for (const key of path.slice(0, -1)) {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = value;
  }
  return out;
}

function envOrigin(path: string[], env: NodeJS.ProcessEnv): string | null {
  for (const [variable, keyPath] of ENVIRONMENT) {
    if (env[variable] && keyPath.join('.') === path.join('.')) return variable;
  }
  return null;
}

/** The address part of mailFrom. */
export function mailFromAddress(config: Pick<Config, 'mailFrom'>): { address: string; name: string | null } {
  const m = /^(?:"?([^"<]*?)"?\s*)?<([^<>\s]+)>$/.exec(config.mailFrom);
  if (m) return { address: m[2]!.toLowerCase(), name: m[1]?.trim() || null };
  return { address: config.mailFrom.toLowerCase(), name: null };
}
