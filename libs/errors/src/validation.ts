import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainException } from './domain.exception';

export interface FieldError {
  field: string;
  constraints: Record<string, string>;
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) out.push({ field, constraints: error.constraints });
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

/** The global pipe: unknown fields are refused, types converted, and every failure listed by field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new DomainException('VALIDATION_FAILED', {}, flattenValidationErrors(errors).slice(0, 50)),
  });
}
