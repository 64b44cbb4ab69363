/**
 * Entry point of one OCR thread. Rendering (mupdf, WebAssembly) and recognition run here, off the pool's
 * event loop, so heartbeats, claims and the status server stay responsive while pages are read.
 * One engine per thread, created once: loading the language models costs seconds.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { coerceError, PermanentError } from '../errors';
import { boostDocument } from '../boost';
import { joinPages, OcrEngine } from '../ocr/engine';
import type { FromThread, ThreadInit, ToThread } from './thread-protocol';

const port = parentPort;
if (!port) throw new Error('ocr-thread must run as a worker thread');
const init = workerData as ThreadInit;
const send = (m: FromThread) => port.postMessage(m);

async function main(): Promise<void> {
  let engine: OcrEngine;
  try {
    engine = await OcrEngine.create({ langs: init.langs, dpi: init.dpi, timeoutMs: init.initTimeoutMs });
  } catch (err) {
    const e = coerceError(err);
    send({ type: 'init-failed', error: { name: e.name, message: e.message, permanent: false } });
    return;
  }
  port!.on('message', async (msg: ToThread) => {
    if (msg.type !== 'job') return;
    const cpuStart = process.cpuUsage();
    try {
      const doc = await engine.ocrDocument(msg.pdf, msg.mode, (progress) => send({ type: 'progress', jobId: msg.jobId, progress }));
      const fileContent = joinPages(doc.pages);
      const boosted = boostDocument(msg.mode, doc.pages);
      const cpu = process.cpuUsage(cpuStart);
      send({
        type: 'result',
        jobId: msg.jobId,
        cpuMs: (cpu.user + cpu.system) / 1000,
        output: {
          fileContent,
          boostedFileContent: boosted.text,
          pages: doc.pages.length,
          ocrPages: doc.pages.filter((p) => p.source === 'ocr').length,
          textLayerPages: doc.pages.filter((p) => p.source === 'text-layer').length,
          pageConfidence: doc.pages.map((p) => p.confidence),
          confidence: boosted.confidence,
        },
      });
    } catch (err) {
      const e = coerceError(err);
      send({ type: 'error', jobId: msg.jobId, error: { name: e.name, message: e.message, permanent: e instanceof PermanentError } });
    }
  });
  send({ type: 'ready' });
}

void main();
