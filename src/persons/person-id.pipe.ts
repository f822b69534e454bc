import { ParseUUIDPipe } from '@nestjs/common';
import { badRequest } from '../http/problem';

/** `personId` in a path must be a UUID; the problem names the field. */
export const personIdPipe = new ParseUUIDPipe({ exceptionFactory: () => badRequest([{ field: 'personId', reason: 'must be a UUID' }]) });
