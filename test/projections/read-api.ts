import { Global, Module, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import request from 'supertest';
import { AccessLog } from '../../src/access-log/access-log';
import { PersonReads } from '../../src/application/person-reads';
import { DB_POOL } from '../../src/database/database.module';
import { EVENT_STORE } from '../../src/event-store/event-store.tokens';
import { ProblemFilter } from '../../src/http/problem.filter';
import { LedgerMetrics } from '../../src/metrics/metrics';
import { strictValidationPipe } from '../../src/http/validation';
import { ProjectionsModule } from '../../src/projections/projections.module';
import { QueriesModule } from '../../src/queries/queries.module';
import { ReadModelPosition } from '../../src/queries/read-your-writes';
import { openReadModelDatabase, type ReadModelDatabase } from './read-model-database';

export interface ReadApi {
  db: ReadModelDatabase;
  app: INestApplication;
  http: () => ReturnType<typeof request>;
  close(): Promise<void>;
}

/**
 * ProjectionsModule and QueriesModule in a Nest app wired as the app module does (EventStore under EVENT_STORE, metrics, TypeORM's
 * DataSource, the reads of a person's record with their access log, the strict validation pipe and problem
 * filter), its runner following the log.
 */
export async function startReadApi(options: { runner?: boolean; readYourWritesTimeoutMs?: number } = {}): Promise<ReadApi> {
  const db = await openReadModelDatabase();
  @Global()
  @Module({
    providers: [{ provide: EVENT_STORE, useValue: db.store }, { provide: DB_POOL, useValue: db.pool }, LedgerMetrics, AccessLog, PersonReads],
    exports: [EVENT_STORE, LedgerMetrics, PersonReads],
  })
  class EventStoreModule {}
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({ type: 'postgres', url: db.url, synchronize: false, logging: false }),
      EventStoreModule,
      ProjectionsModule.forRoot({ runner: options.runner ?? true }),
      QueriesModule,
    ],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  // Authentication is not what these specs test (src/auth's own specs and the access matrix do): the caller is a
  // programme manager of the organisation named by the x-test-org header (default org-a), as AuthGuard would set,
  // who states the purpose of their reads as every client must (quality_assurance unless the request says).
  app.use((request: { headers: Record<string, unknown>; actor?: unknown }, _response: unknown, next: () => void) => {
    request.actor = { sub: 'test-manager', roles: ['programme_manager'], org: request.headers['x-test-org'] ?? 'org-a' };
    request.headers['x-access-purpose'] ??= 'quality_assurance';
    next();
  });
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  if (options.readYourWritesTimeoutMs !== undefined) app.get(ReadModelPosition).timeoutMs = options.readYourWritesTimeoutMs;
  await app.init();
  return {
    db,
    app,
    http: () => request(app.getHttpServer()),
    async close() {
      await app.close();
      await db.close();
    },
  };
}
