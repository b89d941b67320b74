import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { errorDefinition } from './error-codes';
import { ErrorResponse } from './error-response.dto';

/**
 * Documents the errors an endpoint can answer with, grouped by HTTP status, each with its code.
 * Validation, authentication and rate-limit errors are added for every endpoint by the OpenAPI setup.
 */
export function ApiErrors(...codes: string[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, string[]>();
  for (const code of codes) {
    const { status } = errorDefinition(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(
    ApiExtraModels(ErrorResponse),
    ...[...byStatus.entries()].map(([status, list]) =>
      ApiResponse({
        status,
        description: `Error codes: ${list.join(', ')}`,
        schema: { $ref: getSchemaPath(ErrorResponse) },
      }),
    ),
  );
}
