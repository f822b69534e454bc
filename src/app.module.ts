import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { ApplicationModule } from './application/application.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AccessLogModule } from './access-log/access-log.module';
import type { TokenVerifier } from './auth/token-verifier';
import type { Configuration } from './config/configuration';
import { CohortReportsModule } from './cohort-reports/cohort-reports.module';
import { DatabaseModule } from './database/database.module';
import { ErasureModule } from './erasure/erasure.module';
import { EventStoreModule } from './event-store/event-store.module';
import { HealthController, READINESS_THRESHOLDS } from './health/health.controller';
import { ProblemFilter } from './http/problem.filter';
import { ImportsModule } from './imports/imports.module';
import { MetricsModule } from './metrics/metrics.module';
import { PersonsModule } from './persons/persons.module';
import { PersonalDataModule } from './personal-data/personal-data.module';
import { ProjectionsModule } from './projections/projections.module';
import { QueriesModule } from './queries/queries.module';
import { loggerOptions } from './logging';

export interface AppOptions {
  config: Configuration;
  databaseUrl: string;
  /** The PostgreSQL event log's database (Database.eventLogUrl): databaseUrl itself, another, or none on EventStoreDB. */
  eventLogUrl: string | undefined;
  tokenVerifier: TokenVerifier;
}

@Module({})
export class AppModule {
  static forRoot(options: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot(loggerOptions(options.config.LOG_LEVEL, options.config.JOURNEY_LOG_FILE)),
        CqrsModule.forRoot(),
        // Readiness failures are answered (a 503 naming each failed check) and logged once, by the problem filter.
        TerminusModule.forRoot({ logger: false }),
        MetricsModule,
        DatabaseModule.forRoot({ url: options.databaseUrl, poolSize: options.config.JOURNEY_DB_POOL_SIZE }),
        EventStoreModule.forRoot({
          eventStoreDb: options.config.EVENTSTORE_CONNECTION_STRING,
          eventLogUrl: options.eventLogUrl,
          poolSize: options.config.JOURNEY_DB_POOL_SIZE,
        }),
        AuthModule.forRoot({ tokenVerifier: options.tokenVerifier, authFailuresPerMinute: options.config.JOURNEY_AUTH_FAILURES_PER_MINUTE }),
        ApplicationModule,
        PersonsModule,
        PersonalDataModule.forRoot(options.config),
        ErasureModule,
        AccessLogModule,
        ImportsModule.forRoot(options.config),
        ProjectionsModule.forRoot(),
        QueriesModule,
        AuditModule.forRoot(options.config),
        CohortReportsModule,
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        {
          provide: READINESS_THRESHOLDS,
          useValue: {
            maxProjectionLag: options.config.JOURNEY_READY_MAX_PROJECTION_LAG,
            maxMerkleLag: options.config.JOURNEY_READY_MAX_MERKLE_LAG,
          },
        },
      ],
    };
  }
}
