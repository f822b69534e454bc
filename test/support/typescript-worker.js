// A worker thread that runs a TypeScript module from the sources (`workerData.module`), as tests need: Node starts
// worker threads from JavaScript only.
require('./register-typescript');
require(require('node:worker_threads').workerData.module);
