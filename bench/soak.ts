/**
 * `npm run bench:soak`: memory of the real pool (in-process, as the daemon runs it: supervisor + one OCR
 * thread per worker) over 1,000 documents. RSS is the whole process (main thread, OCR threads, their
 * tesseract.js and MuPDF WebAssembly heaps); heap is the main thread's V8 heap.
 *
 * Baselines in the same run: the idle pool (started, nothing queued, sampled for a few seconds) and the
 * first 100 documents against the last 100.
 *
 * Documents are small so the run takes minutes: by default 9 in 10 are born-digital (1–3 pages of text
 * layer, no OCR) and 1 in 10 is a scanned page OCR'd at 300 DPI — the top third of a synthetic scanned
 * deed or register page (test/fixtures/synthetic), cropped so one page is ≈1/3 of an A4 scan.
 *
 * Options: --docs N (default 1000), --ocr-every N (one scanned document every N, default 10),
 * --workers N (default 2), --reserve-cpu PERCENT (SERVER_RESERVE_CPU_PERCENT, default 0: no parking).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadMupdf } from '../src/ocr/mupdf';
import { deedLines, makePdf } from '../test/helpers/pdfs';
import { drained, enqueue, withPool, type QueuedDoc } from './common-pool';
import { loadLine, machineHeader, mib, ratio, table } from './lib';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '1000' },
    'ocr-every': { type: 'string', default: '10' },
    workers: { type: 'string', default: '2' },
    'reserve-cpu': { type: 'string', default: '0' },
  },
});
const DOCS = Number(values.docs);
const OCR_EVERY = Number(values['ocr-every']);
const WORKERS = Number(values.workers);
const WINDOW = Math.max(1, Math.round(DOCS / 10));
const SYNTHETIC = path.resolve(__dirname, '..', 'test', 'fixtures', 'synthetic');
const IDLE_MS = 5_000;
const SAMPLE_MS = 100;

interface Sample {
  rss: number;
  heapUsed: number;
}

/** The top third of a scanned page, as a one-page PDF (a crop box: same pixels per inch, a third of them). */
async function croppedScan(file: string): Promise<Uint8Array> {
  const mupdf = await loadMupdf();
  const src = mupdf.Document.openDocument(readFileSync(path.join(SYNTHETIC, file)), 'application/pdf').asPDF()!;
  const out = new mupdf.PDFDocument();
  try {
    out.graftPage(-1, src, 0);
    const page = out.loadPage(0);
    const [x0, y0, x1, y1] = page.getBounds();
    page.setPageBox('CropBox', [x0, y1 - (y1 - y0) / 3, x1, y1]);
    page.setPageBox('MediaBox', [x0, y1 - (y1 - y0) / 3, x1, y1]);
    return out.saveToBuffer('').asUint8Array().slice();
  } finally {
    out.destroy();
    src.destroy();
  }
}

async function prepare(storage: string): Promise<{ docs: QueuedDoc[]; ocrDocs: number; textPages: number }> {
  mkdirSync(path.join(storage, 'index'));
  mkdirSync(path.join(storage, 'actes'));
  const scans: QueuedDoc[] = [];
  for (const [file, source] of [['acte1-scan.pdf', 'acte'], ['register-scan.pdf', 'index'], ['acte2-scan.pdf', 'acte']] as const) {
    const name = `scan-${file}`;
    writeFileSync(path.join(storage, source === 'index' ? 'index' : 'actes', name), await croppedScan(file));
    scans.push({ source, path: name });
  }
  const docs: QueuedDoc[] = [];
  let ocrDocs = 0;
  let textPages = 0;
  for (let i = 0; i < DOCS; i++) {
    if (OCR_EVERY > 0 && i % OCR_EVERY === OCR_EVERY - 1) {
      docs.push(scans[ocrDocs++ % scans.length]!);
      continue;
    }
    // Every born-digital document is a distinct file (1–3 pages), so nothing is cached between them.
    const pages = 1 + (i % 3);
    textPages += pages;
    const source = i % 2 === 0 ? 'acte' : 'index';
    const name = `text-${String(i).padStart(4, '0')}.pdf`;
    const bytes = await makePdf(Array.from({ length: pages }, (_, p) => ({ lines: deedLines(40, i * 7 + p) })));
    writeFileSync(path.join(storage, source === 'index' ? 'index' : 'actes', name), bytes);
    docs.push({ source, path: name });
  }
  return { docs, ocrDocs, textPages };
}

function sample(): Sample {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed };
}

