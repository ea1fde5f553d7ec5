/**
 * The `rsvp` command line of ../shared/CONTRACT.md. Each command loads the config once, builds
 * what it needs through the composition root, runs one job and prints its summary. Failures end
 * with a non-zero exit and one line on stderr; --verbose adds the stack.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command, CommanderError } from 'commander';
import { type LoadedConfig, loadConfig } from '../config/load.js';
import { createLogger } from '../log.js';
import { type App, createApp } from '../app.js';
import { parseDatabaseUrl, redactUrl } from '../db/url.js';
import { parseEventFile } from '../core/event-file.js';
import { parseInviteeCsv } from '../core/invitee-csv.js';
import { importEvent, importInvitees, listInvitees } from '../events/events.js';
import { runPoll } from '../../jobs/poll.js';
import { runSend } from '../../jobs/send.js';
import { runInvite } from '../../jobs/invite.js';
import { runRemind } from '../../jobs/remind.js';
import { runDigest } from '../../jobs/digest.js';
import { runWorker } from '../../jobs/worker.js';
import { runRetention } from '../../jobs/retention.js';
import { runEventCancel, runEventUpdate } from '../../jobs/event-change.js';
import { classifyFiles } from './classify.js';
import { runDemo } from './demo.js';
import { formatTable } from './table.js';
import { listSchedules, readStatus } from './status.js';
import { listReview, resolveReview, type ResolveAs } from '../review/review.js';
import { addExportCommand } from './export.js';

/** A failure the user can act on: printed as its message alone. */
export class UserError extends Error {
  readonly code = 'EUSAGE';
}

interface GlobalOptions {
  config?: string;
  verbose?: boolean;
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  let verbose = argv.includes('--verbose');
  program
    .name('rsvp')
    .description('Reads RSVP replies from the organiser\'s mailbox, records them and answers them.')
    .option('--config <file>', 'config file (default: RSVP_CONFIG, else config/rsvp.yaml)')
    .option('--verbose', 'log debug detail and print stack traces of failures')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  const config = (): LoadedConfig => {
    const opts = program.opts<GlobalOptions>();
    verbose = !!opts.verbose;
    return loadConfig(opts.config ? { file: opts.config } : {});
  };
  const withApp = async <T>(work: (app: App) => Promise<T>): Promise<T> => {
    const loaded = config();
    const logger = createLogger({ level: verbose ? 'debug' : loaded.logging.level === 'info' ? 'warn' : loaded.logging.level });
    const app = await createApp(loaded, logger);
    try {
      return await work(app);
    } finally {
      await app.close();
    }
  };
  const print = (line: string) => process.stdout.write(line + '\n');

