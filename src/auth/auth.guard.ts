import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AccessLog } from '../access-log/access-log';
import { accessPurposeFrom, ACCESS_PURPOSE_HEADER } from '../access-log/access-purpose';
import { ProblemError, tooManyRequests } from '../http/problem';
import type { Actor, Role } from './actor';
import { AuthFailureLimiter } from './auth-failure-limiter';
import type { LoadedJourney } from '../journey/journey-stream';
import { PersonScope } from './person-scope';
import { TokenVerifier } from './token-verifier';

const PUBLIC = 'journey:public';
const ROLES_ALLOWED = 'journey:roles';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Marks a route that answers without a token (health, published audit keys). */
export const Public = () => SetMetadata(PUBLIC, true);
/** The roles that may call a route; a route with neither @Public nor @Roles is closed to everyone. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_ALLOWED, roles);

export type AuthenticatedRequest = Request & {
  actor: Actor;
  /** The journey of the route's `:personId`, read for the access check (see CheckedJourney). */
  journey?: LoadedJourney;
};

function unauthorized(detail: string): ProblemError {
  return new ProblemError(
    { type: 'about:blank#unauthorized', title: 'Unauthorized', status: 401, detail },
    { 'www-authenticate': 'Bearer' },
  );
}

function forbidden(): ProblemError {
  return new ProblemError({ type: 'about:blank#forbidden', title: 'Forbidden', status: 403, detail: 'Your role may not do this' });
}

/**
 * Global guard, in order: a valid bearer token (401; 429 once its address failed too often), one of the route's
 * roles (403), and on every route about a person (`:personId`), the organisation's access to them (404 as for
 * nobody). A read of a person's record (GET, or HEAD, which Express answers with the GET route) states its
 * purpose (`X-Access-Purpose`, 400) and is logged before it is answered. Routes marked @Public skip all of it.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly failures: AuthFailureLimiter,
    private readonly scope: PersonScope,
    private readonly accessLog: AccessLog,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.actor = await this.authenticate(request);
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_ALLOWED, targets) ?? [];
    if (!request.actor.roles.some((role) => allowed.includes(role))) throw forbidden();
    const personId = request.params?.personId;
    if (typeof personId === 'string' && UUID.test(personId)) await this.checkPersonAccess(request, personId.toLowerCase());
    return true;
  }

  private async authenticate(request: Request): Promise<Actor> {
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    const bearer = scheme === 'Bearer' && Boolean(token);
    const actor = bearer ? await this.verifier.verify(token).catch(() => undefined) : undefined;
    // A valid token always passes: failures from a shared address (a NAT, a proxy) lock no one else out.
    if (actor) return actor;
    const client = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    const wait = this.failures.retryAfter(client);
    if (wait > 0) throw tooManyRequests(wait, 'Too many failed authentications from this address; try again later');
    this.failures.recordFailure(client);
    throw unauthorized(bearer ? 'The token is invalid or expired' : 'A bearer token is required');
  }

  private async checkPersonAccess(request: AuthenticatedRequest, personId: string): Promise<void> {
    request.journey = await this.scope.journeyFor(request.actor, personId);
    if (request.method !== 'GET' && request.method !== 'HEAD') return;
    const purpose = accessPurposeFrom(request.headers[ACCESS_PURPOSE_HEADER]);
    await this.accessLog.record({
      actor: request.actor.sub,
      organisationId: request.actor.org,
      personId,
      resource: `${request.baseUrl}${request.route?.path ?? ''}`,
      purpose,
    });
  }
}
