import { parentPort } from 'node:worker_threads';
import { readLines } from './verify-export';

// A thread of `readInThreads`: reads each batch of export lines it is sent and answers with their readings.
parentPort?.on('message', (batch: Uint8Array) => {
  parentPort?.postMessage(readLines(Buffer.from(batch.buffer, batch.byteOffset, batch.byteLength)));
});
