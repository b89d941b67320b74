import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
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

const MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * What class-validator cannot be trusted with: nesting deep enough to overflow the transformer's
 * recursion, keys that reach for prototypes (they slip past forbidNonWhitelisted), and NUL
 * characters, which Postgres text and jsonb cannot hold. Walked once, iteratively.
 */
function hostileShape(value: unknown): FieldError | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return { field: path || '(body)', constraints: { noNul: `${path || 'body'} must not contain NUL characters` } };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_DEPTH) return { field: path || '(body)', constraints: { maxDepth: `nesting deeper than ${MAX_DEPTH} levels` } };
    for (const key of Object.keys(v)) {
      const field = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) return { field, constraints: { forbiddenKey: `property ${key} is not allowed` } };
      if (key.includes('\u0000')) return { field: path || '(body)', constraints: { noNul: 'keys must not contain NUL characters' } };
      stack.push({ value: (v as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
  return null;
}

class HardenedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const problem = hostileShape(value);
      if (problem) throw new DomainException('VALIDATION_FAILED', {}, [problem]);
    }
    return super.transform(value, metadata);
  }
}

/** The global pipe: unknown fields are refused, types converted, and every failure listed by field. */
export function createValidationPipe(): ValidationPipe {
  return new HardenedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new DomainException('VALIDATION_FAILED', {}, flattenValidationErrors(errors).slice(0, 50)),
  });
}
