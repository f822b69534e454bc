import type { CanonicalEvent, EventStore } from '../event-store/event-store';
import { HASH_BYTES } from '../integrity/merkle';
import { exportLine } from '../integrity/verify-export';
import type { MerkleLog } from './merkle-log';

/**
 * Export lines for leaves `[from, to)`, read in pages: each leaf's event as the store holds it now, found at the
 * position the Merkle log recorded for that leaf; with `leafHashes`, each with the leaf hash the log holds for it.
 * A leaf whose event is gone from the store yields no line, so the verifier names it missing; an event that is not
 * where its leaf says yields the wrong bytes there, which the verifier sees as altered.
 */
export async function* exportLines(
  log: MerkleLog,
  store: EventStore,
  from: number,
  to: number,
  options: { leafHashes?: boolean; pageSize?: number } = {},
): AsyncIterable<string> {
  const pageSize = options.pageSize ?? 1000;
  for (let next = from; next < to; next += pageSize) {
    const end = Math.min(to, next + pageSize);
    // The leaf before the page, when there is one, is where the store's read starts: a position the store knows
    // (an EventStoreDB read cannot start between two events).
    const anchor = next > 0 ? 1 : 0;
    const positions = await log.leafPositions(next - anchor, end);
    if (positions.length <= anchor) return;
    const events = new Map<number, CanonicalEvent>();
    const range = { after: anchor ? positions[0]! : 0, upTo: positions[positions.length - 1]! };
    for await (const event of store.readCanonicalLog(range)) events.set(event.position, event);
    const leaves = options.leafHashes ? await log.leafHashes(next, end) : undefined;
    for (let leaf = next; leaf < next + positions.length - anchor; leaf++) {
      const event = events.get(positions[leaf - next + anchor]!);
      const at = (leaf - next) * HASH_BYTES;
      if (event) yield exportLine(leaf, event.canonical, event.eventHash, leaves?.subarray(at, at + HASH_BYTES));
    }
  }
}
