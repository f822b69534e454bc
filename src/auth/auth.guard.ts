import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Actor, Role } from './actor';
import { RoleNotAllowed, TooManyFailedAuthentications, Unauthenticated } from './auth-errors';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { TokenVerifier } from './token-verifier';

const PUBLIC = 'journey:public';
const ROLES_ALLOWED = 'journey:roles';

/** Marks a route that answers without a token (health, published audit keys). */
export const Public = () => SetMetadata(PUBLIC, true);
/** The roles that may call a route; a route with neither @Public nor @Roles is closed to everyone. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_ALLOWED, roles);

export type AuthenticatedRequest = Request & { actor: Actor };

/** Who may call a route, by its handler and controller: anyone, or the bearers of one of these roles (none: nobody). */
export function routeAccess(reflector: Reflector, targets: Parameters<Reflector['getAllAndOverride']>[1]): 'public' | readonly Role[] {
  if (reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return 'public';
  return reflector.getAllAndOverride<Role[]>(ROLES_ALLOWED, targets) ?? [];
}

/**
 * Global guard, in order: a valid bearer token (401; 429 once its address failed too often), then one of the
 * route's roles (403). Routes marked @Public skip both. Which persons an organisation may see is the application
 * layer's to check (application/person-access.ts), where the journey is read anyway.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly failures: AuthFailureLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const allowed = routeAccess(this.reflector, [context.getHandler(), context.getClass()]);
    if (allowed === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.actor = await this.authenticate(request);
    if (!request.actor.roles.some((role) => allowed.includes(role))) throw new RoleNotAllowed();
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
    if (wait > 0) throw new TooManyFailedAuthentications(wait);
    this.failures.recordFailure(client);
    throw new Unauthenticated(bearer ? 'The token is invalid or expired' : 'A bearer token is required');
  }
}
