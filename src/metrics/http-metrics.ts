import type { NextFunction, Request, Response } from 'express';
import type { LedgerMetrics } from './metrics';

/**
 * Times every answer by its route template (never the concrete URL: ids must not become label values). A
 * middleware, not an interceptor: it sees the answers the guard gives before any handler runs (401, 403, 429)
 * and those of the body parsers (400, 413, 415), which an interceptor never sees.
 */
export function httpMetrics(metrics: LedgerMetrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const stopTimer = metrics.httpSeconds.startTimer();
    response.once('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
      const status = String(response.statusCode);
      stopTimer({ method: request.method, route, status });
      if (response.statusCode >= 400) metrics.httpErrors.inc({ route, status });
    });
    next();
  };
}
