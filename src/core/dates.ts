/**
 * Dates as the people reading the mails see them: wall-clock times in the event's own time zone,
 * written the Dutch way ("maandag 26 november 2018, 15.00–17.00 uur") or the English way
 * ("Monday 26 November 2018, 15:00–17:00"). Pure: every function takes the zone it needs and
 * never reads the process's own time zone or clock.
 */
import { DateTime } from 'luxon';

export type Language = 'nl' | 'en';

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

function inZone(instant: Date, timezone: string): DateTime {
  const dt = DateTime.fromJSDate(instant, { zone: timezone });
  if (!dt.isValid) throw new RangeError(`invalid date or time zone "${timezone}": ${dt.invalidExplanation ?? dt.invalidReason}`);
  return dt;
}

/** "vrijdag 16 november 2018" / "Friday 16 November 2018". */
export function formatDate(instant: Date, timezone: string, language: Language): string {
  const dt = inZone(instant, timezone).setLocale(language === 'nl' ? 'nl-NL' : 'en-GB');
  // Written out with explicit tokens rather than a locale preset: en-GB's preset puts a comma
  // after the weekday, and Dutch keeps weekday and month in lower case, which `cccc d LLLL yyyy`
  // gives in both languages.
  return dt.toFormat('cccc d LLLL yyyy');
}

/** "15.00" in Dutch (the official Dutch style, with a dot), "15:00" in English; always 24-hour. */
export function formatTime(instant: Date, timezone: string, language: Language): string {
  return inZone(instant, timezone).toFormat(language === 'nl' ? 'HH.mm' : 'HH:mm');
}

/** "vrijdag 16 november 2018, 23.59 uur" / "Friday 16 November 2018, 23:59". */
export function formatDateTime(instant: Date, timezone: string, language: Language): string {
  const time = formatTime(instant, timezone, language);
  return `${formatDate(instant, timezone, language)}, ${language === 'nl' ? `${time} uur` : time}`;
}

/**
 * "maandag 26 november 2018, 15.00–17.00 uur" / "Monday 26 November 2018, 15:00–17:00".
 * An event that ends on a later local day names both days.
 */
export function formatEventWhen(startsAt: Date, endsAt: Date, timezone: string, language: Language): string {
  const sameDay = localDateOf(startsAt, timezone) === localDateOf(endsAt, timezone);
  const suffix = language === 'nl' ? ' uur' : '';
  const start = formatTime(startsAt, timezone, language);
  const end = formatTime(endsAt, timezone, language);
  if (sameDay) return `${formatDate(startsAt, timezone, language)}, ${start}–${end}${suffix}`;
  return `${formatDate(startsAt, timezone, language)}, ${start}${suffix} – ${formatDate(endsAt, timezone, language)}, ${end}${suffix}`;
}

/** The calendar day ("YYYY-MM-DD") that `instant` falls on in `timezone`. */
export function localDateOf(instant: Date, timezone: string): string {
  return inZone(instant, timezone).toFormat('yyyy-LL-dd');
}

/**
 * The instant at which the wall clock in `timezone` shows `time` ("HH:mm") on `localDate`.
 * On the spring-forward day a time inside the skipped hour does not exist; luxon moves it forward
 * by the gap (02:30 → 03:30 in Europe/Amsterdam). On the fall-back day a time inside the repeated
 * hour happens twice; luxon takes the second (winter-time) one. Schedules use 08:00/09:00, far from
 * either hour.
 */
export function atLocalTime(localDate: string, time: string, timezone: string): Date {
  const d = LOCAL_DATE.exec(localDate);
  if (!d) throw new RangeError(`local date must be YYYY-MM-DD, got "${localDate}"`);
  const t = LOCAL_TIME.exec(time);
  if (!t) throw new RangeError(`local time must be HH:mm, got "${time}"`);
  const dt = DateTime.fromObject(
    { year: Number(d[1]), month: Number(d[2]), day: Number(d[3]), hour: Number(t[1]), minute: Number(t[2]) },
    { zone: timezone },
  );
  if (!dt.isValid) throw new RangeError(`invalid local date/time ${localDate} ${time} in "${timezone}": ${dt.invalidExplanation ?? dt.invalidReason}`);
  return dt.toJSDate();
}

/** `localDate` plus `days` calendar days (negative to go back); no time zone involved. */
export function addLocalDays(localDate: string, days: number): string {
  const d = LOCAL_DATE.exec(localDate);
  if (!d) throw new RangeError(`local date must be YYYY-MM-DD, got "${localDate}"`);
  if (!Number.isInteger(days)) throw new RangeError(`days must be a whole number, got ${days}`);
  const dt = DateTime.fromObject({ year: Number(d[1]), month: Number(d[2]), day: Number(d[3]) }, { zone: 'UTC' });
  if (!dt.isValid) throw new RangeError(`invalid local date "${localDate}"`);
  return dt.plus({ days }).toFormat('yyyy-LL-dd');
}
