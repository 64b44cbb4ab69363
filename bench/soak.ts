/**
 * `npm run bench:soak`: memory of the real pool over 1,000 documents, measured two ways in one run.
 *
 * - **daemon** (the user-facing number, what issue 14's "≤ 300 MiB per worker" is about): the built
 *   daemon as PM2 runs it, `node dist/main.js` in a child process with the interpreter,
 *   node arguments and environment ecosystem.config.js gives it (MALLOC_ARENA_MAX=2,
 *   MALLOC_MMAP_THRESHOLD_=4194304), serving the bench's scratch database and storage folder. Its memory
 *   is read from /proc/<pid>/status: VmRSS every 100 ms, and VmHWM (the kernel's own peak, which a
 *   spike between two samples cannot escape) after the start and at the end. Needs an up-to-date
 *   `npm run build`; the bench stops and says so when dist/ is missing or older than src/.
 * - **in-process** (kept as it was, comparable with the earlier figures in docs/benchmarks.md): the pool
 *   started inside the bench's own process (bench/common-pool.ts), supervisor + one OCR thread per
 *   worker. RSS is the whole bench process: besides the pool's main thread, OCR threads and their
 *   tesseract.js and MuPDF WebAssembly heaps, it holds the harness (tsx's transpiler, the MuPDF heap that
 *   prepared the pages, its pg client: ≈180 MiB before the pool starts), and glibc runs with the
 *   bench's shell environment, not PM2's. Heap is the main thread's V8 heap.
 *
 * Baselines in the same run, for each: the idle pool (started, nothing queued, sampled for a few seconds)
 * and the first 100 documents against the last 100.
 *
 * Documents are small so the run takes minutes: by default 9 in 10 are born-digital (1–3 pages of text
 * layer, no OCR) and 1 in 10 is a scanned page OCR'd at 300 DPI — the top third of a synthetic scanned
 * deed or register page (test/fixtures/synthetic), cropped so one page is ≈1/3 of an A4 scan. Both modes
 * read the same files, each from a scratch database of its own.
 *
 * `--scans full` trades the cropped pages for whole scans, as the daemon meets them: the three synthetic
 * A4 pages (8.7 MP each) and the real scans of test/fixtures/pdf (a 16.6 MP letter, a 3-page typescript,
 * a faint note), in turn. It takes longer and peaks higher; the default stays comparable with the
 * earlier figures in docs/benchmarks.md.
 *
 * Options: --docs N (default 1000), --ocr-every N (one scanned document every N, default 10),
 * --scans cropped|full (default cropped),
 * --workers N (default 2), --reserve-cpu PERCENT (SERVER_RESERVE_CPU_PERCENT, default 0: no parking),
 * --mode in-process|daemon|both (default both: in-process first, then the daemon).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadMupdf } from '../src/ocr/mupdf';
import { READY_STATUS, RUNNING_STATUS } from '../src/queue/ready';
import { deedLines, makePdf } from '../test/helpers/pdfs';
import { requireFreshBuild, startBuiltDaemon } from './built-daemon';
import { drained, enqueue, withPool, type QueuedDoc } from './common-pool';
import { createBenchDb, dropBenchDb, loadLine, machineHeader, mib, ratio, table, urlFor } from './lib';
import { type ProcMemory, procMemory } from './proc-memory';

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '1000' },
    'ocr-every': { type: 'string', default: '10' },
    workers: { type: 'string', default: '2' },
    'reserve-cpu': { type: 'string', default: '0' },
    mode: { type: 'string', default: 'both' },
    scans: { type: 'string', default: 'cropped' },
  },
});
const DOCS = Number(values.docs);
const OCR_EVERY = Number(values['ocr-every']);
const WORKERS = Number(values.workers);
const MODE = values.mode as 'in-process' | 'daemon' | 'both';
if (!['in-process', 'daemon', 'both'].includes(MODE)) {
  console.error(`bench:soak: --mode is in-process, daemon or both, not ${MODE}`);
  process.exit(2);
}
const SCANS = values.scans as 'cropped' | 'full';
if (!['cropped', 'full'].includes(SCANS)) {
  console.error(`bench:soak: --scans is cropped or full, not ${SCANS}`);
  process.exit(2);
}
const WINDOW = Math.max(1, Math.round(DOCS / 10));
const SYNTHETIC = path.resolve(__dirname, '..', 'test', 'fixtures', 'synthetic');
const REAL_SCANS = path.resolve(__dirname, '..', 'test', 'fixtures', 'pdf');
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
    const bytes = SCANS === 'full' ? readFileSync(path.join(SYNTHETIC, file)) : await croppedScan(file);
    writeFileSync(path.join(storage, source === 'index' ? 'index' : 'actes', name), bytes);
    scans.push({ source, path: name });
  }
  if (SCANS === 'full') {
    for (const file of ['tapus-lettre1858-3_eac6a.pdf', 'tapus-prose-3pages.pdf', 'tapus-note1949-btv1b530924453.pdf']) {
      writeFileSync(path.join(storage, 'actes', `scan-${file}`), readFileSync(path.join(REAL_SCANS, file)));
      scans.push({ source: 'acte', path: `scan-${file}` });
    }
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

/** What the closing table compares between the two modes. */
interface Summary {
  /** RSS of the process before the pool started: the bench harness (in-process); nothing to subtract for the daemon. */
  before?: number;
  idle: number;
  peak: number;
  /** VmHWM at the end: the kernel's peak of the process's RSS. */
  hwm: number;
  growth: string;
}

