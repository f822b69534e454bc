import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { readLines, type LineReading } from './verify-export';

/**
 * Who reads an export's lines for the verifier (`readLines`: everything a line tells on its own, which is most of
 * the work): batches of whole lines in, their readings out, in the same order. The verifier then takes them one by
 * one, in order, for what needs the lines around them (indexes, chains, the tree).
 */
export type LineReaders = (batches: AsyncIterable<Buffer>) => AsyncIterable<(LineReading | undefined)[]>;

/** This thread reads them. */
export const readOnThisThread: LineReaders = async function* (batches) {
  for await (const batch of batches) yield readLines(batch);
};

/** Starts one thread running `line-reader.worker`. Tests start it from the TypeScript sources. */
export type StartReader = () => Worker;

const startCompiledReader: StartReader = () => new Worker(join(__dirname, 'line-reader.worker.js'));

/**
 * `threads` worker threads read them, each batch by the next thread in turn, so the readings come back in order by
 * taking each thread's answers in the same turn. Two batches per thread are in flight, so that none waits while
 * the verifier takes the readings of another.
 */
export function readInThreads(threads: number, start: StartReader = startCompiledReader): LineReaders {
  return async function* (batches) {
    const readers = Array.from({ length: threads }, () => new Reader(start()));
    const inFlight: Promise<(LineReading | undefined)[]>[] = [];
    try {
      let turn = 0;
      for await (const batch of batches) {
        inFlight.push(readers[turn++ % threads].read(batch));
        if (inFlight.length === 2 * threads) yield await (inFlight.shift() as Promise<(LineReading | undefined)[]>);
      }
      for (const readings of inFlight) yield await readings;
    } finally {
      // Also when the verifier stopped early: the threads' unread answers are dropped with them.
      await Promise.all(readers.map((reader) => reader.terminate()));
    }
  };
}

/** One thread: it answers its batches in the order it is sent them. */
class Reader {
  private readonly waiting: { resolve: (readings: (LineReading | undefined)[]) => void; reject: (error: Error) => void }[] = [];
  /** Why the thread stopped, once it has: every batch it has not answered fails with it. */
  private stopped?: Error;

  constructor(private readonly worker: Worker) {
    worker.on('message', (readings: (LineReading | undefined)[]) => this.waiting.shift()?.resolve(readings));
    worker.on('error', (error) => this.stop(error));
    worker.on('exit', (code) => this.stop(new Error(`A line reader thread stopped (exit code ${code})`)));
  }

  read(batch: Buffer): Promise<(LineReading | undefined)[]> {
    const readings = new Promise<(LineReading | undefined)[]>((resolve, reject) => {
      if (this.stopped) return reject(this.stopped);
      this.waiting.push({ resolve, reject });
      this.worker.postMessage(batch);
    });
    // Its failure is awaited in turn, maybe after other threads' answers: not an unhandled rejection meanwhile.
    readings.catch(() => undefined);
    return readings;
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private stop(error: Error): void {
    this.stopped ??= error;
    for (const { reject } of this.waiting.splice(0)) reject(this.stopped);
  }
}
