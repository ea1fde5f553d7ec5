/**
 * Examples under each command's --help, and one-line hints after failures: what an admin or a
 * coordinator types next. Kept apart from main.ts so that adding a command there needs one line
 * here, and a command without its own examples still gets the general ones.
 */
import type { Command } from 'commander';

/** By command path ("event import"). Each: the command line, then what it does. */
export const EXAMPLES: Record<string, [string, string][]> = {
  '': [
    ['rsvp doctor', 'check config, database, mailbox, sender and clock'],
    ['rsvp event import consultatie.yaml', 'create or update an event'],
    ['rsvp preview all --event consultatie-2018', 'write every mail of the event to data/preview/'],
    ['rsvp list --event consultatie-2018 --json', 'the list as JSON'],
  ],
  db: [['rsvp db migrate', 'apply pending migrations'], ['rsvp db status', 'list migrations not applied yet']],
  'db migrate': [
    ['rsvp db migrate', 'the embedded database data/rsvp.db'],
    ['DATABASE_URL=postgresql://rsvp:secret@db:5432/rsvp rsvp db migrate', 'PostgreSQL (the database is created when missing)'],
  ],
  'db status': [['rsvp db status --json', 'as JSON: {"database": …, "pending": […], "failed": […]}']],
  'db check': [['rsvp db check', 'fails while prisma/schema.prisma has changes without a migration']],
  'db diff': [['rsvp db diff', 'print the SQL'], ['rsvp db diff --create add_notes', 'write it as a migration for both providers']],
  event: [['rsvp event import consultatie.yaml', 'create or update'], ['rsvp event cancel consultatie-2018 --reason "Te weinig aanmeldingen"', 'cancel']],
  'event import': [
    ['rsvp event import consultatie.yaml', 'create the event, or update it by its slug'],
    ['rsvp event import consultatie.yaml --json', 'the result as JSON'],
  ],
  'event cancel': [['rsvp event cancel consultatie-2018 --reason "De zaal is niet beschikbaar."', 'METHOD:CANCEL to everyone who may come']],
  invitees: [['rsvp invitees import --event consultatie-2018 lijst.csv', 'add or update invitees']],
  'invitees import': [
    ['rsvp invitees import --event consultatie-2018 lijst.csv', 'columns email, name, organisation (Dutch headers too); comma or semicolon separated'],
    ['rsvp invitees import --event consultatie-2018 export.csv --json', 'the counts as JSON: {"event": …, "added": 10, "updated": 0, "unchanged": 0}'],
  ],
  invite: [
    ['rsvp preview invitation --event consultatie-2018', 'read the invitation first'],
    ['rsvp invite --event consultatie-2018', 'each invitee who has not had it gets it once'],
  ],
  poll: [['rsvp poll --once', 'read new mail, record answers, send confirmations'], ['rsvp poll --once --json', 'the summary as JSON']],
  send: [['rsvp send --once', 'send due outbox mail and retries']],
  remind: [['RSVP_NOW=2018-11-09T09:00:00+01:00 rsvp remind --once', 'the reminders due at that moment (a dry run on the outbox folder)']],
  digest: [['rsvp digest --once --json', 'send due digests; the summary as JSON']],
  retention: [['rsvp retention --once', 'remove raw messages and anonymise people after the configured days']],
  worker: [['rsvp worker', 'run every schedule until Ctrl-C (npm start does this)'], ['IMAP_URL=imaps://info%40org.nl:secret@mail.org.nl/INBOX rsvp worker', 'on a real mailbox']],
  list: [['rsvp list --event consultatie-2018', 'a table with totals'], ['rsvp list --event consultatie-2018 --json', 'the contract\'s JSON array']],
  status: [['rsvp status', 'last poll, queues, review items, next runs'], ['rsvp status --json', 'the same as JSON']],
  schedules: [['rsvp schedules', 'each schedule with its next run']],
  review: [['rsvp review --event consultatie-2018', 'what the service was unsure of'], ['rsvp review resolve ID --as accept --size 2', 'decide one item']],
  'review resolve': [
    ['rsvp review resolve ckx1a2b3 --as accept --size 2 --names "Jan Jansen, Petra de Boer"', 'record an acceptance for two'],
    ['rsvp review resolve ckx1a2b3 --as ignore', 'set it aside'],
  ],
  classify: [['rsvp classify reply.eml', 'kind, intent, party size, names'], ['rsvp classify data/mailbox/cur/* --json', 'one JSON object per file']],
  demo: [['rsvp demo', 'the seed consultation end to end on the embedded defaults']],
  export: [
    ['rsvp export --event consultatie-2018 > aanwezigen.csv', 'the attendance list for Excel (; separated)'],
    ['rsvp export --event consultatie-2018 --format xlsx --out aanwezigen.xlsx', 'an Excel workbook'],
  ],
  web: [['rsvp web --port 8080', "the coordinators' page (needs web.token in the config)"]],
  doctor: [
    ['rsvp doctor', 'one line per check, ✓ or ✗ with what to fix; exit 1 when one fails'],
    ['IMAP_URL=imaps://info%40org.nl:secret@mail.org.nl/INBOX rsvp doctor --json', 'check a real mailbox; the result as JSON'],
  ],
  preview: [
    ['rsvp preview all --event consultatie-2018', 'every mail as .html, .txt and .ics in data/preview/'],
    ['rsvp preview invitation,reminder-invitee --event consultatie-2018 --lang en --out /tmp/mails', 'two mails, in English'],
    ['rsvp preview confirmation --event consultatie.yaml', 'an event file not imported yet'],
  ],
};

function pathOf(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function render(examples: [string, string][]): string {
  return `\nExamples:\n${examples.map(([line, what]) => `  # ${what}\n  $ ${line}`).join('\n\n')}\n`;
}

/** Adds "Examples:" after the help of the program and of every command below it. */
export function addExamples(program: Command): void {
  const visit = (command: Command) => {
    const own = EXAMPLES[pathOf(command)];
    const examples = own ?? [[`rsvp ${pathOf(command)} --help`, 'this help'] as [string, string]];
    command.addHelpText('after', render(examples));
    command.commands.forEach(visit);
  };
  visit(program);
}

/** What to do next after a failure with this error code or message; null when the message says it. */
export function hintFor(error: { code?: string; message?: string }): string | null {
  const message = error.message ?? '';
  switch (error.code) {
    case 'EIMAPCONNECT':
      return 'check the host and port of IMAP_URL; `rsvp doctor` tests the connection';
    case 'EIMAPAUTH':
      return 'check the user and password in IMAP_URL (URL-encoded)';
    case 'EIMAPMAILBOX':
      return 'create the mailbox or correct the name at the end of IMAP_URL';
    case 'EDBCONNECT':
      return 'check DATABASE_URL; `rsvp doctor` tests the connection';
  }
  if (/no such table|does not exist in the current database|relation .* does not exist|P2021/i.test(message)) return 'run `rsvp db migrate` first';
  if (/ECONNREFUSED/.test(message)) return 'nothing answers at that address; `rsvp doctor` checks database, mailbox and sender';
  return null;
}
