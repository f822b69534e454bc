import { Global, Inject, Logger, Module, type DynamicModule, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Configuration } from '../config/configuration';
import { DB_POOL } from '../database/database.module';
import type { EventStore } from '../event-store/event-store';
import { EVENT_STORE } from '../event-store/event-store.tokens';
import { LedgerMetrics } from '../metrics/metrics';
import { AuditController } from './audit.controller';
import { loadCheckpointKey } from './checkpoint-key';
import { CheckpointSchedule } from './checkpoint-schedule';
import { CheckpointSigner } from './checkpoint-signer';
import { MerkleLog, MerkleLogBuilder } from './merkle-log';
import { MERKLE_LOG_BUILDER_OPTIONS, merkleLogLag } from './merkle-log-following';

/**
 * Integrity for auditors: the Merkle log builder follows the store from start to shutdown, checkpoints
 * are signed on schedule and on demand, and the audit API serves notes, proofs and exports. Global: one builder
 * per app, whose position cohort reports wait for too, and one signer.
 */
@Global()
@Module({})
export class AuditModule implements OnModuleInit, OnModuleDestroy {
  constructor(
    private readonly builder: MerkleLogBuilder,
    private readonly schedule: CheckpointSchedule,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly metrics: LedgerMetrics,
  ) {}

  static forRoot(config: Configuration): DynamicModule {
    const logger = new Logger('Checkpoints');
    return {
      module: AuditModule,
      controllers: [AuditController],
      providers: [
        { provide: MerkleLog, useFactory: (pool: Pool) => new MerkleLog(pool), inject: [DB_POOL] },
        {
          provide: MerkleLogBuilder,
          useFactory: (pool: Pool, store: EventStore) =>
            new MerkleLogBuilder(pool, store, {
              ...MERKLE_LOG_BUILDER_OPTIONS,
              onFailure: (error) => new Logger('MerkleLog').error(`The Merkle log builder stopped: ${error.message}`),
            }),
          inject: [DB_POOL, EVENT_STORE],
        },
        {
          provide: CheckpointSigner,
          useFactory: async (pool: Pool, log: MerkleLog) => new CheckpointSigner(pool, log, await loadCheckpointKey(config), config.JOURNEY_CHECKPOINT_ORIGIN),
          inject: [DB_POOL, MerkleLog],
        },
        {
          provide: CheckpointSchedule,
          useFactory: (signer: CheckpointSigner, builder: MerkleLogBuilder) =>
            new CheckpointSchedule(
              signer,
              () => builder.head,
              { everyEvents: config.JOURNEY_CHECKPOINT_EVERY_EVENTS, everyMs: config.JOURNEY_CHECKPOINT_EVERY_SECONDS * 1000 },
              (error) => logger.error(`Checkpoint not signed: ${error.message}`),
            ),
          inject: [CheckpointSigner, MerkleLogBuilder],
        },
      ],
      exports: [MerkleLog, MerkleLogBuilder, CheckpointSigner],
    };
  }

  async onModuleInit(): Promise<void> {
    await this.builder.start();
    await this.schedule.start();
    this.metrics.observeMerkleLog({
      leaves: () => this.builder.head.size,
      lag: () => merkleLogLag(this.builder, this.store),
    });
  }

  // Module destruction runs before the store closes and the pool ends, at application shutdown.
  async onModuleDestroy(): Promise<void> {
    await this.schedule.stop();
    await this.builder.stop();
  }
}
