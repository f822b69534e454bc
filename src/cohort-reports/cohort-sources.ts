import type { Pool } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { AccessLog } from '../access-log/access-log';
import { MerkleLog, MerkleLogBuilder } from '../audit/merkle-log';
import { MERKLE_LOG_BUILDER_OPTIONS } from '../audit/merkle-log-following';
import type { EventStore } from '../event-store/event-store';
import { readCheckpoints } from '../projections/checkpoints';
import { parkedEvents } from '../projections/parked-events';
import { ProjectionRunner } from '../projections/projection-runner';
import { readModelsNamed } from '../projections/read-models';
import type { CohortRequester, CohortSources } from './cohort-reports';

export const COHORT_FACTS = 'cohort_facts';

/** Events of cohort_facts parked at or before `position`: a report over them would miss facts. */
export async function cohortFactsParkedThrough(manager: EntityManager, position: number): Promise<number> {
  const parked = await parkedEvents(manager, [COHORT_FACTS]);
  return parked.filter((event) => event.position <= position).length;
}

/** Every report is a read over the tree's persons: logged as such, with who asked and over which leaves. */
export function logCohortRead(accessLog: AccessLog, requester: CohortRequester, treeSize: number): Promise<void> {
  return accessLog.recordExport({
    actor: requester.actor,
    organisationId: requester.organisationId,
    resource: '/cohort-reports',
    range: { from: 0, to: treeSize },
  });
}

/** What a long catch-up tells whoever shows progress: done out of total, in log positions. */
export type CatchUpProgress = (phase: 'merkle log' | 'cohort facts', done: number, total: number) => void;

const POLL_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The sources of a report computed without a server (the CLI): the command brings the Merkle log and cohort_facts
 * up to date itself. Beside a running server this is safe too: the projection runner takes the checkpoint's lock,
 * and a second Merkle log builder fails on the head's compare-and-swap rather than fork the tree, after which the
 * command waits for the server's builder instead.
 */
export function standaloneSources(pool: Pool, store: EventStore, dataSource: DataSource, progress: CatchUpProgress): CohortSources {
  const log = new MerkleLog(pool);
  return {
    async merkleLogThrough(position) {
      if ((await log.head()).position < position) {
        const builder = new MerkleLogBuilder(pool, store, MERKLE_LOG_BUILDER_OPTIONS);
        await builder.start();
        const watching = setInterval(() => progress('merkle log', builder.head.position, position), POLL_MS);
        try {
          await builder.waitFor(position).catch(async () => {
            while ((await log.head()).position < position) await sleep(POLL_MS);
          });
        } finally {
          clearInterval(watching);
          await builder.stop();
        }
        progress('merkle log', position, position);
      }
      return (await log.head()).size;
    },
    async cohortFactsThrough(position) {
      const reached = async () => (await readCheckpoints(dataSource.manager, [COHORT_FACTS]))[0]?.position ?? 0;
      if ((await reached()) >= position) return;
      const runner = new ProjectionRunner(store, dataSource, readModelsNamed(COHORT_FACTS));
      const watching = setInterval(() => void reached().then((done) => progress('cohort facts', done, position)), POLL_MS);
      try {
        await runner.catchUp();
      } finally {
        clearInterval(watching);
      }
      progress('cohort facts', position, position);
    },
    parkedThrough: (position) => cohortFactsParkedThrough(dataSource.manager, position),
    logRead: (requester, treeSize) => logCohortRead(new AccessLog(pool), requester, treeSize),
  };
}
