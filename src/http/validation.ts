import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { isPlainString, KEY_CHARACTERS } from '../journey/event-data/characters';
import { badRequest, type FieldError } from './problem';

/**
 * Flattens class-validator's tree into `field: reason` pairs with dotted paths (`data.goals.0.domain`). An unknown
 * key holding control characters is named by where it was, never echoed.
 */
export function fieldErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    if (!isPlainString(error.property)) return [{ field: prefix || 'request', reason: KEY_CHARACTERS }];
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/** Unknown fields are errors, not silently dropped: a typo must not lose a fact. */
export function strictValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => badRequest(fieldErrors(errors)),
  });
}
