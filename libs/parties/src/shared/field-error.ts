import { DomainException } from '@app/errors';

/**
 * A VALIDATION_FAILED for a rule that spans several fields (checked in the service, after the
 * ValidationPipe), in the same shape the pipe gives: a list of fields with their constraints.
 */
export function invalidField(field: string, constraint: string, message: string): DomainException {
  return new DomainException('VALIDATION_FAILED', {}, [{ field, constraints: { [constraint]: message } }]);
}