async function main() {
  console.log(machineHeader(`bench:soak — ${DOCS} documents through the pool (${WORKERS} workers, SERVER_RESERVE_CPU_PERCENT=${values['reserve-cpu']}), memory sampled every ${SAMPLE_MS} ms`));
  const storage = mkdtempSync(path.join(os.tmpdir(), 'bench-soak-'));
  try {
    const { docs, ocrDocs, textPages } = await prepare(storage);
    console.log(
      `mix: ${DOCS - ocrDocs} born-digital documents (${textPages} text-layer pages, 1–3 per document) and ${ocrDocs} scanned ` +
        `one-page documents (top third of an A4 scan, OCR'd at 300 DPI), interleaved 1 in ${OCR_EVERY}\n`,
    );
    const beforeStart = sample();
    await withPool(
      'soak',
      storage,
      WORKERS,
      async ({ pool, db }) => {
        // Baseline 1: the idle pool, started (OCR threads and language models loaded), nothing queued.
        const idle: Sample[] = [];
        const tIdle = Date.now();
        while (Date.now() - tIdle < IDLE_MS) {
          idle.push(sample());
          await new Promise((r) => setTimeout(r, SAMPLE_MS));
        }
        const idleRss = Math.max(...idle.map((s) => s.rss));

        // One row per window of WINDOW finished documents: RSS and heap at its end and at its peak.
        const windows: Array<{ upTo: number; end: Sample; peakRss: number; peakHeap: number; seconds: number }> = [];
        let peakRss = 0;
        let peakHeap = 0;
        let winPeakRss = 0;
        let winPeakHeap = 0;
        let winStart = performance.now();
        const t0 = performance.now();
        const sampler = setInterval(() => {
          const s = sample();
          peakRss = Math.max(peakRss, s.rss);
          peakHeap = Math.max(peakHeap, s.heapUsed);
          winPeakRss = Math.max(winPeakRss, s.rss);
          winPeakHeap = Math.max(winPeakHeap, s.heapUsed);
          const { stats } = pool.snapshot();
          const done = stats.completed + stats.failed;
          const next = (windows.length + 1) * WINDOW;
          if (done >= next && windows.length < Math.ceil(DOCS / WINDOW)) {
            windows.push({ upTo: next, end: s, peakRss: winPeakRss, peakHeap: winPeakHeap, seconds: (performance.now() - winStart) / 1000 });
            process.stderr.write(`  ${next} documents · RSS ${mib(s.rss)} MiB (window peak ${mib(winPeakRss)}) · ${loadLine()}\n`);
            winPeakRss = 0;
            winPeakHeap = 0;
            winStart = performance.now();
          }
        }, SAMPLE_MS);
        const atStart = sample();
        await enqueue(db, docs);
        pool.poke();
        const by = await drained(db, 200);
        await new Promise((r) => setTimeout(r, 2 * SAMPLE_MS));
        clearInterval(sampler);
        const seconds = (performance.now() - t0) / 1000;
        const end = sample();
        await new Promise((r) => setTimeout(r, 5_000));
        const settled = sample();

        const statuses = Object.entries(by).map(([s, n]) => `${n} at ${s}`).join(', ');
        console.log(`finished in ${seconds.toFixed(0)} s (${((DOCS / seconds) * 60).toFixed(0)} documents/min): ${statuses}; pages ${pool.snapshot().stats.pages}\n`);
        console.log(
          table([
            ['point', 'RSS MiB', 'main heap used MiB'],
            ['before the pool started', mib(beforeStart.rss), mib(beforeStart.heapUsed)],
            [`idle pool, ${IDLE_MS / 1000} s (baseline)`, mib(idleRss), mib(Math.max(...idle.map((s) => s.heapUsed)))],
            ['start of the run', mib(atStart.rss), mib(atStart.heapUsed)],
            ['peak during the run', mib(peakRss), mib(peakHeap)],
            ['end of the run', mib(end.rss), mib(end.heapUsed)],
            ['5 s after the end', mib(settled.rss), mib(settled.heapUsed)],
          ]),
        );
        console.log(`\nper ${WINDOW} documents\n`);
        console.log(
          table([
            ['documents done', 'seconds', 'RSS at end MiB', 'RSS peak MiB', 'heap at end MiB', 'heap peak MiB'],
            ...windows.map((w) => [String(w.upTo), w.seconds.toFixed(0), mib(w.end.rss), mib(w.peakRss), mib(w.end.heapUsed), mib(w.peakHeap)]),
          ]),
        );
        const first = windows[0];
        const last = windows[windows.length - 1];
        if (first && last) {
          console.log(
            `\nRSS peak, last ${WINDOW} ÷ first ${WINDOW} documents: ${ratio(last.peakRss, first.peakRss)}; ` +
              `peak ÷ idle pool: ${ratio(peakRss, idleRss)}; end ÷ idle pool: ${ratio(end.rss, idleRss)}`,
          );
        }
      },
      // No CPU parking (see bench/ocr.ts): every worker runs, so the peak is that of a full pool.
      { OCR_RATE_LIMIT_PER_MINUTE: '1000000', OCR_RATE_MAX_CONCURRENT: '16', SERVER_RESERVE_CPU_PERCENT: values['reserve-cpu']! },
    );
    console.log(`\n${loadLine()}`);
  } finally {
    rmSync(storage, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
