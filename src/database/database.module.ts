import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Pool } from 'pg';
import { resilientPool } from './pool';

export const DB_POOL = Symbol('pg.Pool');

/** The PostgreSQL connections: a `pg` pool, and TypeORM for read models. Both closed on shutdown. */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DB_POOL) private readonly pool: Pool) {}

  static forRoot(options: { url: string; poolSize: number }): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot({ type: 'postgres', url: options.url, synchronize: false, migrationsRun: false, logging: false })],
      providers: [{ provide: DB_POOL, useFactory: () => resilientPool(options.url, options.poolSize) }],
      exports: [DB_POOL],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
