/**
 * Entry point of one OCR thread. Rendering (mupdf, WebAssembly) and recognition run here, off the pool's
 * event loop, so heartbeats, claims and the status server stay responsive while pages are read.
 * One engine per thread, created once: loading the language models costs seconds.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { coerceError, PermanentError } from '../errors';
import { boostDocument, type BoostedDocument } from '../boost';
import { pageConfidence } from '../boost/confidence';
import { cleanText } from '../text/clean';
import { frenchDictionary, useFrenchWordTables } from '../text/french-words';
import { OcrEngine } from '../ocr/engine';
import { joinPages } from '../ocr/file-content';
import { mupdfHeapBytes } from '../ocr/pdf';
import { RemoteRecognizer } from '../ocr/shared-recognizer';
import { sumRefinementMs } from '../ocr/page-steps';
import type { OcrMode, PageResult } from '../ocr/types';
import type { FromThread, ThreadInit, ToThread } from './thread-protocol';

const port = parentPort;
if (!port) throw new Error('ocr-thread must run as a worker thread');
const init = workerData as ThreadInit;
const send = (m: FromThread) => port.postMessage(m);
/** V8's full collection, when the process runs with --expose-gc (ecosystem.config.js). */
const collectGarbage = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  let engine: OcrEngine;
  try {
    const shared = init.sharedPort ? new RemoteRecognizer(init.sharedPort, init.langs) : undefined;
    engine = await OcrEngine.create({ langs: init.langs, dpi: init.dpi, timeoutMs: init.initTimeoutMs, shared, betweenPages: collectGarbage });
    // Every document needs the French word list (the boost, text-layer checks, second opinions): the
    // pool's shared one, or else this thread's own, loaded with the models, before the thread says it
    // is ready, not during its first document (≈1 s).
    if (init.wordTables) useFrenchWordTables(init.wordTables);
    frenchDictionary();
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
      const boostStart = performance.now();
      const boosted = boostSafely(msg.mode, doc.pages, fileContent);
      const boostMs = performance.now() - boostStart;
      const cpu = process.cpuUsage(cpuStart);
      send({
        type: 'result',
        jobId: msg.jobId,
        cpuMs: (cpu.user + cpu.system) / 1000,
        mupdfHeapBytes: mupdfHeapBytes(),
        output: {
          fileContent,
          boostedFileContent: boosted.text,
          pages: doc.pages.length,
          ocrPages: doc.pages.filter((p) => p.source === 'ocr').length,
          textLayerPages: doc.pages.filter((p) => p.source === 'text-layer').length,
          pageConfidence: doc.pages.map((p) => p.confidence),
          confidence: boosted.confidence,
          stageMs: {
            render: sum(doc.pages, (p) => p.timings?.renderMs ?? 0),
            preprocess: sum(doc.pages, (p) => p.timings?.preprocessMs ?? 0),
            recognition: sum(doc.pages, (p) => p.timings?.recognitionMs ?? 0),
            boost: boostMs,
          },
          refinementMs: sumRefinementMs(doc.pages.map((p) => p.timings?.refinementMs)),
          passes: tally(doc.pages.flatMap((p) => p.passes ?? [])),
          langs: tally(doc.pages.flatMap((p) => (p.lang ? [p.lang] : []))),
          secondOpinion: {
            asked: sum(doc.pages, (p) => p.secondOpinion?.asked ?? 0),
            changed: sum(doc.pages, (p) => p.secondOpinion?.changed ?? 0),
            failures: doc.pages.flatMap((p) => (p.secondOpinion?.failed ? [`page ${p.pageNumber}: ${p.secondOpinion.failed}`] : [])),
          },
        },
      });
    } catch (err) {
      const e = coerceError(err);
      send({ type: 'error', jobId: msg.jobId, error: { name: e.name, message: e.message, permanent: e instanceof PermanentError }, mupdfHeapBytes: mupdfHeapBytes() });
    }
    // A document's page images are ArrayBuffers outside V8's heap: V8 counts them towards its next
    // collection, but with this thread's 2 GiB heap limit it let tens of MiB of dead pages pile up per
    // thread. A full collection between documents, and between the pages of one (when the process runs
    // with --expose-gc, as PM2 starts it), hands them back: bench:soak daemon peak 670 → 606 MiB with 2
    // workers (docs/benchmarks.md). It takes milliseconds; a page takes seconds.
    collectGarbage?.();
  });
  send({ type: 'ready' });
}

const sum = (pages: PageResult[], f: (p: PageResult) => number) => pages.reduce((n, p) => n + f(p), 0);

function tally(keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}

/**
 * The boost is text processing after the expensive part: a bug in one of its rules must not throw away a
 * document's OCR. It then falls back to the cleaned raw text (and says so on stderr, which the pool logs).
 */
function boostSafely(mode: OcrMode, pages: PageResult[], fileContent: string): BoostedDocument {
  try {
    return boostDocument(mode, pages);
  } catch (err) {
    process.stderr.write(`boost failed, storing the cleaned raw text instead: ${coerceError(err).message}\n`);
    return { text: cleanText(fileContent), confidence: pageConfidence(pages) };
  }
}

void main();
