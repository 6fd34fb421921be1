import holidayData from './holidays.generated.json';

/**
 * The business-day clock of the incident promise ("acknowledged within one business day").
 *
 * Business time runs through whole local calendar days that are neither weekend days nor holidays
 * of the configured calendar, in the configured time zone. "N business days after an instant" is
 * therefore the same local wall-clock time N business days later when the instant falls on a
 * business day (a Friday 18:00 report is due Monday 18:00, even across a DST change), and the end
 * of the N-th business day when it falls on a weekend or holiday (the clock only starts at the
 * next business day's start). Pure functions: no I/O, no global clock.
 */
export interface BusinessCalendar {
  /** IANA time zone, e.g. Europe/London. */
  timeZone: string;
  /** True for a local date (`YYYY-MM-DD`) that is not a business day for holiday reasons. */
  isHoliday(localDate: string): boolean;
  /** ISO weekday numbers (1 = Monday … 7 = Sunday) that are not business days. Default 6 and 7. */
  weekendDays?: readonly number[];
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

interface LocalDateTime extends LocalDate {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  // Stryker disable next-line ConditionalExpression: a cache; building the formatter every time gives the same readings
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

let canonicalZones: ReadonlySet<string> | undefined;

/**
 * Throws a RangeError naming the zone when it is not a valid IANA time zone. A canonical zone is
 * found in the runtime's list (about 1 ms); building the formatter (ICU's locale and zone data,
 * 11–17 ms of a cold start) waits for the first date computed, which functions that only read
 * incidents never reach. Aliases (US/Eastern) are not in the list and are checked by building it.
 */
export function assertTimeZone(timeZone: string): void {
  canonicalZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  // Stryker disable next-line ConditionalExpression: the formatter check below accepts every listed zone too; this only skips its cost
  if (canonicalZones.has(timeZone)) return;
  try {
    formatter(timeZone);
  } catch {
    throw new RangeError(`Unknown time zone "${timeZone}"`);
  }
}

/** The local wall-clock reading of an instant in a time zone. */
export function toLocal(instantMillis: number, timeZone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  // Literal parts ("/", ", ", ":") land under `literal` and are never read.
  for (const p of formatter(timeZone).formatToParts(new Date(instantMillis))) parts[p.type] = Number(p.value);
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
    millisecond: ((instantMillis % 1000) + 1000) % 1000,
  };
}

function wallMillis(t: LocalDateTime): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, t.millisecond);
}

/** UTC offset (local minus UTC, in ms) of the zone at an instant. */
function offsetAt(instantMillis: number, timeZone: string): number {
  return wallMillis(toLocal(instantMillis, timeZone)) - instantMillis;
}

/**
 * The instant at which the zone's clocks read the given local time. A time read twice after a
 * fall-back change resolves to the earlier reading; a time skipped by a spring-forward change is
 * read with the offset from before the change (02:30 becomes 03:30), as Temporal's `compatible`
 * disambiguation does. Assumes at most one offset change within 36 hours either side.
 */
export function fromLocal(local: LocalDateTime, timeZone: string): number {
  const wall = wallMillis(local);
  const before = offsetAt(wall - 36 * 3_600_000, timeZone);
  const after = offsetAt(wall + 36 * 3_600_000, timeZone);
  // Where both readings are exact (a repeated hour), the offset from before the change is the
  // larger one, so its reading is the earlier instant and comes first.
  const exact = [wall - before, wall - after].filter((c) => wallMillis(toLocal(c, timeZone)) === wall);
  return exact[0] ?? wall - before;
}

