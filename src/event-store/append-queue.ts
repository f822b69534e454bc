import type { AppendResult, StreamAppend } from './event-store';

/** One caller's appends: written together or not at all, whoever else shares their transaction. */
export interface PendingAppend<A extends StreamAppend = StreamAppend> {
  readonly appends: readonly A[];
  resolve(results: AppendResult[]): void;
  reject(error: unknown): void;
}

/** Most streams and events one combined write may carry (a single larger caller still goes, alone). */
export interface BatchLimits {
  streams: number;
  events: number;
}

/** Writes one batch and settles every caller in it; a throw fails the callers it has not settled. */
export type WriteBatch<A extends StreamAppend> = (batch: readonly PendingAppend<A>[]) => Promise<void>;

/**
 * Group commit: appends that arrive while a write is in flight wait for it, then all go in the next write (one
 * transaction, one fsync). Since positions are given out in commit order, one write at a time per store loses
 * nothing: the database would have serialised these commits anyway.
 */
export class AppendQueue<A extends StreamAppend> {
  private waiting: PendingAppend<A>[] = [];
  private writing = false;

  constructor(
    private readonly writeBatch: WriteBatch<A>,
    private readonly limits: BatchLimits,
  ) {}

  submit(appends: readonly A[]): Promise<AppendResult[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ appends, resolve, reject });
      if (this.writing) return;
      this.writing = true;
      // Appends made in the same tick (Promise.all) share the first write.
      queueMicrotask(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.nextBatch();
      try {
        await this.writeBatch(batch);
      } catch (error) {
        for (const pending of batch) pending.reject(error); // no-op for those already settled
      }
    }
    this.writing = false;
  }

  /**
   * The waiting appends in arrival order, up to the limits. An append touching a stream or an event id that an
   * earlier waiting append touches waits for a later batch: one compare-and-swap per stream per transaction,
   * and a retry is recognised as such only once the first attempt is settled.
   */
  private nextBatch(): PendingAppend<A>[] {
    const batch: PendingAppend<A>[] = [];
    const held: PendingAppend<A>[] = [];
    const streams = new Set<string>();
    const eventIds = new Set<string>();
    let streamCount = 0;
    let eventCount = 0;
    for (const pending of this.waiting) {
      const ids = pending.appends.flatMap((append) => append.events.map((event) => event.eventId.toLowerCase()));
      const clashes = pending.appends.some((append) => streams.has(append.streamId)) || ids.some((id) => eventIds.has(id));
      const fits = batch.length === 0 || (streamCount + pending.appends.length <= this.limits.streams && eventCount + ids.length <= this.limits.events);
      for (const append of pending.appends) streams.add(append.streamId);
      for (const id of ids) eventIds.add(id);
      if (clashes || !fits) {
        held.push(pending);
        continue;
      }
      batch.push(pending);
      streamCount += pending.appends.length;
      eventCount += ids.length;
    }
    this.waiting = held;
    return batch;
  }
}
