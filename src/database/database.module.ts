import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Pool } from 'pg';
import type { EventStore } from '../event-store/event-store';
import { EVENT_STORE } from '../event-store/event-store.tokens';
import { EventStoreDbEventStore } from '../event-store/eventstoredb-event-store';
import { PostgresEventStore } from '../event-store/postgres-event-store';
import { meteredEventStore } from '../metrics/metered-event-store';
import { LedgerMetrics } from '../metrics/metrics';
import { resilientPool } from './pool';

export const DB_POOL = Symbol('pg.Pool');


/**
 * The PostgreSQL connections (a `pg` pool, TypeORM for read models) and the event store: on PostgreSQL by default,
 * on EventStoreDB when a connection string is configured. All closed on shutdown.
 */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DB_POOL) private readonly pool: Pool, @Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forRoot(options: { url: string; poolSize: number; eventStoreDb?: string }): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: options.url, synchronize: false, migrationsRun: false, logging: false }),
      ],
      providers: [
        LedgerMetrics,
        { provide: DB_POOL, useFactory: () => resilientPool(options.url, options.poolSize) },
        {
          provide: EVENT_STORE,
          useFactory: (pool: Pool, metrics: LedgerMetrics) =>
            meteredEventStore(options.eventStoreDb ? new EventStoreDbEventStore(options.eventStoreDb) : new PostgresEventStore(pool), metrics),
          inject: [DB_POOL, LedgerMetrics],
        },
      ],
      exports: [DB_POOL, EVENT_STORE, LedgerMetrics],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    await this.pool.end();
  }
}
