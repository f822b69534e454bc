import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ProblemError } from '../http/problem';
import type { Actor, Role } from './actor';
import { TokenVerifier } from './token-verifier';

const PUBLIC = 'journey:public';
const ROLES_ALLOWED = 'journey:roles';

/** Marks a route that answers without a token (health, published audit keys). */
export const Public = () => SetMetadata(PUBLIC, true);
/** The roles that may call a route; a route with neither @Public nor @Roles is closed to everyone. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_ALLOWED, roles);

export type AuthenticatedRequest = Request & { actor: Actor };

function unauthorized(detail: string): ProblemError {
  return new ProblemError(
    { type: 'about:blank#unauthorized', title: 'Unauthorized', status: 401, detail },
    { 'www-authenticate': 'Bearer' },
  );
}

function forbidden(): ProblemError {
  return new ProblemError({ type: 'about:blank#forbidden', title: 'Forbidden', status: 403, detail: 'Your role may not do this' });
}

/** Global guard: every route needs a valid bearer token and one of its roles, unless marked @Public. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly verifier: TokenVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) throw unauthorized('A bearer token is required');
    try {
      request.actor = await this.verifier.verify(token);
    } catch {
      throw unauthorized('The token is invalid or expired');
    }
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_ALLOWED, targets) ?? [];
    if (!request.actor.roles.some((role) => allowed.includes(role))) throw forbidden();
    return true;
  }
}
