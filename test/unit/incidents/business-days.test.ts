import { readFileSync } from 'node:fs';
import path from 'node:path';
import { acknowledgeBy, addBusinessDays, fromLocal, holidayCalendar, HolidayDataRangeError, toLocal, type BusinessCalendar } from '../../../lib/incidents/business-days';
import holidayData from '../../../lib/incidents/holidays.generated.json';
import { calendarKey, deriveHolidayData, HOLIDAY_DATA_FILE, renderHolidayData } from '../../../scripts/holidays';

const london = holidayCalendar({ timeZone: 'Europe/London', country: 'GB', region: 'ENG' });
const ackBy = (iso: string, calendar: BusinessCalendar = london) => new Date(acknowledgeBy(Date.parse(iso), calendar)).toISOString();

describe('acknowledgeBy: one business day after receipt (Europe/London, GB-ENG holidays)', () => {
  it('when a report arrives on a Tuesday afternoon, it is due Wednesday at the same time', () => {
    expect(ackBy('2026-11-24T14:30:00.000Z')).toBe('2026-11-25T14:30:00.000Z');
  });

  it('when a report arrives on Friday evening, it is due Monday evening, skipping the weekend', () => {
    expect(ackBy('2026-11-27T18:45:00.000Z')).toBe('2026-11-30T18:45:00.000Z');
  });

  it('when the Monday after a Friday report is a bank holiday, it is due Tuesday', () => {
    // Monday 25 May 2026 is the Spring bank holiday in England (BST, UTC+1).
    expect(ackBy('2026-05-22T17:00:00.000Z')).toBe('2026-05-26T17:00:00.000Z');
  });

  it('when a report arrives before Easter, it skips Good Friday, the weekend and Easter Monday', () => {
    expect(ackBy('2026-04-02T09:00:00.000Z')).toBe('2026-04-07T09:00:00.000Z');
  });

  it('when a report arrives at 23:59 local time on a Thursday, it is due Friday at 23:59', () => {
    expect(ackBy('2026-11-26T23:59:00.000Z')).toBe('2026-11-27T23:59:00.000Z');
  });

  it('when a report arrives at 23:59 local time on a Friday in summer time, it is due Monday at 23:59 local', () => {
    // 23:59 BST on Friday 12 June 2026 is 22:59 UTC.
    expect(ackBy('2026-06-12T22:59:00.000Z')).toBe('2026-06-15T22:59:00.000Z');
  });

  it('when a report arrives at 23:59 UTC that is already Saturday in London summer time, the clock starts Monday', () => {
    // 23:59 UTC Friday 12 June = 00:59 BST Saturday: due at the end of Monday 15 June (BST midnight = 23:00 UTC).
    expect(ackBy('2026-06-12T23:59:00.000Z')).toBe('2026-06-15T23:00:00.000Z');
  });

  it('when a report arrives on a Saturday, it is due at the end of Monday', () => {
    expect(ackBy('2026-11-28T10:00:00.000Z')).toBe('2026-12-01T00:00:00.000Z');
  });

  it('when the clocks go forward over the weekend (29 March 2026), a Friday noon report is due Monday noon local time, 71 hours later', () => {
    const due = ackBy('2026-03-27T12:00:00.000Z');
    expect(due).toBe('2026-03-30T11:00:00.000Z');
    expect(toLocal(Date.parse(due), 'Europe/London')).toMatchObject({ day: 30, hour: 12, minute: 0 });
  });

  it('when the clocks go back over the weekend (25 October 2026), a Friday noon report is due Monday noon local time, 73 hours later', () => {
    const due = ackBy('2026-10-23T11:00:00.000Z');
    expect(due).toBe('2026-10-26T12:00:00.000Z');
    expect(toLocal(Date.parse(due), 'Europe/London')).toMatchObject({ day: 26, hour: 12, minute: 0 });
  });

  it('when a report arrives on the Sunday the clocks go forward, it is due at the end of Monday in summer time', () => {
    expect(ackBy('2026-03-29T00:30:00.000Z')).toBe('2026-03-30T23:00:00.000Z');
  });

  it('when a report arrives during the repeated hour of the Sunday the clocks go back, it is due at the end of Monday in winter time', () => {
    expect(ackBy('2026-10-25T01:30:00.000Z')).toBe('2026-10-27T00:00:00.000Z');
  });

  it('when a Christmas Eve report meets Christmas, Boxing Day and its substitute, it is due on 29 December', () => {
    expect(ackBy('2026-12-24T15:00:00.000Z')).toBe('2026-12-29T15:00:00.000Z');
  });

  it('when a calendar has its own time zone, it counts in that zone', () => {
    // Only the zone matters here: a New York calendar with no holidays.
    const newYork: BusinessCalendar = { timeZone: 'America/New_York', isHoliday: () => false };
    // Friday 27 Nov 2026 20:00 EST (Saturday 01:00 UTC) is still Friday in New York: due Monday 20:00 EST.
    expect(ackBy('2026-11-28T01:00:00.000Z', newYork)).toBe('2026-12-01T01:00:00.000Z');
  });

  it('is at least 23 hours after receipt (24 except across a spring-forward night) and always falls due on a weekday', () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (let t = start; t < start + 400 * 86_400_000; t += 7 * 3_600_000 + 13 * 60_000) {
      const due = acknowledgeBy(t, london);
      expect(due - t).toBeGreaterThanOrEqual(23 * 3_600_000); // 23 h only across a spring-forward night
      const local = toLocal(due - 1, 'Europe/London');
      const weekday = new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay();
      expect([0, 6]).not.toContain(weekday);
    }
  });
});

