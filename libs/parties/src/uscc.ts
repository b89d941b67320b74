import { registerDecorator, ValidationOptions } from 'class-validator';

/**
 * 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet (digits and capital
 * letters without I, O, S, V, Z); the last is a check character over the first 17, weights 3^i mod 31.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function usccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = ALPHABET.indexOf(first17[i]);
    if (value < 0) throw new Error(`Invalid USCC character ${first17[i]}`);
    sum += value * WEIGHTS[i];
  }
  return ALPHABET[(31 - (sum % 31)) % 31];
}

export type UsccProblem = 'LENGTH' | 'CHARACTER' | 'CHECK_CHARACTER';

/** Why a USCC is invalid, or null when it is valid. Lower case is not accepted: the code is printed in capitals. */
export function usccProblem(value: string): UsccProblem | null {
  if (value.length !== 18) return 'LENGTH';
  for (const ch of value) if (!ALPHABET.includes(ch)) return 'CHARACTER';
  return usccCheckCharacter(value.slice(0, 17)) === value[17] ? null : 'CHECK_CHARACTER';
}

export function isValidUscc(value: unknown): value is string {
  return typeof value === 'string' && usccProblem(value) === null;
}

/** Completes 17 characters into a valid USCC (used by seeds and test factories). */
export function withUsccCheckCharacter(first17: string): string {
  return first17 + usccCheckCharacter(first17);
}

export function IsUscc(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isUscc',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: (args) =>
          `${args.property} must be a valid 统一社会信用代码 (GB 32100-2015): ${usccProblem(String(args.value)) ?? 'INVALID'}`,
        ...options,
      },
      validator: { validate: (value: unknown) => isValidUscc(value) },
    });
}
