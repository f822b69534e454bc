import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { InvalidRequest } from '../application/errors';
import { isPlainString, KEY_CHARACTERS, type FieldError } from '../journey/event-data';

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

/** Unknown fields are errors, not silently dropped: a typo must not lose what was meant. */
export function strictValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new InvalidRequest(fieldErrors(errors)),
  });
}

const bodyPipe = strictValidationPipe();

/**
 * A body validated as the global pipe validates a route's typed body, for a route that reads its body only once
 * the caller may access the person (see application/journey-commands.ts, ReadRequest).
 */
export async function validatedBody<T extends object>(type: new () => T, body: unknown): Promise<T> {
  return (await bodyPipe.transform(body, { type: 'body', metatype: type })) as T;
}