describe('addBusinessDays', () => {
  it('when asked for three business days from a Wednesday, it lands on the Monday', () => {
    expect(new Date(addBusinessDays(Date.parse('2026-11-25T10:00:00Z'), 3, london)).toISOString()).toBe('2026-11-30T10:00:00.000Z');
  });

  it('refuses a negative or fractional number of days', () => {
    expect(() => addBusinessDays(0, -1, london)).toThrow(RangeError);
    expect(() => addBusinessDays(0, 1.5, london)).toThrow(RangeError);
  });
});

describe('fromLocal', () => {
  it('when a local time is skipped by the spring-forward change, it reads it with the winter offset', () => {
    expect(new Date(fromLocal({ year: 2026, month: 3, day: 29, hour: 1, minute: 30, second: 0, millisecond: 0 }, 'Europe/London')).toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });

  it('when a local time is read twice after the fall-back change, it takes the earlier instant', () => {
    expect(new Date(fromLocal({ year: 2026, month: 10, day: 25, hour: 1, minute: 30, second: 0, millisecond: 0 }, 'Europe/London')).toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
  });
});

describe('holidayCalendar', () => {
  it('refuses an unknown time zone, country or region by name', () => {
    expect(() => holidayCalendar({ timeZone: 'Mars/Olympus', country: 'GB' })).toThrow(/Mars\/Olympus/);
    expect(() => holidayCalendar({ timeZone: 'Europe/London', country: 'XX' })).toThrow(/XX/);
    expect(() => holidayCalendar({ timeZone: 'Europe/London', country: 'GB', region: 'NOPE' })).toThrow(/NOPE/);
  });

  it('accepts a zone alias the runtime does not list as canonical (checked by building its formatter), and reads it like the canonical zone', () => {
    expect(Intl.supportedValuesOf('timeZone')).not.toContain('GB');
    const alias = holidayCalendar({ timeZone: 'GB', country: 'GB', region: 'ENG' });
    expect(new Date(acknowledgeBy(Date.parse('2026-12-24T10:00:00.000Z'), alias)).toISOString()).toBe(new Date(acknowledgeBy(Date.parse('2026-12-24T10:00:00.000Z'), london)).toISOString());
  });

  it('when a date falls outside the generated years, it throws a clear error instead of calling it a business day', () => {
    const past = `${holidayData.lastYear + 1}-01-04`;
    expect(() => london.isHoliday(past)).toThrow(HolidayDataRangeError);
    expect(() => london.isHoliday(past)).toThrow(/scripts\/holidays\.ts/);
    expect(() => ackBy(`${holidayData.lastYear + 1}-03-03T10:00:00.000Z`)).toThrow(HolidayDataRangeError);
    expect(() => london.isHoliday(`${holidayData.firstYear - 1}-12-25`)).toThrow(HolidayDataRangeError);
  });
});

describe('the generated holiday data (lib/incidents/holidays.generated.json)', () => {
  it('is exactly what date-holidays derives today for every configured calendar and year (regenerate: npx tsx scripts/holidays.ts)', () => {
    const committed = readFileSync(HOLIDAY_DATA_FILE, 'utf8');
    expect(committed).toBe(renderHolidayData(deriveHolidayData()));
  });

  it('holds the calendar of every stage in serverless.yml', () => {
    const yml = readFileSync(path.resolve(__dirname, '../../../serverless.yml'), 'utf8');
    const countries = [...yml.matchAll(/incidentHolidayCountry:\s*(\S+)/g)].map((m) => m[1]);
    const regions = [...yml.matchAll(/incidentHolidayRegion:\s*(\S+)/g)].map((m) => m[1]);
    expect(countries.length).toBeGreaterThan(0);
    for (const country of countries) for (const region of regions) expect(Object.keys(holidayData.calendars)).toContain(calendarKey(country, region));
  });

  it('still covers at least two years ahead of today, so regenerating is due long before a date falls outside it', () => {
    expect(holidayData.lastYear - new Date().getUTCFullYear()).toBeGreaterThanOrEqual(2);
  });

  it('knows the English bank holidays of a sample year, substitute days included', () => {
    expect(['2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28'].every((d) => london.isHoliday(d))).toBe(true);
    expect(london.isHoliday('2026-12-24')).toBe(false);
  });
});
