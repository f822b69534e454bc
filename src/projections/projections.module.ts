import { Inject, Injectable, Logger, Module, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EventStore } from '../event-store/event-store';
import { EVENT_STORE } from '../event-store/event-store.tokens';
import { LedgerMetrics } from '../metrics/metrics';
import { parkedCounts } from './parked-events';
import { ProjectionRunner } from './projection-runner';
import { READ_MODEL_NAMES } from './read-models';

export interface ProjectionsModuleOptions {
  /** Run the projection runner inside this process (default true); false when a separate `projections run` does. */
  runner?: boolean;
}

const PROJECTIONS_OPTIONS = Symbol('ProjectionsModuleOptions');

/** The projection runner, following the log for the app's lifetime; stopped before the database closes. */
@Injectable()
export class ProjectionWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Projections');
  readonly runner: ProjectionRunner;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    dataSource: DataSource,
    @Inject(PROJECTIONS_OPTIONS) private readonly options: ProjectionsModuleOptions,
    metrics: LedgerMetrics,
  ) {
    this.runner = new ProjectionRunner(store, dataSource, undefined, {
      onError: (error) => this.logger.error(`runner failed (${error instanceof Error ? error.message : 'unknown'}); resuming from checkpoint`),
      onParked: ({ projection, position, errorClass }) =>
        this.logger.warn(`${projection}: parked the event at position ${position} (${errorClass}); see projections status`),
    });
    metrics.observeParkedEvents(READ_MODEL_NAMES, () => parkedCounts(dataSource.manager));
  }

  onApplicationBootstrap(): void {
    if (this.options.runner ?? true) this.runner.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}

/**
 * The read models, kept up to date by the projection runner. Needs, from the app: the EventStore under EVENT_STORE,
 * and TypeORM's DataSource (TypeOrmModule.forRoot), on a database migrated with src/database/migrations.
 */
@Module({})
export class ProjectionsModule {
  static forRoot(options: ProjectionsModuleOptions = {}): DynamicModule {
    return {
      module: ProjectionsModule,
      providers: [{ provide: PROJECTIONS_OPTIONS, useValue: options }, ProjectionWorker],
      exports: [ProjectionWorker],
    };
  }
}