// No CPU parking (see bench/ocr.ts): every worker runs, so the peak is that of a full pool.
const POOL_SETTINGS = { OCR_RATE_LIMIT_PER_MINUTE: '1000000', OCR_RATE_MAX_CONCURRENT: '16', SERVER_RESERVE_CPU_PERCENT: values['reserve-cpu']! };

/** The pool inside this process (bench/common-pool.ts): the measurement the earlier figures used. */
async function runInProcess(storage: string, docs: QueuedDoc[]): Promise<Summary> {
  console.log('## in-process: the pool inside the bench\'s own process (RSS includes the harness)\n');
  const beforeStart = sample();
  return withPool(
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
      return { before: beforeStart.rss, idle: idleRss, peak: peakRss, hwm: procMemory(process.pid).hwm, growth: first && last ? ratio(last.peakRss, first.peakRss) : '–' };
    },
    POOL_SETTINGS,
  );
}

/** Finished documents (neither ready nor running), as drained() counts them. */
async function finished(db: pg.Pool): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM extraction_queue WHERE status_id NOT IN (${READY_STATUS}, ${RUNNING_STATUS})`,
  );
  return rows[0]!.n;
}

/** The built daemon in a child process, as PM2 starts it (bench/built-daemon.ts), memory from /proc/<pid>/status. */
async function runDaemon(storage: string, docs: QueuedDoc[]): Promise<Summary> {
  const name = await createBenchDb('soak_daemon');
  const db = new pg.Pool({ connectionString: urlFor(name), max: 2 });
  db.on('error', () => undefined); // DROP DATABASE … WITH (FORCE) ends idle clients
  try {
    const daemon = await startBuiltDaemon({
      DEV_DATABASE_URL: urlFor(name),
      OCR_STORAGE_DIR: storage,
      OCR_WORKER_POOL_SIZE: String(WORKERS),
      OCR_POLL_INTERVAL_MS: '200',
      // Port 0: the status server must not take the port of a daemon already running on this host.
      OCR_HTTP_PORT: '0',
      // What ecosystem.config.js passes when LOG_LEVEL is unset: the daemon writes its logs as in production.
      LOG_LEVEL: 'info',
      ...POOL_SETTINGS,
    });
    try {
      console.log(`## daemon: ${daemon.launch} (pid ${daemon.pid}), as PM2 starts it\n`);
      const pid = daemon.pid;
      const atReady = procMemory(pid);
      // Baseline 1: the idle pool, started (OCR threads and language models loaded), nothing queued.
      const idle: ProcMemory[] = [];
      const tIdle = Date.now();
      while (Date.now() - tIdle < IDLE_MS) {
        idle.push(procMemory(pid));
        await new Promise((r) => setTimeout(r, SAMPLE_MS));
      }
      const idlePeak = idle.reduce((a, b) => (b.rss > a.rss ? b : a));
      const idleRss = idlePeak.rss;
      // The kernel's peak so far: the start (environments checked, language models loaded) and the idle pool.
      const startHwm = procMemory(pid).hwm;

      // One row per window of WINDOW finished documents: RSS and its anonymous part at its end, RSS at its peak.
      const windows: Array<{ upTo: number; end: ProcMemory; peakRss: number; seconds: number }> = [];
      let peak = procMemory(pid);
      let winPeakRss = 0;
      let winStart = performance.now();
      let done = 0;
      let counting = false;
      const t0 = performance.now();
      const sampler = setInterval(() => {
        if (daemon.proc.exitCode !== null || daemon.proc.signalCode !== null) return; // reported by the race below
        const s = procMemory(pid);
        if (s.rss > peak.rss) peak = s;
        winPeakRss = Math.max(winPeakRss, s.rss);
        // Progress comes from the database (one count in flight at a time), so a window closes up to a poll late.
        if (!counting) {
          counting = true;
          finished(db).then(
            (n) => {
              done = n;
              counting = false;
            },
            () => (counting = false),
          );
        }
        const next = (windows.length + 1) * WINDOW;
        if (done >= next && windows.length < Math.ceil(DOCS / WINDOW)) {
          windows.push({ upTo: next, end: s, peakRss: winPeakRss, seconds: (performance.now() - winStart) / 1000 });
          process.stderr.write(`  ${next} documents · RSS ${mib(s.rss)} MiB (window peak ${mib(winPeakRss)}) · ${loadLine()}\n`);
          winPeakRss = 0;
          winStart = performance.now();
        }
      }, SAMPLE_MS);
      const atStart = procMemory(pid);
      await enqueue(db, docs);
      const died = daemon.exited.then((code) => {
        throw new Error(`the daemon exited (${code}) during the run; its last output:\n${daemon.tail()}`);
      });
      died.catch(() => undefined); // rejects too when the daemon is stopped at the end
      let by: Record<number, number>;
      try {
        by = await Promise.race([drained(db, 200), died]);
      } catch (err) {
        clearInterval(sampler);
        throw err;
      }
      const seconds = (performance.now() - t0) / 1000;
      // The last window closes on the sampler's next count (within a few samples).
      for (let i = 0; i < 20 && windows.length < Math.ceil(DOCS / WINDOW); i++) await new Promise((r) => setTimeout(r, SAMPLE_MS));
      await new Promise((r) => setTimeout(r, 2 * SAMPLE_MS));
      clearInterval(sampler);
      const end = procMemory(pid);
      await new Promise((r) => setTimeout(r, 5_000));
      const settled = procMemory(pid);

      const statuses = Object.entries(by).map(([s, n]) => `${n} at ${s}`).join(', ');
      console.log(`finished in ${seconds.toFixed(0)} s (${((DOCS / seconds) * 60).toFixed(0)} documents/min): ${statuses}\n`);
      const row = (point: string, m: ProcMemory, rss = m.rss) => [point, mib(rss), mib(m.anon), mib(m.file), String(m.threads), mib(m.hwm)];
      console.log(
        table([
          ['point', 'RSS MiB', 'anon MiB', 'file MiB', 'threads', 'kernel peak so far (VmHWM) MiB'],
          row('ready (models loaded)', atReady),
          row(`idle pool, ${IDLE_MS / 1000} s (baseline: its highest sample)`, idlePeak),
          row('start of the run', atStart),
          row('peak during the run (highest sample)', peak),
          row('end of the run', end),
          row('5 s after the end', settled),
        ]),
      );
      console.log(`\nper ${WINDOW} documents\n`);
      console.log(
        table([
          ['documents done', 'seconds', 'RSS at end MiB', 'RSS peak MiB', 'anon at end MiB', 'file at end MiB'],
          ...windows.map((w) => [String(w.upTo), w.seconds.toFixed(0), mib(w.end.rss), mib(w.peakRss), mib(w.end.anon), mib(w.end.file)]),
        ]),
      );
      const first = windows[0];
      const last = windows[windows.length - 1];
      if (first && last) {
        console.log(
          `\nRSS peak, last ${WINDOW} ÷ first ${WINDOW} documents: ${ratio(last.peakRss, first.peakRss)}; ` +
            `peak ÷ idle pool: ${ratio(peak.rss, idleRss)}; end ÷ idle pool: ${ratio(end.rss, idleRss)}; ` +
            `kernel peak (VmHWM) after the start ${mib(startHwm)} MiB, at the end ${mib(settled.hwm)} MiB`,
        );
      }
      return { idle: idleRss, peak: peak.rss, hwm: settled.hwm, growth: first && last ? ratio(last.peakRss, first.peakRss) : '–' };
    } finally {
      const code = await daemon.stop();
      if (code !== 0) console.error(`the daemon exited with ${code} when stopped`);
    }
  } finally {
    await db.end().catch(() => undefined);
    await dropBenchDb(name);
  }
}

