import { DomainException } from '@app/errors';
import './reports.errors';

/** A reporting period: whole calendar days in China time (UTC+8), `from` and `to` both included. */
export interface ReportPeriod {
  from: string;
  to: string;
  /** The first instant of `from` in China. */
  start: Date;
  /** The first instant after `to` in China (exclusive bound). */
  end: Date;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const CHINA_OFFSET_MS = 8 * 3600_000;

function startOfChinaDay(day: string): Date | null {
  if (!DAY.test(day)) return null;
  const at = new Date(`${day}T00:00:00+08:00`);
  if (!Number.isFinite(at.getTime())) return null;
  // Refuse days that do not exist (2025-02-30 would roll over to March).
  return chinaDay(at) === day ? at : null;
}

export function isCalendarDay(day: string): boolean {
  return startOfChinaDay(day) !== null;
}

/** The calendar day in China of an instant. */
export function chinaDay(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

export function reportPeriod(from: string, to: string): ReportPeriod {
  const start = startOfChinaDay(from);
  const last = startOfChinaDay(to);
  if (!start) throw new DomainException('REPORT_PERIOD_INVALID', { problem: `from ${from} is not a calendar day` }, { field: 'from' });
  if (!last) throw new DomainException('REPORT_PERIOD_INVALID', { problem: `to ${to} is not a calendar day` }, { field: 'to' });
  if (last < start) throw new DomainException('REPORT_PERIOD_INVALID', { problem: 'to is before from' }, { field: 'to' });
  return { from, to, start, end: new Date(last.getTime() + 86_400_000) };
}

/** This calendar year in China up to today: the default period of the JSON reports. */
export function yearToDate(now = new Date()): ReportPeriod {
  const today = chinaDay(now);
  return reportPeriod(`${today.slice(0, 4)}-01-01`, today);
}
