import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import { DB_POOL } from '../database/database.module';
import { LedgerMetrics } from '../metrics/metrics';
import type { EventStore } from './event-store';
import { EVENT_STORE } from './event-store.tokens';
import { EventStoreDbEventStore } from './eventstoredb-event-store';
import { meteredEventStore } from './metered-event-store';
import { PostgresEventStore } from './postgres-event-store';

/**
 * The event store under EVENT_STORE: on PostgreSQL (DatabaseModule's pool) by default, on EventStoreDB when a
 * connection string is configured; its appends counted in the app's metrics. Closed on shutdown, before the pool
 * ends: the app registers this module after DatabaseModule, and Nest shuts global modules down in reverse order.
 */
@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forRoot(options: { eventStoreDb?: string }): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        {
          provide: EVENT_STORE,
          useFactory: (pool: Pool, metrics: LedgerMetrics) =>
            meteredEventStore(options.eventStoreDb ? new EventStoreDbEventStore(options.eventStoreDb) : new PostgresEventStore(pool), metrics),
          inject: [DB_POOL, LedgerMetrics],
        },
      ],
      exports: [EVENT_STORE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
