'use strict';
/**
 * The thread tesseract.js starts for each recogniser (its `workerPath`): tesseract.js's own Node worker
 * script, plus two things that keep dead pages from piling up in it.
 *
 * Why: tesseract.js copies every page into its in-memory file system (≈9 MB for an A4 page at 300 DPI
 * in grey) and keeps it there until the next page; pages used to arrive as a structured-clone copy too
 * (src/ocr/tesseract.ts now hands them over in shared memory). Those are ArrayBuffers outside V8's
 * heap, so this thread's small JS heap gave V8 no reason to collect, and tens of MiB of dead pages piled
 * up in each recogniser's thread (bench:soak, docs/benchmarks.md). So, once a page is read:
 * - its file is removed;
 * - when the process runs with --expose-gc (as PM2 starts it, ecosystem.config.js), a full collection
 *   runs once the images received since the last one add up to COLLECT_AFTER_BYTES: after every page,
 *   and after many of the second opinion's word crops; a few ms each.
 *
 * Plain CommonJS, not TypeScript: tesseract.js starts it with `new Worker(path)`, without the tsx hook
 * the pool's own threads load (src/pool/spawn-thread.ts), and scripts/copy-assets.js puts it in dist/.
 */
const { parentPort } = require('node:worker_threads');

const COLLECT_AFTER_BYTES = 4 * 1024 * 1024;
const gc = typeof globalThis.gc === 'function' ? globalThis.gc : undefined;

if (parentPort) {
  // tesseract.js's job dispatcher, the module its own worker script (required below) registers.
  const jobs = require('tesseract.js/src/worker-script/index.js');
  const noReply = () => {};
  let received = 0;
  // Registered before tesseract.js's own listener, so it sees each job as it arrives.
  parentPort.on('message', (packet) => {
    if (packet?.action === 'recognize') received += packet.payload?.image?.byteLength ?? 0;
  });
  const post = parentPort.postMessage.bind(parentPort);
  parentPort.postMessage = (message, transfer) => {
    post(message, transfer);
    if (message?.action !== 'recognize' || message.status === 'progress') return;
    // The page is read: drop tesseract.js's copy of it, the in-memory file '/input', which it would keep
    // until the next page overwrites it. (A failure, e.g. no such file, is that job's own, unanswered.)
    jobs.dispatchHandlers({ workerId: message.workerId, jobId: `${message.jobId}-unlink`, action: 'FS', payload: { method: 'unlink', args: ['/input'] } }, noReply);
    if (gc && received >= COLLECT_AFTER_BYTES) {
      received = 0;
      // After the reply is on its way: the caller does not wait for the collection.
      setImmediate(gc);
    }
  };
}

require('tesseract.js/src/worker-script/node/index.js');
