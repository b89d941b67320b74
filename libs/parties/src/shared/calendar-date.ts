import { registerDecorator, ValidationOptions } from 'class-validator';
import { invalidField } from './field-error';

/** China has one time zone and no daylight saving: a calendar day there starts at 16:00 UTC the day before. */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD (2025-02-30 is not one). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE_ONLY.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/**
 * The calendar day (YYYY-MM-DD, China time) a moment falls on; a date-only string is taken as it is.
 * Licence validity is a matter of calendar days, so every check compares days, never instants.
 */
export function calendarDay(on: Date | string, field = 'date'): string {
  if (typeof on === 'string' && DATE_ONLY.test(on)) {
    if (!isCalendarDate(on)) throw invalidField(field, 'isCalendarDate', `${field} must be a real date (YYYY-MM-DD)`);
    return on;
  }
  const moment = typeof on === 'string' ? new Date(on) : on;
  if (Number.isNaN(moment.getTime())) throw invalidField(field, 'isDate', `${field} must be a date (YYYY-MM-DD) or an ISO 8601 timestamp`);
  return new Date(moment.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Today in China. */
export function today(): string {
  return calendarDay(new Date());
}

/** class-validator: a real calendar date written YYYY-MM-DD. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: (args) => `${args.property} must be a real calendar date written YYYY-MM-DD`, ...options },
      validator: { validate: (value: unknown) => isCalendarDate(value) },
    });
}
