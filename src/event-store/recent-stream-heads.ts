import type { StreamHead } from '../integrity/canonical';

/**
 * Heads of the streams this process touched last, so an append usually needs no read before it. A stale head
 * is harmless: the database's compare-and-swap rejects it and the store reads the head again.
 */
export class RecentStreamHeads {
  private readonly heads = new Map<string, StreamHead>();

  constructor(private readonly capacity: number) {}

  get(streamId: string): StreamHead | undefined {
    return this.heads.get(streamId);
  }

  remember(streamId: string, head: StreamHead): void {
    this.heads.delete(streamId); // re-inserted last: Map order is recency order
    this.heads.set(streamId, head);
    if (this.heads.size > this.capacity) this.heads.delete(this.heads.keys().next().value as string);
  }

  forget(streamId: string): void {
    this.heads.delete(streamId);
  }
}
