/**
 * `npx tsx scripts/holidays.ts [--check]`: writes lib/incidents/holidays.generated.json, the public
 * and bank holidays of every configured incident calendar, derived from date-holidays at build
 * time, so the functions carry a few kilobytes of dates instead of date-holidays (which loads
 * moment-timezone with every zone's data: 2.1 MB bundles, about twice the SDK floor's cold start).
 * `--check` only reports whether the committed file is current (the unit test does the same).
 *
 * The range: from 2024, so an incident received up to two years back can still be re-evaluated,
 * through 2035. date-holidays projects rules, not announcements: a one-off holiday (a coronation,
 * a jubilee) is only known about a year ahead and arrives with a date-holidays update, and
 * regenerating then is the same step as for the range. Years past the end fail loudly
 * (lib/incidents/business-days.ts), and a unit test fails while less than two years remain.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Holidays from 'date-holidays';

export const HOLIDAY_DATA_FILE = path.resolve(__dirname, '..', 'lib', 'incidents', 'holidays.generated.json');

/** Every calendar a stage configures (serverless.yml params incidentHolidayCountry / incidentHolidayRegion). */
export const CONFIGURED_CALENDARS: ReadonlyArray<{ country: string; region?: string }> = [{ country: 'GB', region: 'ENG' }];

export const HOLIDAY_YEARS = { first: 2024, last: 2035 } as const;

export interface HolidayData {
  source: string;
  firstYear: number;
  lastYear: number;
  /** `COUNTRY` or `COUNTRY-REGION` → local dates (YYYY-MM-DD), ascending. */
  calendars: Record<string, string[]>;
}

export const calendarKey = (country: string, region?: string) => (region ? `${country.toUpperCase()}-${region.toUpperCase()}` : country.toUpperCase());

export function deriveHolidayData(): HolidayData {
  const version = (JSON.parse(readFileSync(require.resolve('date-holidays/package.json'), 'utf8')) as { version: string }).version;
  const calendars: Record<string, string[]> = {};
  for (const { country, region } of CONFIGURED_CALENDARS) {
    const hd = region ? new Holidays(country, region) : new Holidays(country);
    const dates = new Set<string>();
    for (let year = HOLIDAY_YEARS.first; year <= HOLIDAY_YEARS.last; year++) {
      for (const h of hd.getHolidays(year)) if (h.type === 'public' || h.type === 'bank') dates.add(h.date.slice(0, 10));
    }
    calendars[calendarKey(country, region)] = [...dates].sort();
  }
  return { source: `date-holidays ${version}, public and bank holidays`, firstYear: HOLIDAY_YEARS.first, lastYear: HOLIDAY_YEARS.last, calendars };
}

export const renderHolidayData = (data: HolidayData) => `${JSON.stringify(data, null, 1)}\n`;

if (require.main === module) {
  const wanted = renderHolidayData(deriveHolidayData());
  if (process.argv.includes('--check')) {
    const current = readFileSync(HOLIDAY_DATA_FILE, 'utf8');
    if (current !== wanted) {
      console.error(`${path.relative(process.cwd(), HOLIDAY_DATA_FILE)} is stale: run npx tsx scripts/holidays.ts`);
      process.exit(1);
    }
    console.log('holiday data is current');
  } else {
    writeFileSync(HOLIDAY_DATA_FILE, wanted);
    console.log(`wrote ${path.relative(process.cwd(), HOLIDAY_DATA_FILE)}`);
  }
}
