import { Logger } from '@nestjs/common';
import { ProblemError } from '../http/problem';
import type { EventStore } from '../event-store/event-store';
import type { MerkleLogBuilder, MerkleLogBuilderOptions } from './merkle-log';

/**
 * The builder reads the log every 50 ms once caught up (never woken per append) and commits a batch at most
 * 100 ms after its first event (or at 1,000 events): a few reads and commits a second next to the appends' own,
 * a lag of at most about 150 ms plus one read and one write.
 */
export const MERKLE_LOG_BUILDER_OPTIONS: MerkleLogBuilderOptions = { batchSize: 1000, flushAfterMs: 100, pollEveryMs: 50 };

// The builder trails appends by milliseconds; a wait this long means it is stuck, which the caller should hear.
const BUILDER_WAIT_MS = 30_000;

export function unavailable(detail: string): ProblemError {
  return new ProblemError({ type: 'about:blank#unavailable', title: 'Service unavailable', status: 503, detail }, { 'retry-after': '5' });
}

/** Returns once the Merkle log holds the event at `position` and all before it; a 503 if the builder is stuck or stopped. */
export async function merkleLogReached(builder: MerkleLogBuilder, position: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(resolve, BUILDER_WAIT_MS, 'timeout');
  });
  try {
    const outcome = await Promise.race([builder.waitFor(position), timeout]);
    if (outcome === 'timeout') throw unavailable('The Merkle log has not caught up with the event log yet; try again shortly');
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    new Logger('MerkleLog').error(`Merkle log builder stopped: ${(error as Error).message}`);
    throw unavailable('The Merkle log builder has stopped; operators have been told in the server log');
  } finally {
    clearTimeout(timer);
  }
}

/** Events of the store not yet in the Merkle log, as the metrics and readiness report it. */
export async function merkleLogLag(builder: MerkleLogBuilder, store: EventStore): Promise<number> {
  const { position } = builder.head; // read first, so the lag is never understated
  return Math.max(0, (await store.headPosition()) - position);
}
