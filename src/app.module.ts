import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.module';
import { AuthGuard } from './auth/auth.guard';
import { TokenVerifier } from './auth/token-verifier';
import type { Configuration } from './config/configuration';
import { DatabaseModule } from './database/database.module';
import { HealthController } from './health/health.controller';
import { ProblemFilter } from './http/problem.filter';
import { ImportsModule } from './imports/imports.module';
import { HttpMetricsInterceptor } from './metrics/http-metrics.interceptor';
import { MetricsController } from './metrics/metrics.controller';
import { PersonsModule } from './persons/persons.module';
import { loggerOptions } from './logging';

export interface AppOptions {
  config: Configuration;
  databaseUrl: string;
  tokenVerifier: TokenVerifier;
}

@Module({})
export class AppModule {
  static forRoot(options: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot(loggerOptions(options.config.LOG_LEVEL)),
        CqrsModule.forRoot(),
        TerminusModule,
        DatabaseModule.forRoot({ url: options.databaseUrl, poolSize: options.config.JOURNEY_DB_POOL_SIZE }),
        PersonsModule,
        ImportsModule,
        AuditModule.forRoot(options.config),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: TokenVerifier, useValue: options.tokenVerifier },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: HttpMetricsInterceptor },
      ],
    };
  }
}
