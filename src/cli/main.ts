/**
 * The `rsvp` command line of ../shared/CONTRACT.md. Each command loads the config once, builds
 * what it needs through the composition root, runs one job and prints its summary. Failures end
 * with a non-zero exit and one line on stderr; --verbose adds the stack.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { type LoadedConfig, loadConfig, mailFromAddress } from '../config/load.js';
import { createLogger } from '../log.js';
import { type App, createApp } from '../app.js';
import { parseDatabaseUrl, redactUrl } from '../db/url.js';
import { parseEventFile } from '../core/event-file.js';
import { parseInviteeCsv } from '../core/invitee-csv.js';
import { findEvent, importEvent, importInvitees, listInvitees } from '../events/events.js';
import { printable } from './printable.js';
// Jobs and the heavier commands are imported when their command runs: a CLI start then loads
// only what the command needs (about half the start-up time of `rsvp list` or `rsvp status`).
import { formatTable } from './table.js';
import { listSchedules, readStatus } from './status.js';
import { listReview, resolveReview, type ResolveAs } from '../review/review.js';
import { addExportCommand } from './export.js';
import { addWebCommand } from './web.js';
import { colourWanted, createColours } from './colour.js';
import { createProgress, type Progress } from './progress.js';
import { addExamples, hintFor } from './help.js';
import { PREVIEW_TEMPLATES, chooseTemplates, eventFromFile, realPeople, samplePeople, writePreviews } from './preview.js';
import { createMailRenderer } from '../mail/templates.js';

/** A failure the user can act on: printed as its message alone. */
export class UserError extends Error {
  readonly code = 'EUSAGE';
}

interface GlobalOptions {
  config?: string;
  verbose?: boolean;
}

