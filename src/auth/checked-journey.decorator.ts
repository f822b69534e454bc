import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { LoadedJourney } from '../journey/journey-stream';
import type { AuthenticatedRequest } from './auth.guard';

/**
 * The person's journey as AuthGuard read it to check that the caller may access them, so that a request reads
 * the stream once. Set for every route whose `:personId` is a UUID (any other is refused by personIdPipe before
 * the handler runs); a write appends against its revision, so a change made since is a conflict, never lost.
 */
export const CheckedJourney = createParamDecorator(
  (_: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<AuthenticatedRequest>().journey as LoadedJourney,
);
