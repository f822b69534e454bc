import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Observable } from 'rxjs';
import { LedgerMetrics } from './metrics';

/** Times each request by its route template (never the concrete URL: ids must not become label values). */
@Injectable()
export class HttpMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: LedgerMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const stopTimer = this.metrics.httpSeconds.startTimer();
    response.once('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
      const status = String(response.statusCode);
      stopTimer({ method: request.method, route, status });
      if (response.statusCode >= 400) this.metrics.httpErrors.inc({ route, status });
    });
    return next.handle();
  }
}
