import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { IdempotencyKeyReused, ImportRejected, InvalidRequest, PersonNotFound, RevisionMismatch } from '../application/errors';
import { RoleNotAllowed, TooManyFailedAuthentications, Unauthenticated } from '../auth/auth-errors';
import { WrongExpectedRevisionError } from '../event-store/event-store';
import { JourneyRuleViolation } from '../journey/domain';
import { badRequest, conflict, notFound, ProblemError, ruleBroken, sendProblem, tooManyRequests } from './problem';

/**
 * The HTTP edge's one mapping from what the application refuses to application/problem+json. Never a stack trace
 * or an internal message to the client: unexpected errors answer a plain 500 and are logged server-side (without
 * request bodies).
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const problem = problemOf(error);
    if (problem.problem.status >= 500) {
      // A refusal the app chose (not ready, the Merkle log builder stopped) is one line in its own words, a warning:
      // readiness probes meet it every few seconds while read models catch up. Anything unexpected keeps its stack.
      if (error instanceof ProblemError) this.logger.warn(`${problem.problem.status} ${problem.problem.title}: ${problem.problem.detail ?? ''}`);
      else this.logger.error(error instanceof Error ? error.stack : String(error));
    }
    sendProblem(host.switchToHttp().getResponse<Response>(), problem);
  }
}

function problemOf(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof InvalidRequest) return badRequest(error.errors, error.message);
  if (error instanceof ImportRejected) {
    const { problem } = badRequest(error.errors, error.message);
    return new ProblemError({ ...problem, moreBadLines: error.moreBadLines });
  }
  if (error instanceof PersonNotFound) return notFound(error.message);
  if (error instanceof JourneyRuleViolation) return ruleBroken(error.rule, error.message);
  if (error instanceof IdempotencyKeyReused) return ruleBroken(error.rule, error.message);
  if (error instanceof RevisionMismatch) return conflict(error.message);
  if (error instanceof WrongExpectedRevisionError) {
    return conflict(`The journey changed meanwhile (now at revision ${String(error.actual)}); nothing was written`);
  }
  if (error instanceof Unauthenticated) {
    return new ProblemError({ type: 'about:blank#unauthorized', title: 'Unauthorized', status: 401, detail: error.message }, { 'www-authenticate': 'Bearer' });
  }
  if (error instanceof RoleNotAllowed) {
    return new ProblemError({ type: 'about:blank#forbidden', title: 'Forbidden', status: 403, detail: error.message });
  }
  if (error instanceof TooManyFailedAuthentications) return tooManyRequests(error.retryAfterSeconds, error.message);
  if (error instanceof HttpException) {
    return new ProblemError({ type: 'about:blank', title: error.message, status: error.getStatus() });
  }
  return new ProblemError({ type: 'about:blank', title: 'Internal server error', status: 500 });
}
