import { findWorkday, isWorkday } from 'chinese-days';

/**
 * Chinese working days, holidays and make-up working days (调休) included, from the maintained
 * `chinese-days` calendar rather than a hand-kept list.
 */
export function addWorkingDays(day: string, n: number): string {
  return findWorkday(n, day);
}

export function isWorkingDay(day: string): boolean {
  return isWorkday(day);
}

/** The calendar day in China (UTC+8) of an instant. */
export function chinaDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
