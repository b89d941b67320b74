export * from './error-codes';
export * from './domain.exception';
export * from './error-response.dto';
export * from './api-errors.decorator';
export * from './all-exceptions.filter';
export * from './request-id';
export * from './validation';
