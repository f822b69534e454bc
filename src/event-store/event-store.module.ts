import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { LedgerMetrics } from '../metrics/metrics';
import type { EventStore } from './event-store';
import { EVENT_STORE } from './event-store.tokens';
import { meteredEventStore } from './metered-event-store';
import { openEventStore, type EventLogLocation } from './open-event-store';

/**
 * The event store under EVENT_STORE, where the configuration places the log (open-event-store.ts), with a
 * connection pool or client of its own; its appends counted in the app's metrics. Closed on shutdown.
 */
@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forRoot(location: EventLogLocation): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        {
          provide: EVENT_STORE,
          useFactory: (metrics: LedgerMetrics) => meteredEventStore(openEventStore(location), metrics),
          inject: [LedgerMetrics],
        },
      ],
      exports: [EVENT_STORE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
