import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The figures /metrics serves. One registry per app instance, so tests can run several apps in one process. */
export class LedgerMetrics {
  readonly registry = new Registry();

  readonly eventsAppended = new Counter({
    name: 'journey_events_appended_total',
    help: 'Events appended to the event store',
    registers: [this.registry],
  });

  readonly appendFailures = new Counter({
    name: 'journey_append_failures_total',
    help: 'Appends that failed, by reason (conflict, error)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly appendSeconds = new Histogram({
    name: 'journey_append_duration_seconds',
    help: 'Latency of one append call to the event store',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  readonly httpSeconds = new Histogram({
    name: 'journey_http_request_duration_seconds',
    help: 'Latency of HTTP requests, by route template, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });

  readonly httpErrors = new Counter({
    name: 'journey_http_errors_total',
    help: 'HTTP answers with a 4xx or 5xx status, by route template and status',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Events each projection parked (could not apply), counted at each scrape: a read model missing events is seen. */
  observeParkedEvents(projections: readonly string[], counts: () => Promise<ReadonlyMap<string, number>>): void {
    new Gauge({
      name: 'journey_projection_parked_events',
      help: 'Events a projection could not apply, set aside until `projections retry` applies them',
      labelNames: ['projection'] as const,
      registers: [this.registry],
      async collect() {
        const parked = await counts();
        for (const projection of projections) this.set({ projection }, parked.get(projection) ?? 0);
      },
    });
  }

  /**
   * The Merkle log's size (in memory) and how far it trails the event log (one read of the store's head), taken
   * at each scrape: its lag is bounded, and seen.
   */
  observeMerkleLog(log: { leaves: () => number; lag: () => Promise<number> }): void {
    new Gauge({
      name: 'journey_merkle_log_leaves',
      help: 'Leaves (events) in the Merkle log',
      registers: [this.registry],
      collect() {
        this.set(log.leaves());
      },
    });
    new Gauge({
      name: 'journey_merkle_log_lag',
      help: 'Global positions the Merkle log is behind the event log\u2019s head (events, on PostgreSQL)',
      registers: [this.registry],
      async collect() {
        this.set(await log.lag());
      },
    });
  }
}