  const db = program.command('db').description('database migrations');
  db.command('migrate')
    .description('apply pending migrations to DATABASE_URL (SQLite file or PostgreSQL)')
    .action(async () => {
      const { applyMigrations, ensurePostgresDatabase } = await import('../db/schema-engine.js');
      const url = config().database.url;
      const target = parseDatabaseUrl(url);
      if (target.provider === 'postgresql' && (await ensurePostgresDatabase(url))) print(`created database ${redactUrl(url)}`);
      const applied = await applyMigrations(target);
      print(applied.length ? `applied ${applied.length} migration(s) to ${redactUrl(url)}: ${applied.join(', ')}` : `${redactUrl(url)} is up to date`);
    });
  db.command('status')
    .description('list migrations the database has not applied')
    .action(async () => {
      const { migrationStatus } = await import('../db/schema-engine.js');
      const url = config().database.url;
      const status = await migrationStatus(parseDatabaseUrl(url));
      if (status.failed.length) throw new UserError(`failed migrations in ${redactUrl(url)}: ${status.failed.join(', ')}`);
      print(status.pending.length ? `pending: ${status.pending.join(', ')}` : `${redactUrl(url)} is up to date`);
    });
  db.command('check')
    .description('fail when prisma/schema.prisma has changes that no migration covers (both providers)')
    .option('--postgres <url>', 'PostgreSQL server for the shadow database', 'postgresql://postgres@127.0.0.1:5432/postgres')
    .action(async (opts: { postgres: string }) => {
      const { diffMigrationsToSchema } = await import('../db/schema-engine.js');
      const missing: string[] = [];
      for (const url of ['file::memory:', opts.postgres]) {
        const target = parseDatabaseUrl(url);
        const sql = await diffMigrationsToSchema(target);
        if (sql) missing.push(`${target.provider}:\n${sql}`);
      }
      if (missing.length) {
        process.stderr.write(missing.join('\n'));
        throw new UserError('prisma/schema.prisma has changes with no migration: run `rsvp db diff --create NAME`');
      }
      print('migrations match prisma/schema.prisma on sqlite and postgresql');
    });
  db.command('diff')
    .description('print the SQL that would bring the migrations up to prisma/schema.prisma; --create writes it as a migration')
    .option('--create <name>', 'write the difference as a new migration for both providers')
    .option('--postgres <url>', 'PostgreSQL server for the shadow database', 'postgresql://postgres@127.0.0.1:5432/postgres')
    .action(async (opts: { create?: string; postgres: string }) => {
      const { createMigration, diffMigrationsToSchema } = await import('../db/schema-engine.js');
      for (const url of ['file::memory:', opts.postgres]) {
        const target = parseDatabaseUrl(url);
        if (opts.create) {
          const dir = await createMigration(target, opts.create);
          print(dir ? `wrote ${dir}` : `${target.provider}: no changes`);
        } else {
          print(`-- ${target.provider}\n${(await diffMigrationsToSchema(target)) || '-- no changes\n'}`);
        }
      }
    });

  const event = program.command('event').description('events');
  event
    .command('import <file>')
    .description('create an event from a YAML file, or update it by its slug (a new time or place is sent to who may come)')
    .action(async (file: string) => {
      const parsed = parseEventFile(await readText(file));
      if (!parsed.ok) throw new UserError(problemsLine(file, parsed.problems));
      await withApp(async (app) => {
        const result = await importEvent(app.db.prisma, parsed.value, app.organiser.address, app.now());
        print(`${result.created ? 'created' : 'updated'} event ${result.slug}${result.rescheduled ? ' (time or place changed)' : ''}`);
        if (result.previous) print(summaryLine('update', await runEventUpdate(app, result.slug, result.previous)));
      });
    });
  event
    .command('cancel <slug>')
    .description('cancel the event: everyone who accepted, may come or waits for a place gets METHOD:CANCEL')
    .option('--reason <text>', 'a sentence for the mail')
    .action(async (slug: string, opts: { reason?: string }) => {
      await withApp(async (app) => print(summaryLine('cancel', await runEventCancel(app, slug, opts.reason ?? null))));
    });

