import { setTimeout as sleep } from 'node:timers/promises';
import { CancelledError, DeadlineExceededError, NotLeaderError, TimeoutError, UnavailableError } from './eventstoredb-client';

/** How often, and how patiently, a call is made again after a transient failure. */
export interface RetryPolicy {
  /** Retries after the first failure; Infinity: until it works or the caller gives up. */
  retries: number;
  /** The wait before the first retry, doubled for each further one up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
}

export interface Retries {
  /** Reads and appends: a request is waiting, so a few tries over a few seconds, then its error. */
  calls: RetryPolicy;
  /** Subscriptions: a follower runs for the life of the process, so it reconnects for as long as it is open. */
  subscriptions: RetryPolicy;
}

export const DEFAULT_RETRIES: Retries = {
  calls: { retries: 4, firstDelayMs: 200, maxDelayMs: 2_000 },
  subscriptions: { retries: Infinity, firstDelayMs: 200, maxDelayMs: 5_000 },
};

/**
 * A failure that another try may not meet: the node is unreachable or restarting, the call timed out, the node
 * lost its leadership (the client then talks to the new leader), or the server cancelled the call (shutting down).
 * The client never reports its own cancellations. Anything else (access denied, a bad request) is final.
 */
export function isTransient(error: unknown): boolean {
  return [UnavailableError, DeadlineExceededError, TimeoutError, NotLeaderError, CancelledError].some((transient) => error instanceof transient);
}

/** Waits before retry number `retry` (1 for the first); cut short, without error, when `signal` aborts. */
export async function backOff(retry: number, policy: RetryPolicy, signal?: AbortSignal): Promise<void> {
  const delay = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (retry - 1));
  await sleep(delay, undefined, { signal }).catch(() => undefined);
}

/** `call` again after each transient failure, within the policy; any other failure at once. */
export async function retried<T>(call: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let retry = 1; ; retry++) {
    try {
      return await call();
    } catch (error) {
      if (!isTransient(error) || retry > policy.retries) throw error;
    }
    await backOff(retry, policy);
  }
}

/**
 * A read that picks up where it stopped when the connection fails: `open` is called again with the last item
 * delivered and how many were, and reads on from there. Transient failures in a row are retried within the policy;
 * an item delivered starts the count again.
 */
export async function* resumed<T>(open: (last: T | undefined, delivered: number) => AsyncIterable<T>, policy: RetryPolicy): AsyncGenerator<T> {
  let last: T | undefined;
  let delivered = 0;
  for (let retry = 1; ;) {
    try {
      for await (const item of open(last, delivered)) {
        yield item;
        last = item;
        delivered += 1;
        retry = 1;
      }
      return;
    } catch (error) {
      if (!isTransient(error) || retry > policy.retries) throw error;
    }
    await backOff(retry, policy);
    retry += 1;
  }
}