export async function main(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const program = new Command();
  let verbose = argv.includes('--verbose');
  let exitCode = 0;
  const colours = createColours(colourWanted(process.stdout, env));
  const errColours = createColours(colourWanted(process.stderr, env));
  /** A bar on stderr, on a terminal only, and none with --json. */
  const progress = (label: string, json?: boolean): Progress => createProgress(label, { stream: json ? { write: () => true } : process.stderr });
  program
    .name('rsvp')
    .description('Reads RSVP replies from the organiser\'s mailbox, records them and answers them.')
    .option('--config <file>', 'config file (default: RSVP_CONFIG, else config/rsvp.yaml)')
    .option('--verbose', 'log debug detail and print stack traces of failures')
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // Usage mistakes (a missing option, an unknown command) stay one line, with where to look.
      outputError: (s, write) => write(`${s.trim().replace(/\s*\n\s*/g, ' ')} (--help shows the options and examples)\n`),
    });

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
    } catch (e) {
      throw await withKnownEvents(app, e);
    } finally {
      await app.close();
    }
  };
  const print = (line: string): void => {
    process.stdout.write(line + '\n');
  };
  /** A job's summary: one line for people, or the object as JSON. */
  const report = (task: string, summary: object, json?: boolean) => print(json ? JSON.stringify(summary) : summaryLine(task, summary));

  const db = program.command('db').description('database migrations');
  db.command('migrate')
    .description('apply pending migrations to DATABASE_URL (SQLite file or PostgreSQL)')
    .option('--json', 'the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { applyMigrations, ensurePostgresDatabase } = await import('../db/schema-engine.js');
      const url = config().database.url;
      const target = parseDatabaseUrl(url);
      const created = target.provider === 'postgresql' && (await ensurePostgresDatabase(url));
      if (created && !opts.json) print(`created database ${redactUrl(url)}`);
      const applied = await applyMigrations(target);
      if (opts.json) return print(JSON.stringify({ database: redactUrl(url), created, applied }));
      print(applied.length ? `applied ${applied.length} migration(s) to ${redactUrl(url)}: ${applied.join(', ')}` : `${redactUrl(url)} is up to date`);
    });
  db.command('status')
    .description('list migrations the database has not applied')
    .option('--json', 'the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { migrationStatus } = await import('../db/schema-engine.js');
      const url = config().database.url;
      const status = await migrationStatus(parseDatabaseUrl(url));
      if (opts.json) print(JSON.stringify({ database: redactUrl(url), ...status }));
      if (status.failed.length) throw new UserError(`failed migrations in ${redactUrl(url)}: ${status.failed.join(', ')}`);
      if (!opts.json) print(status.pending.length ? `pending: ${status.pending.join(', ')}` : `${redactUrl(url)} is up to date`);
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
    .option('--json', 'the result as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const parsed = parseEventFile(await readText(file));
      if (!parsed.ok) throw new UserError(problemsLine(file, parsed.problems));
      await withApp(async (app) => {
        const result = await importEvent(app.db.prisma, parsed.value, app.organiser.address, app.now());
        if (!opts.json) print(`${result.created ? 'created' : 'updated'} event ${result.slug}${result.rescheduled ? ' (time or place changed)' : ''}`);
        const update = result.previous ? await (await import('../../jobs/event-change.js')).runEventUpdate(app, result.slug, result.previous) : null;
        if (opts.json) return print(JSON.stringify({ event: result.slug, created: result.created, rescheduled: result.rescheduled, update }));
        if (update) print(summaryLine('update', update));
      });
    });
  event
    .command('cancel <slug>')
    .description('cancel the event: everyone who accepted, may come or waits for a place gets METHOD:CANCEL')
    .option('--reason <text>', 'a sentence for the mail')
    .option('--json', 'the summary as JSON')
    .action(async (slug: string, opts: { reason?: string; json?: boolean }) => {
      await withApp(async (app) => report('cancel', await (await import('../../jobs/event-change.js')).runEventCancel(app, slug, opts.reason ?? null), opts.json));
    });

  program
    .command('invitees')
    .description('invitee lists')
    .command('import <file>')
    .description('add or update invitees from a CSV file (email, name, organisation; , or ; separated)')
    .requiredOption('--event <slug>', 'the event')
    .option('--json', 'the result as JSON')
    .action(async (file: string, opts: { event: string; json?: boolean }) => {
      const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
        throw new UserError(`cannot read ${file}: ${e.code ?? e.message}`);
      });
      const parsed = parseInviteeCsv(bytes);
      if (!parsed.ok) throw new UserError(problemsLine(file, parsed.problems));
      await withApp(async (app) => {
        const bar = progress('importing', opts.json);
        const r = await importInvitees(app.db.prisma, opts.event, parsed.value, app.now(), { onProgress: (done, total) => bar.update(done, total) }).finally(() => bar.finish());
        if (opts.json) return print(JSON.stringify({ event: opts.event, ...r }));
        print(`${opts.event}: ${r.added} added, ${r.updated} updated, ${r.unchanged} unchanged`);
      });
    });

  program
    .command('invite')
    .description('send the invitation to every invitee who has not had it yet')
    .requiredOption('--event <slug>', 'the event')
    .option('--json', 'the summary as JSON')
    .action(async (opts: { event: string; json?: boolean }) => {
      await withApp(async (app) => {
        const bar = progress('inviting', opts.json);
        const summary = await (await import('../../jobs/invite.js')).runInvite(app, opts.event, { onProgress: (done, total) => bar.update(done, total) }).finally(() => bar.finish());
        report('invite', summary, opts.json);
      });
    });

  program
    .command('poll')
    .description('process every new message in the mailbox and send what is due as a result')
    .option('--once', 'run once and exit (the only mode; the worker polls on its schedule)')
    .option('--json', 'the summary as JSON')
    .action(async (opts: { json?: boolean }) => {
      await withApp(async (app) => {
        const bar = progress('storing', opts.json);
        let stage = 'storing';
        const onProgress = (now: string, done: number, total: number | null) => {
          if (now !== stage) bar.stage((stage = now));
          bar.update(done, total);
        };
        const summary = await (await import('../../jobs/poll.js')).runPoll(app, { onProgress }).finally(() => bar.finish());
        report('poll', summary, opts.json);
      });
    });

  program
    .command('send')
    .description('send every outbox mail that is due, including retries')
    .option('--once', 'run once and exit')
    .option('--json', 'the summary as JSON')
    .action(async (opts: { json?: boolean }) => {
      await withApp(async (app) => report('send', await (await import('../../jobs/send.js')).runSend(app), opts.json));
    });

  program
    .command('remind')
    .description('send every reminder that is due at "now"')
    .option('--once', 'run once and exit')
    .option('--json', 'the summary as JSON')
    .action(async (opts: { json?: boolean }) => {
      await withApp(async (app) => report('remind', await (await import('../../jobs/remind.js')).runRemind(app), opts.json));
    });

  program
    .command('digest')
    .description('send each coordinator the digest that is due at "now"')
    .option('--once', 'run once and exit')
    .option('--json', 'the summary as JSON')
    .action(async (opts: { json?: boolean }) => {
      await withApp(async (app) => report('digest', await (await import('../../jobs/digest.js')).runDigest(app), opts.json));
    });

  program
    .command('retention')
    .description("remove raw messages and anonymise people the configured number of days after each event")
    .option('--once', 'run once and exit')
    .option('--json', 'the summary as JSON')
    .action(async (opts: { json?: boolean }) => {
      await withApp(async (app) => report('retention', await (await import('../../jobs/retention.js')).runRetention(app), opts.json));
    });

  program
    .command('forget <email>')
    .description("erase one person (AVG/GDPR art. 17): invitee rows, RSVPs, their messages, mails to them, review items; their address and names cut out of other records")
    .option('--json', 'the counts as JSON')
    .action(async (email: string, opts: { json?: boolean }) => {
      await withApp(async (app) => report('forget', await (await import('./forget.js')).runForget(app, email), opts.json));
    });

  program
    .command('worker')
    .description('run the schedules from the config until SIGTERM/SIGINT')
    .action(async () => {
      const loaded = config();
      const logger = createLogger({ level: verbose ? 'debug' : loaded.logging.level });
      const app = await createApp(loaded, logger);
      try {
        await (await import('../../jobs/worker.js')).runWorker(app);
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
  addWebCommand(program, withApp);

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
          print(`${r.id}  ${r.createdAt.slice(0, 16).replace('T', ' ')}  ${r.reason}${r.event ? `  [${r.event}]` : ''}  ${printable(r.from ?? '')}`);
          if (r.detail) print(`    why: ${printable(r.detail)}`);
          if (r.replyText) print(`    text: ${printable(r.replyText.replace(/\s+/g, ' ')).slice(0, 200)}`);
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
    .option('--json', 'the result as JSON')
    .action(async (id: string, opts: { as: string; size?: string; names?: string; event?: string; json?: boolean }) => {
      if (!['accept', 'decline', 'tentative', 'ignore'].includes(opts.as)) throw new UserError(`--as must be accept, decline, tentative or ignore, not "${opts.as}"`);
      const size = opts.size === undefined ? null : Number(opts.size);
      if (size !== null && (!Number.isInteger(size) || size < 0 || size > 1000)) throw new UserError(`--size must be a whole number of people, not "${opts.size}"`);
      const names = opts.names ? opts.names.split(',').map((n) => n.trim()).filter(Boolean) : null;
      await withApp(async (app) => {
        const outcome = await resolveReview(app, id, { as: opts.as as ResolveAs, size, names, event: opts.event ?? null });
        const sent = await (await import('../../jobs/send.js')).runSend(app);
        if (opts.json) return print(JSON.stringify({ id, outcome, send: sent }));
        print(outcome);
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
      for await (const row of (await import('./classify.js')).classifyFiles(files, { rules: loaded.rules.extra })) {
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
      await (await import('./demo.js')).runDemo({ verbose, print });
    });

  program
    .command('doctor')
    .description('check config, database, mailbox, sender, sender address, time zones, clock, coordinators and disk space')
    .option('--timeout <seconds>', 'connection timeout for IMAP, SMTP and the database', '5')
    .option('--json', '{"ok": …, "checks": [{"name", "status", "detail", "hint"}]}')
    .action(async (opts: { timeout: string; json?: boolean }) => {
      const seconds = Number(opts.timeout);
      if (!(seconds > 0 && seconds <= 300)) throw new UserError(`--timeout must be a number of seconds (up to 300), not "${opts.timeout}"`);
      const result = await (await import('./doctor.js')).runDoctor({ loadConfig: config, timeoutMs: seconds * 1000 });
      print(opts.json ? JSON.stringify(result) : (await import('./doctor.js')).formatDoctor(result, colours));
      if (!result.ok) exitCode = 1;
    });

  program
    .command('preview <template>')
    .description(`write an event's mails as .html, .txt and .ics files, to read before they go out: all, or one or more (comma-separated) of ${PREVIEW_TEMPLATES.join(', ')}`)
    .requiredOption('--event <slug>', 'the event: its slug, or an event file (.yaml) not imported yet')
    .option('--out <dir>', 'the folder to write to (default: data/preview/)')
    .option('--lang <language>', "nl or en (default: the event's language)")
    .option('--json', 'the mails written, as a JSON array')
    .action(async (spec: string, opts: { event: string; out?: string; lang?: string; json?: boolean }) => {
      const templates = chooseTemplates(spec);
      if (opts.lang !== undefined && opts.lang !== 'nl' && opts.lang !== 'en') throw new UserError(`--lang must be nl or en, not "${opts.lang}"`);
      const language = opts.lang as 'nl' | 'en' | undefined;
      const loaded = config();
      const outDir = opts.out ?? join(loaded.paths.data, 'preview');
      let results;
      if (/\.ya?ml$/i.test(opts.event)) {
        // An event file not imported yet: no database needed, sample people.
        const parsed = parseEventFile(await readText(opts.event));
        if (!parsed.ok) throw new UserError(problemsLine(opts.event, parsed.problems));
        const organiser = mailFromAddress(loaded);
        const now = loaded.now();
        const event = eventFromFile(parsed.value, organiser.address);
        results = await writePreviews({ renderer: createMailRenderer(), event, people: samplePeople(now), organiser, language, templates, outDir, now });
      } else {
        results = await withApp(async (app) => {
          const event = await findEvent(app.db.prisma, opts.event);
          const now = app.now();
          const people = (await realPeople(app.db.prisma, event.id, now)) ?? samplePeople(now);
          return writePreviews({ renderer: app.renderer, event, people, organiser: app.organiser, language, templates, outDir, now });
        });
      }
      if (opts.json) return print(JSON.stringify(results));
      for (const r of results) {
        for (const path of [r.html, r.text, r.ics]) if (path) print(path);
      }
    });

  addExamples(program);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    const err = e as Error & { code?: string };
    if (verbose && err.stack) process.stderr.write(err.stack + '\n');
    const line = oneLine(err);
    const hint = hintFor(err);
    process.stderr.write(`${errColours.red('rsvp:')} ${line}${hint && !line.includes(hint) ? ` (${hint})` : ''}\n`);
    return 1;
  }
}

/** An unknown event slug, with the slugs there are: the usual cause is a typo. */
async function withKnownEvents(app: App, e: unknown): Promise<unknown> {
  const missing = e instanceof Error && (e as { code?: string }).code === 'ENOTFOUND' ? /^no event with slug "([^"]*)"/.exec(e.message) : null;
  if (!missing) return e;
  const rows = await app.db.prisma.event.findMany({ select: { slug: true }, orderBy: { slug: 'asc' }, take: 20 }).catch(() => []);
  const known = rows.length ? rows.map((r) => r.slug).join(', ') : 'none yet';
  return new UserError(`no event with slug "${missing[1]}" (known: ${known}); import one with rsvp event import FILE.yaml`);
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