  program
    .command('invitees')
    .description('invitee lists')
    .command('import <file>')
    .description('add or update invitees from a CSV file (email, name, organisation; , or ; separated)')
    .requiredOption('--event <slug>', 'the event')
    .action(async (file: string, opts: { event: string }) => {
      const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
        throw new UserError(`cannot read ${file}: ${e.code ?? e.message}`);
      });
      const parsed = parseInviteeCsv(bytes);
      if (!parsed.ok) throw new UserError(problemsLine(file, parsed.problems));
      await withApp(async (app) => {
        const r = await importInvitees(app.db.prisma, opts.event, parsed.value, app.now());
        print(`${opts.event}: ${r.added} added, ${r.updated} updated, ${r.unchanged} unchanged`);
      });
    });

  program
    .command('invite')
    .description('send the invitation to every invitee who has not had it yet')
    .requiredOption('--event <slug>', 'the event')
    .action(async (opts: { event: string }) => {
      await withApp(async (app) => print(summaryLine('invite', await runInvite(app, opts.event))));
    });

  program
    .command('poll')
    .description('process every new message in the mailbox and send what is due as a result')
    .option('--once', 'run once and exit (the only mode; the worker polls on its schedule)')
    .action(async () => {
      await withApp(async (app) => print(summaryLine('poll', await runPoll(app))));
    });

  program
    .command('send')
    .description('send every outbox mail that is due, including retries')
    .option('--once', 'run once and exit')
    .action(async () => {
      await withApp(async (app) => print(summaryLine('send', await runSend(app))));
    });

  program
    .command('remind')
    .description('send every reminder that is due at "now"')
    .option('--once', 'run once and exit')
    .action(async () => {
      await withApp(async (app) => print(summaryLine('remind', await runRemind(app))));
    });

  program
    .command('digest')
    .description('send each coordinator the digest that is due at "now"')
    .option('--once', 'run once and exit')
    .action(async () => {
      await withApp(async (app) => print(summaryLine('digest', await runDigest(app))));
    });

  program
    .command('retention')
    .description("remove raw messages and anonymise people the configured number of days after each event")
    .option('--once', 'run once and exit')
    .action(async () => {
      await withApp(async (app) => print(summaryLine('retention', await runRetention(app))));
    });

  program
    .command('worker')
    .description('run the schedules from the config until SIGTERM/SIGINT')
    .action(async () => {
      const loaded = config();
      const logger = createLogger({ level: verbose ? 'debug' : loaded.logging.level });
      const app = await createApp(loaded, logger);
      try {
        await runWorker(app);
      } finally {
        await app.close();
      }
    });

  program
    .command('list')
    .description("the event's invitees and respondents")
    .requiredOption('--event <slug>', 'the event')
    .option('--json', 'a JSON array (the contract\'s shape)')
    .action(async (opts: { event: string; json?: boolean }) => {
      await withApp(async (app) => {
        const rows = await listInvitees(app.db.prisma, opts.event);
        if (opts.json) print(JSON.stringify(rows));
        else print(formatTable(rows));
      });
    });

  addExportCommand(program, withApp);

  program
    .command('status')
    .description('last poll and error per mailbox, queue sizes, open review items, next schedule runs')
    .option('--json', 'as JSON')
    .action(async (opts: { json?: boolean }) => {
      await withApp(async (app) => {
        const status = await readStatus(app);
        if (opts.json) return print(JSON.stringify(status));
        print(`now ${status.now}, database ${status.database}`);
        if (status.mailboxes.length === 0) print('mailbox: not polled yet');
        for (const m of status.mailboxes) {
          print(`mailbox ${m.mailbox}: last poll ${m.lastPollAt ?? 'never'}, last success ${m.lastSuccessAt ?? 'never'}${m.lastError ? `, last error ${m.lastErrorAt}: ${m.lastError}` : ''}`);
        }
        const list = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
        print(`messages: ${list(status.messages)}`);
        print(`outbox: ${list(status.outbox)}`);
        print(`review queue: ${status.openReviewItems} open`);
        for (const s of status.schedules) print(`schedule ${s.name.padEnd(9)} ${s.cron.padEnd(14)} next ${s.next ?? 'never'}`);
      });
    });

  program
    .command('schedules')
    .description('each schedule of the config with its next run')
    .option('--json', 'as JSON')
    .action((opts: { json?: boolean }) => {
      const rows = listSchedules(config());
      if (opts.json) {
        print(JSON.stringify(rows));
        return;
      }
      for (const s of rows) print(`${s.name.padEnd(9)} ${s.cron.padEnd(14)} ${s.timezone}  next ${s.next ?? 'never'}`);
    });

  const review = program
    .command('review')
    .description("the coordinators' review queue: what the service was unsure of, and why")
    .option('--event <slug>', 'only this event')
    .option('--all', 'resolved items too')
    .option('--json', 'a JSON array')
    .action(async (opts: { event?: string; all?: boolean; json?: boolean }) => {
      await withApp(async (app) => {
        const rows = await listReview(app, opts);
        if (opts.json) return print(JSON.stringify(rows));
        if (rows.length === 0) return print('the review queue is empty');
        for (const r of rows) {
          print(`${r.id}  ${r.createdAt.slice(0, 16).replace('T', ' ')}  ${r.reason}${r.event ? `  [${r.event}]` : ''}  ${r.from ?? ''}`);
          if (r.detail) print(`    why: ${r.detail}`);
          if (r.replyText) print(`    text: ${r.replyText.replace(/\s+/g, ' ').slice(0, 200)}`);
        }
        print(`\n${rows.length} item(s). Resolve one with: rsvp review resolve ID --as accept|decline|tentative|ignore [--size N]`);
      });
    });
  review
    .command('resolve <id>')
    .description('act on a review item as decided: record the answer and send its confirmation, or set it aside')
    .requiredOption('--as <decision>', 'accept, decline, tentative or ignore')
    .option('--size <n>', 'how many people come')
    .option('--names <list>', 'who comes, comma-separated')
    .option('--event <slug>', 'the event, when the item has none')
    .action(async (id: string, opts: { as: string; size?: string; names?: string; event?: string }) => {
      if (!['accept', 'decline', 'tentative', 'ignore'].includes(opts.as)) throw new UserError(`--as must be accept, decline, tentative or ignore, not "${opts.as}"`);
      const size = opts.size === undefined ? null : Number(opts.size);
      if (size !== null && (!Number.isInteger(size) || size < 0 || size > 1000)) throw new UserError(`--size must be a whole number of people, not "${opts.size}"`);
      const names = opts.names ? opts.names.split(',').map((n) => n.trim()).filter(Boolean) : null;
      await withApp(async (app) => {
        print(await resolveReview(app, id, { as: opts.as as ResolveAs, size, names, event: opts.event ?? null }));
        const sent = await runSend(app);
        if (sent.sent || sent.retrying) print(summaryLine('send', sent));
      });
    });

  program
    .command('classify <files...>')
    .description('classify messages; touches neither the database nor the mailbox')
    .option('--json', 'one JSON object per file, one per line')
    .action(async (files: string[], opts: { json?: boolean }) => {
      const loaded = config();
      let failed = 0;
      for await (const row of classifyFiles(files, { rules: loaded.rules.extra })) {
        if ('error' in row) {
          failed++;
          process.stderr.write(`rsvp: ${row.file}: ${row.error}\n`);
          continue;
        }
        if (opts.json) print(JSON.stringify(row));
        else print(`${basename(row.file)}: ${row.kind}${row.intent ? ` ${row.intent}` : ''}${row.partySize !== null ? ` (${row.partySize})` : ''} ${row.attendees.join(', ')} [${row.confidence.toFixed(2)}]`);
      }
      if (failed) throw new UserError(`${failed} of ${files.length} file(s) could not be read`);
    });

  program
    .command('demo')
    .description("the seed's consultation end to end on the embedded defaults")
    .action(async () => {
      await runDemo({ verbose, print });
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    const err = e as Error & { code?: string };
    if (verbose && err.stack) process.stderr.write(err.stack + '\n');
    process.stderr.write(`rsvp: ${oneLine(err)}\n`);
    return 1;
  }
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function problemsLine(file: string, problems: { line: number | null; message: string }[]): string {
  const shown = problems.slice(0, 3).map((p) => (p.line ? `line ${p.line}: ${p.message}` : p.message));
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
  return `${file}: ${shown.join('; ')}${more}`;
}

function summaryLine(task: string, summary: object): string {
  return `${task}: ${Object.entries(summary)
    .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ')}`;
}

function oneLine(err: Error): string {
  const lines = (err?.message ?? String(err)).split('\n').map((l) => l.trim()).filter(Boolean);
  // Prisma's messages start with "Invalid `prisma.x.y()` invocation:" and end with the cause.
  const call = /^Invalid `(.+)` invocation/.exec(lines[0] ?? '');
  if (call && lines.length > 1) return `database error in ${call[1]}: ${lines[lines.length - 1]}`;
  return lines[0] ?? 'unknown error';
}
