/** The calendar date (yyyy-mm-dd) in `timezone` one day before `moment`. */
export function previousDay(moment: Date, timezone: string): string {
  const dayBefore = new Date(moment.getTime() - 24 * 60 * 60 * 1000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone }).format(dayBefore);
}

/** Every date (yyyy-mm-dd) of a month given as yyyy-mm. */
export function daysOfMonth(month: string): string[] {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const count = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  return Array.from(
    { length: count },
    (_, index) => `${month}-${String(index + 1).padStart(2, '0')}`,
  );
}