export function formatLocalDate(d: LocalDate): string {
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

function addCalendarDays(d: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

function isoWeekday(d: LocalDate): number {
  const w = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
  return w === 0 ? 7 : w;
}

export function isBusinessDay(d: LocalDate, calendar: BusinessCalendar): boolean {
  const weekend = calendar.weekendDays ?? [6, 7];
  return !weekend.includes(isoWeekday(d)) && !calendar.isHoliday(formatLocalDate(d));
}

function nextBusinessDay(d: LocalDate, calendar: BusinessCalendar): LocalDate {
  let next = addCalendarDays(d, 1);
  // A calendar with no business day at all would loop forever; ten years is far beyond any real one.
  // Stryker disable next-line EqualityOperator: one day more or less of a ten-year search changes no outcome
  for (let i = 0; i < 3660 && !isBusinessDay(next, calendar); i += 1) next = addCalendarDays(next, 1);
  if (!isBusinessDay(next, calendar)) throw new RangeError('The business calendar has no business day within ten years');
  return next;
}

/** The instant `businessDays` business days after `fromMillis` (see the module comment). */
export function addBusinessDays(fromMillis: number, businessDays: number, calendar: BusinessCalendar): number {
  if (!Number.isInteger(businessDays) || businessDays < 0) throw new RangeError('businessDays must be a whole number of days, 0 or more');
  const local = toLocal(fromMillis, calendar.timeZone);
  if (businessDays === 0) return fromMillis;
  let day: LocalDate = local;
  if (isBusinessDay(local, calendar)) {
    for (let i = 0; i < businessDays; i += 1) day = nextBusinessDay(day, calendar);
    return fromLocal({ ...day, hour: local.hour, minute: local.minute, second: local.second, millisecond: local.millisecond }, calendar.timeZone);
  }
  // Received outside business time: the clock starts at the next business day's start, so the
  // deadline is the end (next local midnight) of the N-th business day from then.
  for (let i = 0; i < businessDays; i += 1) day = nextBusinessDay(day, calendar);
  return fromLocal({ ...addCalendarDays(day, 1), hour: 0, minute: 0, second: 0, millisecond: 0 }, calendar.timeZone);
}

/** The acknowledgement deadline of a report received at `receivedAtMillis`: one business day later. */
export function acknowledgeBy(receivedAtMillis: number, calendar: BusinessCalendar): number {
  return addBusinessDays(receivedAtMillis, 1, calendar);
}

/** Thrown for a date outside the generated holiday data: the calendar must be regenerated. */
export class HolidayDataRangeError extends RangeError {
  constructor(localDate: string) {
    super(
      `No holiday data for ${localDate}: lib/incidents/holidays.generated.json covers ${holidayData.firstYear}-${holidayData.lastYear}. ` +
        'Extend HOLIDAY_YEARS in scripts/holidays.ts, run npx tsx scripts/holidays.ts and deploy.',
    );
    this.name = 'HolidayDataRangeError';
  }
}

/**
 * The business calendar of a configured country (and region) in a time zone, from the holiday
 * data generated at build time (scripts/holidays.ts, from date-holidays). An unknown zone, or a
 * calendar the data does not hold, fails by name at cold start; a date outside the data's years
 * throws HolidayDataRangeError rather than silently treating it as a business day.
 */
export function holidayCalendar(options: { timeZone: string; country: string; region?: string }): BusinessCalendar {
  assertTimeZone(options.timeZone);
  const country = options.country.toUpperCase();
  const region = options.region?.toUpperCase();
  const key = region ? `${country}-${region}` : country;
  const dates = (holidayData.calendars as Record<string, string[] | undefined>)[key];
  if (!dates) {
    // Stryker disable next-line StringLiteral: the data holds one calendar today, so the separator never shows
    const known = Object.keys(holidayData.calendars).join(', ');
    throw new RangeError(`Unknown holiday calendar "${key}" (country "${options.country}"${region ? `, region "${options.region}"` : ''}): the generated holiday data holds ${known}; add it to CONFIGURED_CALENDARS in scripts/holidays.ts`);
  }
  const holidays = new Set(dates);
  return {
    timeZone: options.timeZone,
    isHoliday: (localDate) => {
      const year = Number(localDate.slice(0, 4));
      if (!(year >= holidayData.firstYear && year <= holidayData.lastYear)) throw new HolidayDataRangeError(localDate);
      return holidays.has(localDate);
    },
  };
}
