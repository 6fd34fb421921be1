import { addBusinessDays, fromLocal, holidayCalendar, HolidayDataRangeError, toLocal, type BusinessCalendar } from '../../../lib/incidents/business-days';
import holidayData from '../../../lib/incidents/holidays.generated.json';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const newYork: BusinessCalendar = { timeZone: 'America/New_York', isHoliday: () => false };
// A Friday–Saturday weekend puts the US clock changes (always on a Sunday) on a business day.
const newYorkSundayWorkweek: BusinessCalendar = { ...newYork, weekendDays: [5, 6] };
const england = holidayCalendar({ timeZone: 'Europe/London', country: 'GB', region: 'ENG' });

describe('the business-day clock in a zone whose winter offset is not zero (America/New_York)', () => {
  it('a Friday 18:00 EST report before the clocks go forward is due Monday 18:00 EDT (71 hours)', () => {
    expect(iso(addBusinessDays(at('2026-03-06T23:00:00Z'), 1, newYork))).toBe('2026-03-09T22:00:00.000Z');
  });

  it('a Friday 18:00 EDT report before the clocks go back is due Monday 18:00 EST (73 hours)', () => {
    expect(iso(addBusinessDays(at('2026-10-30T22:00:00Z'), 1, newYork))).toBe('2026-11-02T23:00:00.000Z');
  });

  it('a deadline that falls in the skipped hour is read with the offset from before the change (02:30 EST = 03:30 EDT)', () => {
    expect(iso(addBusinessDays(at('2026-03-05T07:30:00Z'), 1, newYorkSundayWorkweek))).toBe('2026-03-08T07:30:00.000Z');
  });

  it('a deadline that falls in the repeated hour takes its first reading (01:30 EDT)', () => {
    expect(iso(addBusinessDays(at('2026-10-29T05:30:00Z'), 1, newYorkSundayWorkweek))).toBe('2026-11-01T05:30:00.000Z');
  });

  it('fromLocal: plain times, the skipped hour and the repeated hour', () => {
    const local = (day: number, month: number, hour: number, minute: number) => ({ year: 2026, month, day, hour, minute, second: 0, millisecond: 0 });
    expect(iso(fromLocal(local(15, 1, 9, 0), 'America/New_York'))).toBe('2026-01-15T14:00:00.000Z');
    expect(iso(fromLocal(local(15, 7, 9, 0), 'America/New_York'))).toBe('2026-07-15T13:00:00.000Z');
    expect(iso(fromLocal(local(8, 3, 2, 30), 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
    expect(iso(fromLocal(local(1, 11, 1, 30), 'America/New_York'))).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(fromLocal(local(1, 11, 2, 30), 'America/New_York'))).toBe('2026-11-01T07:30:00.000Z');
  });
});

describe('the business-day clock, exactly', () => {
  it('keeps the milliseconds of the receipt time', () => {
    expect(iso(addBusinessDays(at('2026-12-01T15:04:05.678Z'), 1, england))).toBe('2026-12-02T15:04:05.678Z');
  });

  it('reads instants before 1970 too', () => {
    expect(toLocal(-1, 'UTC')).toEqual({ year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59, millisecond: 999 });
    expect(toLocal(at('2026-07-01T12:00:00.250Z'), 'Europe/London')).toEqual({ year: 2026, month: 7, day: 1, hour: 13, minute: 0, second: 0, millisecond: 250 });
  });

  it('knows holidays in single-digit months and days (New Year 2027, early May 2026)', () => {
    expect(iso(addBusinessDays(at('2026-12-31T10:00:00Z'), 1, england))).toBe('2027-01-04T10:00:00.000Z');
    expect(iso(addBusinessDays(at('2026-05-01T09:00:00Z'), 1, england))).toBe('2026-05-05T09:00:00.000Z');
  });

  it('zero business days is the receipt time itself, on a weekend too', () => {
    expect(addBusinessDays(at('2026-12-05T10:00:00Z'), 0, england)).toBe(at('2026-12-05T10:00:00Z'));
    expect(addBusinessDays(at('2026-12-02T10:00:00Z'), 0, england)).toBe(at('2026-12-02T10:00:00Z'));
  });

  it.each([[-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY]])('refuses %p business days with a clear error', (days) => {
    expect(() => addBusinessDays(at('2026-12-02T10:00:00Z'), days, england)).toThrow(new RangeError('businessDays must be a whole number of days, 0 or more'));
  });

  it('refuses, instead of looping forever, a calendar without a business day', () => {
    const never: BusinessCalendar = { timeZone: 'UTC', isHoliday: () => true };
    const allWeekend: BusinessCalendar = { timeZone: 'UTC', isHoliday: () => false, weekendDays: [1, 2, 3, 4, 5, 6, 7] };
    for (const calendar of [never, allWeekend]) {
      expect(() => addBusinessDays(at('2026-12-02T10:00:00Z'), 1, calendar)).toThrow(new RangeError('The business calendar has no business day within ten years'));
    }
  });
});

describe('the generated holiday calendar', () => {
  it('covers its first and last year and nothing outside them', () => {
    expect(england.isHoliday(`${holidayData.firstYear}-01-01`)).toBe(true);
    expect(england.isHoliday(`${holidayData.lastYear}-12-25`)).toBe(true);
    expect(england.isHoliday(`${holidayData.lastYear}-12-31`)).toBe(false);
    expect(() => england.isHoliday(`${holidayData.firstYear - 1}-12-31`)).toThrow(HolidayDataRangeError);
    expect(() => england.isHoliday(`${holidayData.lastYear + 1}-01-01`)).toThrow(HolidayDataRangeError);
  });

  it('says what to do when a date is outside the data', () => {
    const error = new HolidayDataRangeError('2099-01-01');
    expect(error).toBeInstanceOf(RangeError);
    expect(error.name).toBe('HolidayDataRangeError');
    expect(error.message).toBe(
      `No holiday data for 2099-01-01: lib/incidents/holidays.generated.json covers ${holidayData.firstYear}-${holidayData.lastYear}. ` +
        'Extend HOLIDAY_YEARS in scripts/holidays.ts, run npx tsx scripts/holidays.ts and deploy.',
    );
  });

  it('takes country and region in any case, and names an unknown calendar and what the data holds', () => {
    expect(holidayCalendar({ timeZone: 'Europe/London', country: 'gb', region: 'eng' }).isHoliday('2026-12-25')).toBe(true);
    expect(() => holidayCalendar({ timeZone: 'Europe/Paris', country: 'fr' })).toThrow(
      new RangeError('Unknown holiday calendar "FR" (country "fr"): the generated holiday data holds GB-ENG; add it to CONFIGURED_CALENDARS in scripts/holidays.ts'),
    );
    expect(() => holidayCalendar({ timeZone: 'Europe/London', country: 'gb', region: 'sct' })).toThrow(
      new RangeError('Unknown holiday calendar "GB-SCT" (country "gb", region "sct"): the generated holiday data holds GB-ENG; add it to CONFIGURED_CALENDARS in scripts/holidays.ts'),
    );
  });
});
