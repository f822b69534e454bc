import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { WrongExpectedRevisionError } from '../event-store/event-store';
import { JourneyRuleViolation } from '../journey/domain';
import { conflict, ProblemError, ruleBroken, sendProblem } from './problem';

/**
 * Renders every error as application/problem+json. Never a stack trace or an internal message to the client:
 * unexpected errors answer a plain 500 and are logged server-side (without request bodies).
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const problem = this.toProblem(error);
    if (problem.problem.status >= 500) this.logger.error(error instanceof Error ? error.stack : String(error));
    sendProblem(host.switchToHttp().getResponse<Response>(), problem);
  }

  private toProblem(error: unknown): ProblemError {
    if (error instanceof ProblemError) return error;
    if (error instanceof JourneyRuleViolation) return ruleBroken(error.rule, error.message);
    if (error instanceof WrongExpectedRevisionError) {
      return conflict(`The journey changed meanwhile (now at revision ${String(error.actual)}); nothing was written`);
    }
    if (error instanceof HttpException) {
      return new ProblemError({ type: 'about:blank', title: error.message, status: error.getStatus() });
    }
    return new ProblemError({ type: 'about:blank', title: 'Internal server error', status: 500 });
  }
}
