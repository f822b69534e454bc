import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ACCESS_PURPOSE_HEADER } from '../access-log/access-purpose';
import type { PersonRead } from '../application/person-reads';
import type { AuthenticatedRequest } from '../auth/auth.guard';

/** A read of a person's record as PersonReads checks and logs it: the caller, the purpose they state, the route. */
export const ReadAccess = createParamDecorator((_: unknown, context: ExecutionContext): PersonRead => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  return {
    actor: request.actor,
    purpose: request.headers[ACCESS_PURPOSE_HEADER],
    resource: `${request.baseUrl}${(request.route as { path?: string } | undefined)?.path ?? ''}`,
  };
});
