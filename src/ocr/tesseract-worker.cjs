'use strict';
/**
 * The thread tesseract.js starts for each recogniser (its `workerPath`): tesseract.js's own Node worker
 * script, plus a full V8 collection after recognitions that brought in page images, when the process
 * runs with --expose-gc (as PM2 starts it, ecosystem.config.js).
 *
 * Why: every page reaches this thread as a structured-clone copy (≈9 MB for an A4 page at 300 DPI in
 * grey), and tesseract.js copies it once more into its in-memory file system. Both are ArrayBuffers
 * outside V8's heap, so this thread's small JS heap gives V8 no reason to collect, and tens of MiB of
 * dead pages piled up in each recogniser's thread (bench:soak, docs/benchmarks.md). Small images (the
 * second opinion's word crops) do not trigger it on their own: a collection runs once the images
 * received since the last one add up to COLLECT_AFTER_BYTES, so it costs a few ms per page at most.
 *
 * Plain CommonJS, not TypeScript: tesseract.js starts it with `new Worker(path)`, without the tsx hook
 * the pool's own threads load (src/pool/spawn-thread.ts), and scripts/copy-assets.js puts it in dist/.
 */
const { parentPort } = require('node:worker_threads');

const COLLECT_AFTER_BYTES = 4 * 1024 * 1024;
const gc = globalThis.gc;

if (parentPort && typeof gc === 'function') {
  let received = 0;
  // Registered before tesseract.js's own listener, so it sees each job as it arrives.
  parentPort.on('message', (packet) => {
    if (packet?.action === 'recognize') received += packet.payload?.image?.byteLength ?? 0;
  });
  const post = parentPort.postMessage.bind(parentPort);
  parentPort.postMessage = (message, transfer) => {
    post(message, transfer);
    const done = message?.action === 'recognize' && message.status !== 'progress';
    if (done && received >= COLLECT_AFTER_BYTES) {
      received = 0;
      // After the reply is on its way: the caller does not wait for the collection.
      setImmediate(gc);
    }
  };
}

require('tesseract.js/src/worker-script/node/index.js');
