/**
 * Pulls from `source` ahead of the consumer, up to `limit` items, so that the source's I/O (the next page of the
 * log) overlaps with the consumer's work instead of alternating with it. Order is kept; an error of the source
 * reaches the consumer after the items before it.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, limit: number): AsyncGenerator<T> {
  const buffer: T[] = [];
  let finished = false;
  let failure: { error: unknown } | undefined;
  let wakeConsumer: (() => void) | undefined;
  let wakePump: (() => void) | undefined;
  let stopped = false;

  const pump = (async () => {
    try {
      for await (const item of source) {
        buffer.push(item);
        wakeConsumer?.();
        while (buffer.length >= limit && !stopped) await new Promise<void>((resolve) => (wakePump = resolve));
        if (stopped) return;
      }
    } catch (error) {
      failure = { error };
    } finally {
      finished = true;
      wakeConsumer?.();
    }
  })();

  try {
    for (;;) {
      while (buffer.length === 0 && !finished) await new Promise<void>((resolve) => (wakeConsumer = resolve));
      wakeConsumer = undefined;
      if (buffer.length === 0) {
        if (failure) throw failure.error;
        return;
      }
      const items = buffer.splice(0, buffer.length);
      wakePump?.();
      wakePump = undefined;
      yield* items;
    }
  } finally {
    stopped = true;
    wakePump?.();
    await pump;
  }
}
