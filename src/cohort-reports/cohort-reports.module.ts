import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessLog } from '../access-log/access-log';
import { CheckpointSigner } from '../audit/checkpoint-signer';
import { MerkleLog, MerkleLogBuilder } from '../audit/merkle-log';
import { merkleLogReached } from '../audit/merkle-log-following';
import type { EventStore } from '../event-store/event-store';
import { EVENT_STORE } from '../event-store/event-store.tokens';
import { ReadModelPosition } from '../queries/read-your-writes';
import { CohortFactsQuery } from './cohort-facts.query';
import { CohortReports } from './cohort-reports';
import { CohortReportsController } from './cohort-reports.controller';
import { COHORT_FACTS, cohortFactsParkedThrough, logCohortRead } from './cohort-sources';

/**
 * Cohort reports in the server: the sources are the app's own followers (the Merkle log builder, the projection
 * runner), waited for; every report is written to the access log.
 */
@Module({
  controllers: [CohortReportsController],
  providers: [
    ReadModelPosition,
    { provide: CohortFactsQuery, useFactory: (dataSource: DataSource) => new CohortFactsQuery(dataSource), inject: [DataSource] },
    {
      provide: CohortReports,
      useFactory: (
        store: EventStore,
        log: MerkleLog,
        builder: MerkleLogBuilder,
        signer: CheckpointSigner,
        facts: CohortFactsQuery,
        readModel: ReadModelPosition,
        dataSource: DataSource,
        accessLog: AccessLog,
      ) =>
        new CohortReports(store, log, signer, facts, {
          async merkleLogThrough(position) {
            await merkleLogReached(builder, position);
            return (await log.head()).size;
          },
          cohortFactsThrough: (position) => readModel.reached(COHORT_FACTS, position),
          parkedThrough: (position) => cohortFactsParkedThrough(dataSource.manager, position),
          logRead: (requester, treeSize) => logCohortRead(accessLog, requester, treeSize),
        }),
      inject: [EVENT_STORE, MerkleLog, MerkleLogBuilder, CheckpointSigner, CohortFactsQuery, ReadModelPosition, DataSource, AccessLog],
    },
  ],
})
export class CohortReportsModule {}
