/**
 * What test/support/global-setup.ts provides to the integration tests (vitest `inject`).
 */
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The private Dovecot: loopback host, port, its test users (plain passwords) and config file (doveadm -c). */
    dovecot: { host: string; port: number; users: { user: string; password: string }[]; configFile: string };
    /** imap://USER:PASS@HOST:PORT/INBOX of the first Dovecot user. */
    imapUrl: string;
    /** postgresql://…/rsvp_test_<random>: a fresh, empty (unmigrated) database, dropped after the run. */
    postgresUrl: string;
    /** postgresql://postgres@HOST:PORT/postgres: the server itself (127.0.0.1:5432 or a private one). */
    postgresServerUrl: string;
  }
}
