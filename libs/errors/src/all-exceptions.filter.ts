import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainException } from './domain.exception';
import { ERROR_CODES, errorDefinition, formatMessage, pickLanguage } from './error-codes';
import { requestIdOf } from './request-id';

const STATUS_CODES: Record<number, keyof typeof ERROR_CODES> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Postgres SQLSTATE classes that mean "the database is not reachable right now", not "your data is wrong". */
const UNAVAILABLE_SQLSTATES = /^(08|53|57P0[1-3])/;
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.test(code) || UNAVAILABLE_NODE_CODES.has(code))) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
    error.message,
  );
}

interface Normalised {
  code: string;
  params: Record<string, unknown>;
  details: unknown;
  headers: Record<string, string>;
}

/**
 * The one place that turns anything thrown into the error shape
 * `{"error":{"code","message","details","requestId"}}`. Internals never reach the client:
 * an unexpected error is logged with its stack and answered with INTERNAL.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const requestId = requestIdOf(request, response);
    const normalised = this.normalise(exception, request);
    const { status } = errorDefinition(normalised.code);
    if (status >= 500) {
      this.logger.error(
        { requestId, code: normalised.code, err: exception instanceof Error ? { message: exception.message, stack: exception.stack } : exception },
        'request failed',
      );
    }
    if (response.headersSent) return;
    for (const [name, value] of Object.entries(normalised.headers)) response.setHeader(name, value);
    const language = pickLanguage(request.headers['accept-language']);
    response.status(status).json({
      error: {
        code: normalised.code,
        message: formatMessage(normalised.code, language, normalised.params),
        details: normalised.details ?? null,
        requestId,
      },
    });
  }

  private normalise(exception: unknown, request: Request): Normalised {
    if (exception instanceof DomainException) {
      return { code: exception.code, params: exception.params, details: exception.details, headers: exception.headers };
    }
    if (exception instanceof ThrottlerException) {
      return { code: 'RATE_LIMITED', params: {}, details: null, headers: { 'Retry-After': '60' } };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : body;
      if (status === 404 && typeof message === 'string' && message.startsWith('Cannot ')) {
        return { code: 'ROUTE_NOT_FOUND', params: { method: request.method, path: request.path }, details: null, headers: {} };
      }
      // body-parser failures reach us as 400 HttpExceptions whose cause is the parser error.
      const cause = (exception as { cause?: { type?: string } }).cause;
      if (status === 400 && (cause?.type === 'entity.parse.failed' || (typeof message === 'string' && /JSON/.test(message)))) {
        return { code: 'MALFORMED_JSON', params: {}, details: null, headers: {} };
      }
      return { code: STATUS_CODES[status] ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED'), params: {}, details: null, headers: {} };
    }
    const raw = exception as { type?: string; status?: number };
    if (raw && raw.type === 'entity.parse.failed') return { code: 'MALFORMED_JSON', params: {}, details: null, headers: {} };
    if (raw && raw.type === 'entity.too.large') return { code: 'PAYLOAD_TOO_LARGE', params: {}, details: null, headers: {} };
    if (raw && typeof raw.status === 'number' && raw.status >= 400 && raw.status < 500 && STATUS_CODES[raw.status]) {
      return { code: STATUS_CODES[raw.status], params: {}, details: null, headers: {} };
    }
    if (isDatabaseUnavailable(exception) || (exception instanceof QueryFailedError && isDatabaseUnavailable(exception.driverError))) {
      return { code: 'SERVICE_UNAVAILABLE', params: {}, details: null, headers: { 'Retry-After': '5' } };
    }
    return { code: 'INTERNAL', params: {}, details: null, headers: {} };
  }
}
