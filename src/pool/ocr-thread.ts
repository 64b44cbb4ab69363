/**
 * Entry point of one OCR thread. Rendering (mupdf, WebAssembly) and recognition run here, off the pool's
 * event loop, so heartbeats, claims and the status server stay responsive while pages are read.
 * One engine per thread, created once: loading the language models costs seconds.
 */
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { coerceError, PermanentError } from '../errors';
import { boostDocument, type BoostedDocument } from '../boost';
import { pageConfidence } from '../boost/confidence';
import { cleanText } from '../text/clean';
import { frenchDictionary, useFrenchWordTables } from '../text/french-words';
import { OcrEngine, type OpenDocument } from '../ocr/engine';
import { joinPages } from '../ocr/file-content';
import { mupdfHeapBytes } from '../ocr/pdf';
import { RemoteRecognizer } from '../ocr/shared-recognizer';
import type { OcrMode, PageResult } from '../ocr/types';
import type { FinishOutput, FromThread, ThreadInit, ToThread } from './thread-protocol';
import { searchablePdf } from '../ocr/searchable-pdf';

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
    engine = await OcrEngine.create({ langs: init.langs, dpi: init.dpi, timeoutMs: init.initTimeoutMs, shared });
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
  /** The document being read (one at a time): opened by `open`, closed by `finish` or `close`. */
  let open: OpenDocument | undefined;
  const closeOpen = () => {
    open?.close();
    open = undefined;
  };
  port!.on('message', async (msg: ToThread) => {
    const cpuStart = process.cpuUsage();
    const cpuMs = () => {
      const cpu = process.cpuUsage(cpuStart);
      return (cpu.user + cpu.system) / 1000;
    };
    try {
      if (msg.type === 'open') {
        closeOpen();
        const digest = createHash('sha256').update(msg.pdf).digest('hex');
        open = await engine.open(msg.pdf, msg.mode);
        send({ type: 'opened', jobId: msg.jobId, pages: open.pageCount, digest });
      } else if (msg.type === 'page') {
        if (!open) throw new Error('no document open');
        const page = await open.readPage(msg.index, (progress) => send({ type: 'progress', jobId: msg.jobId, progress }));
        send({ type: 'page', jobId: msg.jobId, page, cpuMs: cpuMs() });
      } else if (msg.type === 'finish') {
        closeOpen();
        const fileContent = joinPages(msg.pages);
        const boostStart = performance.now();
        const boosted = boostSafely(msg.mode, msg.pages, fileContent);
        const boostMs = performance.now() - boostStart;
        const searchable = msg.original ? await buildSearchable(msg.original, msg.pages) : {};
        send({
          type: 'result',
          jobId: msg.jobId,
          cpuMs: cpuMs(),
          mupdfHeapBytes: mupdfHeapBytes(),
          output: { fileContent, boostedFileContent: boosted.text, confidence: boosted.confidence, boostMs, ...searchable },
        });
      } else if (msg.type === 'close') {
        closeOpen();
      }
    } catch (err) {
      const e = coerceError(err);
      send({ type: 'error', jobId: msg.jobId, error: { name: e.name, message: e.message, permanent: e instanceof PermanentError }, mupdfHeapBytes: mupdfHeapBytes() });
    }
    // A page's images are ArrayBuffers outside V8's heap: V8 counts them towards its next collection,
    // but with this thread's 2 GiB heap limit it let tens of MiB of dead pages pile up per thread. A full
    // collection after each page and each document (when the process runs with --expose-gc, as PM2
    // starts it) hands them back: bench:soak daemon peak 670 → 606 MiB with 2 workers
    // (docs/benchmarks.md). It takes milliseconds; a page takes seconds.
    if (msg.type !== 'open') collectGarbage?.();
  });
  send({ type: 'ready' });
}

/**
 * The searchable copy of the original: each page that was OCR'd gets its words as invisible text; pages
 * read from their text layer, failed pages and pages without words are left as they are (null). No page
 * OCR'd: nothing to build. A failure here is reported, never thrown: the document's text is done.
 */
async function buildSearchable(original: Uint8Array, pages: readonly PageResult[]): Promise<Pick<FinishOutput, 'searchablePdf' | 'searchableError' | 'searchableMs'>> {
  const layouts = pages.map((p) => (p.source === 'ocr' && p.failed === undefined && p.layout?.words.length ? p.layout : null));
  if (!layouts.some(Boolean)) return {};
  const start = performance.now();
  try {
    return { searchablePdf: await searchablePdf(original, layouts), searchableMs: performance.now() - start };
  } catch (err) {
    const e = coerceError(err);
    return { searchableError: `${e.name}: ${e.message}`, searchableMs: performance.now() - start };
  }
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
