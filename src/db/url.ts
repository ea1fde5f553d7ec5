/**
 * DATABASE_URL as the contract defines it: `file:PATH` (SQLite, the embedded default) or
 * `postgresql://user:pass@host:port/db`.
 */
export interface DatabaseTarget {
  provider: 'sqlite' | 'postgresql';
  url: string;
}

export class DatabaseUrlError extends Error {
  readonly code = 'EDBURL';
}

export function parseDatabaseUrl(url: string): DatabaseTarget {
  const trimmed = url.trim();
  if (/^file:/i.test(trimmed)) {
    if (trimmed.length <= 'file:'.length) throw new DatabaseUrlError('DATABASE_URL: file: needs a path, e.g. file:./data/rsvp.db');
    return { provider: 'sqlite', url: trimmed };
  }
  if (/^postgres(ql)?:\/\//i.test(trimmed)) {
    try {
      new URL(trimmed);
    } catch {
      throw new DatabaseUrlError('DATABASE_URL: not a valid postgresql:// URL');
    }
    return { provider: 'postgresql', url: trimmed };
  }
  throw new DatabaseUrlError('DATABASE_URL: expected file:PATH (SQLite) or postgresql://user:pass@host:port/db');
}

/** The file path of a `file:` URL (query string dropped), or ':memory:'. */
export function sqliteFileOf(url: string): string {
  const path = url.replace(/^file:/i, '').replace(/\?.*$/, '');
  return path === '' ? ':memory:' : path;
}

/** The URL with its password hidden, for logs and errors. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
