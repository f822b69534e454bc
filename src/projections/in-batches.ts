/**
 * Groups an async iterable into batches: a batch is handed over when it is full, or when `lingerMs` passed since
 * its first item without it filling (the live tail: a lone event is not kept waiting). With `lingerMs` Infinity a
 * batch only ends full or at the end. The source's pending `next()` is kept across batches, never called twice.
 */
export async function* inBatches<T>(source: AsyncIterable<T>, maxSize: number, lingerMs: number): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  let next: Promise<IteratorResult<T>> | undefined;
  let batch: T[] = [];
  let timer: NodeJS.Timeout | undefined;
  let lingerOver: Promise<'linger-over'> | undefined;
  try {
    for (;;) {
      next ??= iterator.next();
      const result = lingerOver ? await Promise.race([next, lingerOver]) : await next;
      if (result !== 'linger-over') {
        next = undefined;
        if (result.done) break;
        batch.push(result.value);
        if (batch.length === 1 && Number.isFinite(lingerMs)) {
          lingerOver = new Promise((resolve) => (timer = setTimeout(() => resolve('linger-over'), lingerMs)));
        }
        if (batch.length < maxSize) continue;
      }
      clearTimeout(timer);
      lingerOver = undefined;
      const handedOver = batch;
      batch = [];
      yield handedOver;
    }
    if (batch.length > 0) yield batch;
  } finally {
    clearTimeout(timer);
  }
}