async function main() {
  if (MODE !== 'in-process') requireFreshBuild('bench:soak');
  console.log(
    machineHeader(
      `bench:soak — ${DOCS} documents through the pool (${WORKERS} workers, SERVER_RESERVE_CPU_PERCENT=${values['reserve-cpu']}), ` +
        `${MODE === 'both' ? 'in-process and as the daemon' : MODE}, memory sampled every ${SAMPLE_MS} ms`,
    ),
  );
  const storage = mkdtempSync(path.join(os.tmpdir(), 'bench-soak-'));
  try {
    const { docs, ocrDocs, textPages } = await prepare(storage);
    console.log(
      `mix: ${DOCS - ocrDocs} born-digital documents (${textPages} text-layer pages, 1–3 per document) and ${ocrDocs} scanned ` +
        (SCANS === 'full'
          ? `documents (whole scans: 3 synthetic A4 pages, a 16.6 MP letter, a 3-page typescript, a faint note, in turn; OCR'd at 300 DPI), interleaved 1 in ${OCR_EVERY}\n`
          : `one-page documents (top third of an A4 scan, OCR'd at 300 DPI), interleaved 1 in ${OCR_EVERY}\n`),
    );
    const results: Array<[string, Summary]> = [];
    if (MODE !== 'daemon') {
      results.push(['in-process (bench process: pool + harness, shell\'s glibc settings)', await runInProcess(storage, docs)]);
      console.log(`\n${loadLine()}\n`);
    }
    if (MODE !== 'in-process') {
      results.push(['daemon as PM2 runs it (node dist/…, ecosystem env)', await runDaemon(storage, docs)]);
      console.log(`\n${loadLine()}\n`);
    }
    console.log(`## summary: ${DOCS} documents, ${WORKERS} workers\n`);
    console.log(
      table([
        ['measurement', 'before the pool MiB', 'idle pool MiB', 'peak MiB (sampled)', 'per worker MiB', 'kernel peak (VmHWM) MiB', `last ÷ first ${WINDOW} documents`],
        ...results.map(([label, r]) => [
          label,
          r.before === undefined ? '–' : mib(r.before),
          mib(r.idle),
          mib(r.peak),
          mib(r.peak / WORKERS),
          mib(r.hwm),
          r.growth,
        ]),
      ]),
    );
  } finally {
    rmSync(storage, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
