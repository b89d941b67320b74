import { ApiProperty } from '@nestjs/swagger';

export class ErrorBody {
  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable, machine-readable error code.' })
  code: string;

  @ApiProperty({ example: 'The request is not valid.', description: 'Message in the language asked for by Accept-Language (zh or en).' })
  message: string;

  @ApiProperty({ nullable: true, description: 'Structured details, e.g. the failing fields of a validation error.', example: null })
  details: unknown;

  @ApiProperty({ example: '6f1c2a9e-4b7d-4e0a-9c55-0d2e3f4a5b6c', description: 'The request id, also in the X-Request-Id header and every log line.' })
  requestId: string;
}

export class ErrorResponse {
  @ApiProperty({ type: ErrorBody })
  error: ErrorBody;
}
