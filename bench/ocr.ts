/**
 * `npm run bench:ocr`: pages per minute of the real pool (1 and 2 workers) against Debian's native
 * `tesseract` CLI run with the same parallelism on the same pages, in the same run; then text-layer pages
 * against OCR'd pages.
 *
 * Pages: the scanned dev set (`$OCR_DEV_SET/pdf`), taken round-robin over its files, each page saved
 * as a one-page PDF. Each page is rendered once with our MuPDF path (src/ocr/pdf.ts, grey, OCR_DPI 300)
 * to a PGM for tesseract; the pool gets the one-page PDF and does its whole pipeline (download from
 * local storage, the same render, preprocessing, tesseract.js, boost, database writes). The native
 * baseline therefore gets its pixels for free: the ratio is conservative for the pool.
 * The English deed and register page of samples/ (scripts/generate-samples.ts) come after the dev files
 * in the round-robin: `--pages 12` takes the first page of every file, both English pages included.
 * Same languages (OCR_LANGS fra+eng; the pool routes, native reads with both models at once), same page
 * segmentation per mode (psm 6 for index pages, 3 for prose), one
 * thread per tesseract process (OMP_THREAD_LIMIT=1; the pool's OCR threads are single-threaded too).
 * Native baselines: Debian's own models (tesseract-ocr-fra/eng 4.1.0, tessdata_fast) with `-l fra+eng`
 * and with `-l fra` alone, and the pool's
 * model (tesseract.js-data 4.0.0_best_int, unpacked for the CLI), so the ratio separates the engine and
 * pipeline from the model. Another row runs the pool's recognizer alone with the primary language
 * (tesseract.js, same pixels, no queue, preprocessing, routing or boost), so the table also separates
 * the engine from the pipeline around it. Each pool run starts a new pool, as a daemon starts; the same
 * pool then reads the same pages again as new rows ("warm"): what a daemon that has been running a while
 * delivers. The ratios of the new pool are the ones that count. After the table, where the new pool's
 * time went, per stage.
 *
 * The pool runs with the daemon's default SERVER_RESERVE_CPU_PERCENT (20) unless --reserve-cpu is given:
 * throughput counts with default settings. The reserve is room for other load (src/pool/capacity.ts), so
 * a 2-core host keeps both workers until other processes take more than half a core; on a shared machine
 * they may, and "mean active" says how many workers it let claim (--reserve-cpu 0: no parking).
 *
 * Options: --pages N (OCR'd pages, default 8), --rounds N (default 2), --reserve-cpu PERCENT, --text-docs N (born-digital documents, default 20) of
 * --text-pages N pages each (default 5), --no-native.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { loadMupdf } from '../src/ocr/mupdf';
import { openPdf } from '../src/ocr/open-pdf';
import type { GreyImage } from '../src/ocr/pdf';
import { REFINEMENTS, sumRefinementMs } from '../src/ocr/page-steps';
import type { RefinementMs } from '../src/ocr/types';
import { STAGES, type StageMs } from '../src/pool/job';
import { createRecognizer } from '../src/ocr/tesseract';
import { deedLines, makePdf } from '../test/helpers/pdfs';
import { drained, enqueue, withPool } from './common-pool';
import { devSetDir, loadLine, machineHeader, ratio, table } from './lib';

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '8' },
    'text-docs': { type: 'string', default: '20' },
    'text-pages': { type: 'string', default: '5' },
    rounds: { type: 'string', default: '2' },
    'no-native': { type: 'boolean', default: false },
    'reserve-cpu': { type: 'string', default: '20' },
    /** Instead of the table: the pool of 2 with OCR_SEARCHABLE_PDF on against off, interleaved. */
    searchable: { type: 'boolean', default: false },
  },
});
const PAGES = Number(values.pages);
const ROUNDS = Number(values.rounds);
/** SERVER_RESERVE_CPU_PERCENT for the pool: the daemon's default unless told otherwise. */
const RESERVE_CPU = values['reserve-cpu']!;
const TEXT_DOCS = Number(values['text-docs']);
const TEXT_PAGES = Number(values['text-pages']);
const DEV_DIR = devSetDir('bench:ocr');
const DPI = 300;
const LANGS = 'fra+eng';
/** The language the pool reads every page with first (OCR_LANGS' first). */
const PRIMARY = 'fra';
const PSM = { index: '6', acte: '3' } as const;

/** Typed English pages (samples/, generated): Quebec registries hold English deeds too. */
const ENGLISH_SAMPLES = [
  { file: path.join(__dirname, '..', 'samples', 'actes', '1987', 'acte-4081-sale.pdf'), mode: 'acte' as const },
  { file: path.join(__dirname, '..', 'samples', 'index', '206-112.pdf'), mode: 'index' as const },
];

interface BenchPage {
  name: string;
  mode: 'index' | 'acte';
  pgm: string;
  dpi: number;
  image: GreyImage;
}

interface Run {
  label: string;
  parallelism: number;
  pages: number;
  seconds: number;
  load: number;
  /** Pool only: samples of how many workers the capacity decision let claim (parking), summed over rounds. */
  activeSum?: number;
  activeSamples?: number;
  /** Pool only: time its completed documents spent per stage, summed over rounds. */
  stageMs?: StageMs;
  /** Pool only: of the recognition stage, time per refinement, summed over rounds. */
  refinementMs?: RefinementMs;
}

/** Kind of each dev page from the manifest: prose is read as an acte, registers, tables and forms as index. */
function modeOf(file: string): 'index' | 'acte' {
  const manifest = readFileSync(path.join(DEV_DIR, 'manifest.tsv'), 'utf8').split('\n').slice(1);
  const base = path.basename(file, '.pdf');
  const line = manifest.find((l) => l.split('\t')[0]?.replace(/\.\w+$/, '') === base);
  const kind = line?.split('\t')[9] ?? 'prose';
  return kind === 'prose' ? 'acte' : 'index';
}

/** One-page PDFs in `storage` (index/ and actes/) and their 300 DPI grey renders as PGM in `work`. */
async function preparePages(storage: string, work: string): Promise<BenchPage[]> {
  const mupdf = await loadMupdf();
  const files = readdirSync(path.join(DEV_DIR, 'pdf')).filter((f) => f.endsWith('.pdf')).sort();
  const inputs = [
    ...files.map((f) => ({ file: path.join(DEV_DIR, 'pdf', f), mode: modeOf(f) })),
    ...ENGLISH_SAMPLES,
  ];
  const sources = inputs.map(({ file, mode }) => {
    const bytes = readFileSync(file);
    const doc = mupdf.Document.openDocument(bytes, 'application/pdf').asPDF()!;
    return { file, bytes, doc, pages: doc.countPages(), mode };
  });
  // Round-robin over files, so a short run still covers every kind of page.
  const picks: Array<{ s: (typeof sources)[number]; page: number }> = [];
  for (let round = 0; picks.length < PAGES; round++) {
    for (const s of sources) if (round < s.pages && picks.length < PAGES) picks.push({ s, page: round });
    if (round > 1000) throw new Error('no pages in the dev set');
  }
  const pages: BenchPage[] = [];
  for (const [k, { s, page }] of picks.entries()) {
    const name = `p${String(k).padStart(3, '0')}.pdf`;
    const out = new mupdf.PDFDocument();
    out.graftPage(-1, s.doc, page);
    const one = out.saveToBuffer('').asUint8Array().slice();
    out.destroy();
    writeFileSync(path.join(storage, s.mode === 'index' ? 'index' : 'actes', name), one);
    const pdf = await openPdf(one);
    const img = pdf.renderGrey(0, DPI);
    pdf.close();
    const pgm = path.join(work, name.replace('.pdf', '.pgm'));
    writeFileSync(pgm, Buffer.concat([Buffer.from(`P5\n${img.width} ${img.height}\n255\n`), Buffer.from(img.pixels)]));
    pages.push({ name, mode: s.mode, pgm, dpi: img.dpi, image: { width: img.width, height: img.height, pixels: img.pixels } });
  }
  for (const s of sources) s.doc.destroy();
  return pages;
}

interface NativeModel {
  key: string;
  label: string;
  /** -l */
  langs: string;
  /** --tessdata-dir; undefined: Debian's own (tessdata_fast). */
  tessdataDir?: string;
}

/** The pool's own model (tesseract.js-data 4.0.0_best_int, gzipped in the npm packages) unpacked for the CLI. */
function stageSameModel(dir: string): string {
  for (const lang of LANGS.split('+')) {
    const gz = require.resolve(`@tesseract.js-data/${lang}/4.0.0_best_int/${lang}.traineddata.gz`);
    writeFileSync(path.join(dir, `${lang}.traineddata`), gunzipSync(readFileSync(gz)));
  }
  return dir;
}

function nativeTesseract(): string | null {
  const v = spawnSync('tesseract', ['--version'], { encoding: 'utf8' });
  if (v.error || v.status !== 0) return null;
  const langs = spawnSync('tesseract', ['--list-langs'], { encoding: 'utf8' }).stdout ?? '';
  const missing = LANGS.split('+').filter((l) => !langs.split(/\s+/).includes(l));
  if (missing.length > 0) return null;
  return (v.stdout || v.stderr).split('\n')[0]!.trim();
}

/** `parallelism` tesseract processes at a time over every page; returns the wall time. */
async function runNative(pages: readonly BenchPage[], parallelism: number, model: NativeModel): Promise<Run> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: parallelism }, async () => {
      while (next < pages.length) {
        const p = pages[next++]!;
        await new Promise<void>((resolve, reject) => {
          const args = [p.pgm, 'stdout', '-l', model.langs, '--psm', PSM[p.mode], '--dpi', String(p.dpi)];
          if (model.tessdataDir) args.push('--tessdata-dir', model.tessdataDir);
          const child = spawn('tesseract', args, {
            env: { ...process.env, OMP_THREAD_LIMIT: '1' },
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          let err = '';
          child.stderr.on('data', (d) => (err += d));
          child.on('error', reject);
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tesseract ${p.name}: exit ${code}: ${err}`))));
        });
      }
    }),
  );
  return { label: model.label, parallelism, pages: pages.length, seconds: (performance.now() - t0) / 1000, load: os.loadavg()[0]! };
}

/**
 * The pool's recognizer alone (src/ocr/tesseract.ts: tesseract.js, same model), `parallelism` of them,
 * on the same pixels: no queue, no storage, no preprocessing, no boost. Models load before the clock.
 */
async function runTesseractJs(pages: readonly BenchPage[], parallelism: number): Promise<Run> {
  const recognizers = await Promise.all(Array.from({ length: parallelism }, () => createRecognizer({ langs: PRIMARY, timeoutMs: 120_000 })));
  let next = 0;
  const t0 = performance.now();
  try {
    await Promise.all(
      recognizers.map(async (rec) => {
        while (next < pages.length) {
          const p = pages[next++]!;
          await rec.recognize(p.image, Number(PSM[p.mode]) as 3 | 6, { dpi: p.dpi });
        }
      }),
    );
  } finally {
    await Promise.all(recognizers.map((r) => r.terminate()));
  }
  return { label: `tesseract.js alone (pool's recognizer, ${PRIMARY})`, parallelism, pages: pages.length, seconds: (performance.now() - t0) / 1000, load: os.loadavg()[0]! };
}

/**
 * The pool drains one document per page; wall time from enqueue to the last row at 5. The pool is new, so
 * this batch also pays what a daemon pays once per start: tesseract.js's WebAssembly is compiled as it is
 * first used (a fresh recogniser reads its first page ≈200–250 ms slower) and the shared `fra+eng`
 * recogniser loads on the first second opinion. Then the same pages again, as new rows in the same pool:
 * the warm batch, what a daemon that has been running delivers. The ratios that count are the new
 * pool's; the warm batch only says how much of the gap is start-up.
 */
async function runPool(
  label: string,
  storage: string,
  docs: Array<{ source: 'index' | 'acte'; path: string }>,
  workers: number,
  { warm: again, env = {} }: { warm: boolean; env?: Record<string, string> },
): Promise<{ cold: Run; warm?: Run }> {
  return withPool('ocr', storage, workers, async ({ pool, db }) => {
    const batch = async (n: number, runLabel: string, pagesBefore: number): Promise<Run> => {
      let activeSum = 0;
      let activeSamples = 0;
      const sampler = setInterval(() => {
        activeSum += pool.snapshot().allocation?.active ?? workers;
        activeSamples++;
      }, 200);
      const t0 = performance.now();
      await enqueue(db, docs);
      pool.poke();
      const by = await drained(db);
      const seconds = (performance.now() - t0) / 1000;
      clearInterval(sampler);
      if ((by[5] ?? 0) !== docs.length * n) throw new Error(`pool run '${runLabel}': expected ${docs.length * n} rows at 5, got ${JSON.stringify(by)}`);
      const { stats } = pool.snapshot();
      return { label: runLabel, parallelism: workers, pages: stats.pages - pagesBefore, seconds, load: os.loadavg()[0]!, activeSum, activeSamples };
    };
    const cold = await batch(1, label, 0);
    // Stages and refinements of the new pool's batch only: the table of where the time goes is the new pool's.
    const { stageMs, refinementMs } = pool.snapshot().stats;
    const warm = again ? await batch(2, `${label}, warm (the same pool again)`, cold.pages) : undefined;
    return { cold: { ...cold, stageMs, refinementMs }, ...(warm ? { warm } : {}) };
  }, { SERVER_RESERVE_CPU_PERCENT: RESERVE_CPU, ...env });
}

/**
 * `--searchable`: the pool of 2 on the same pages with OCR_SEARCHABLE_PDF off and on, alternating (off on,
 * on off, …), each a new pool then warm: the cost of building and storing each scan's searchable PDF.
 */
async function searchableCost(storage: string, scanned: Array<{ source: 'index' | 'acte'; path: string }>): Promise<void> {
  const sum = { off: { pages: 0, seconds: 0 }, on: { pages: 0, seconds: 0 } };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
      const { cold, warm } = await runPool(`ocr-pool, searchable PDF ${mode}`, storage, scanned, 2, { warm: true, env: { OCR_SEARCHABLE_PDF: mode === 'on' ? 'true' : 'false' } });
      for (const r of [cold, warm!]) {
        sum[mode].pages += r.pages;
        sum[mode].seconds += r.seconds;
      }
      console.log(`  round ${round + 1}: searchable PDF ${mode}: ${(cold.seconds + warm!.seconds).toFixed(1)} s · ${loadLine()}`);
    }
  }
  const ppm = (x: { pages: number; seconds: number }) => (x.pages / x.seconds) * 60;
  console.log('\nsearchable PDF (OCR_SEARCHABLE_PDF) on vs off, pool of 2 workers, new pool + warm batch per run\n');
  console.log(
    table([
      ['OCR_SEARCHABLE_PDF', 'pages', 'seconds', 'pages/min', '÷ off'],
      ['false (baseline)', String(sum.off.pages), sum.off.seconds.toFixed(1), ppm(sum.off).toFixed(1), '1.00×'],
      ['true', String(sum.on.pages), sum.on.seconds.toFixed(1), ppm(sum.on).toFixed(1), ratio(ppm(sum.on), ppm(sum.off))],
    ]),
  );
}

function addStages(a: StageMs, b: StageMs): StageMs {
  return Object.fromEntries(STAGES.map((s) => [s, a[s] + b[s]])) as StageMs;
}

/**
 * Where the pool's time went: each stage's time per page (summed over the workers' documents, so with 2
 * workers the stages add up to about twice the wall time per page) and its share of the summed stages.
 */
function stageTable(runs: Run[]): string {
  const rows: string[][] = [['stage', ...runs.flatMap((r) => [`ms/page, ${r.parallelism} worker(s)`, 'share'])]];
  const row = (name: string, ms: (r: Run) => number) =>
    rows.push([
      name,
      ...runs.flatMap((r) => {
        const total = STAGES.reduce((n, k) => n + r.stageMs![k], 0);
        return [(ms(r) / r.pages).toFixed(0), `${((100 * ms(r)) / total).toFixed(1)} %`];
      }),
    ]);
  for (const s of STAGES) {
    row(s, (r) => r.stageMs![s]);
    if (s !== 'recognition') continue;
    // Recognition split: the first reading, then each refinement (completion log line `refinements`).
    const refined = (r: Run) => REFINEMENTS.reduce((n, k) => n + (r.refinementMs?.[k] ?? 0), 0);
    row('  of which the first reading', (r) => r.stageMs!.recognition - refined(r));
    for (const k of REFINEMENTS) row(`  of which ${k}`, (r) => r.refinementMs?.[k] ?? 0);
  }
  rows.push(['wall time ÷ pages × workers', ...runs.flatMap((r) => [((r.seconds * 1000 * r.parallelism) / r.pages).toFixed(0), ''])]);
  return `\nper-stage cost of the pool (completion log line \`stages\` and \`refinements\`, ocr_stage_duration_seconds)\n\n${table(rows)}`;
}

async function main() {
  console.log(machineHeader(`bench:ocr — ${PAGES} scanned pages × ${ROUNDS} rounds (one-page documents, ${DPI} DPI, ${LANGS}); ${TEXT_DOCS} born-digital documents × ${TEXT_PAGES} pages`));
  const native = values['no-native'] ? null : nativeTesseract();
  if (native) console.log(`native baseline: ${native} (Debian), -l ${LANGS} and -l ${PRIMARY}, OMP_THREAD_LIMIT=1, --psm 6 (index) / 3 (acte), --dpi ${DPI}`);
  else if (!values['no-native']) console.log('native baseline: `tesseract` with fra and eng not found (apt-get install -y tesseract-ocr tesseract-ocr-fra): baseline column skipped');
  const storage = mkdtempSync(path.join(os.tmpdir(), 'bench-ocr-storage-'));
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-ocr-pgm-'));
  mkdirSync(path.join(storage, 'index'));
  mkdirSync(path.join(storage, 'actes'));
  try {
    console.log(
      `pool: SERVER_RESERVE_CPU_PERCENT=${RESERVE_CPU}` +
        (RESERVE_CPU === '0' ? ' (no parking)' : ' (the daemon\'s default: workers park only while other load exceeds the reserve; see "mean active")'),
    );
    const pages = await preparePages(storage, work);
    const kinds = `${pages.filter((p) => p.mode === 'index').length} index (psm 6), ${pages.filter((p) => p.mode === 'acte').length} acte (psm 3)`;
    console.log(`pages: ${kinds}; rendered once to PGM for the native baseline\n`);
    const scanned = pages.map((p) => ({ source: p.mode, path: p.name }));
    if (values.searchable) return await searchableCost(storage, scanned);

    // Interleaved, and reversed every other round (A B C D, D C B A), so a change in the machine's load
    // hits every configuration alike; each row below sums its rounds.
    const models: NativeModel[] = native
      ? [
          { key: 'fast', label: `native tesseract -l ${LANGS}, Debian model (baseline)`, langs: LANGS },
          { key: 'fra', label: `native tesseract -l ${PRIMARY}, Debian model (baseline)`, langs: PRIMARY },
          { key: 'best', label: `native tesseract -l ${LANGS}, pool's model (baseline)`, langs: LANGS, tessdataDir: stageSameModel(mkdtempSync(path.join(work, 'tessdata-'))) },
        ]
      : [];
    const order: Array<{ engine: string; w: number }> = [];
    for (const w of [1, 2]) {
      for (const m of models) order.push({ engine: m.key, w });
      order.push({ engine: 'tjs', w });
      order.push({ engine: 'pool', w });
    }
    const byKey = new Map<string, Run>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const { engine, w } of round % 2 === 0 ? order : [...order].reverse()) {
        const model = models.find((m) => m.key === engine);
        const runs: Array<[string, Run]> = [];
        if (model) runs.push([engine, await runNative(pages, w, model)]);
        else if (engine === 'tjs') runs.push([engine, await runTesseractJs(pages, w)]);
        else {
          const { cold, warm } = await runPool('ocr-pool', storage, scanned, w, { warm: true });
          runs.push([engine, cold], ['poolWarm', warm!]);
        }
        for (const [k, r] of runs) {
          const key = `${k}/${w}`;
          const prev = byKey.get(key);
          byKey.set(
            key,
            prev
              ? {
                  ...r,
                  pages: prev.pages + r.pages,
                  seconds: prev.seconds + r.seconds,
                  activeSum: (prev.activeSum ?? 0) + (r.activeSum ?? 0),
                  activeSamples: (prev.activeSamples ?? 0) + (r.activeSamples ?? 0),
                  stageMs: prev.stageMs && r.stageMs ? addStages(prev.stageMs, r.stageMs) : r.stageMs,
                  refinementMs: r.refinementMs && sumRefinementMs([prev.refinementMs, r.refinementMs]),
                }
              : r,
          );
          console.log(`  round ${round + 1}: ${r.label}, ${w}: ${r.seconds.toFixed(1)} s · ${loadLine()}`);
        }
      }
    }
    // The table's rows: each engine as it ran, the pool's warm batch right after the pool.
    const rows = order.flatMap((o) => (o.engine === 'pool' ? [o, { engine: 'poolWarm', w: o.w }] : [o]));

    const ppm = (r: Run) => (r.pages / r.seconds) * 60;
    const at = (key: string, w: number) => byKey.get(`${key}/${w}`);
    const vs = (r: Run, key: string, w: number) => {
      const base = at(key, w);
      if (r.label.startsWith('native')) return '–';
      return base ? ratio(ppm(r), ppm(base)) : '– (no native)';
    };
    console.log('\nOCR\'d pages (scanned)\n');
    console.log(
      table([
        ['engine', 'workers / processes', 'mean active', 'pages', 'seconds', 'pages/min', 'load (1 min) after', `÷ native ${LANGS}, Debian model`, `÷ native ${PRIMARY}, Debian model`, `÷ native ${LANGS}, same model`],
        ...rows.map(({ engine, w }) => {
          const r = at(engine, w)!;
          const active = r.activeSamples ? ((r.activeSum ?? 0) / r.activeSamples).toFixed(2) : '–';
          return [r.label, String(w), active, String(r.pages), r.seconds.toFixed(1), ppm(r).toFixed(1), r.load.toFixed(2), vs(r, 'fast', w), vs(r, 'fra', w), vs(r, 'best', w)];
        }),
      ]),
    );
    const scale = (key: string) => {
      const a = at(key, 1);
      const b = at(key, 2);
      return a && b ? ratio(ppm(b), ppm(a)) : '–';
    };
    const pool2 = at('pool', 2)!;
    console.log(
      `\nscaling 1 → 2 workers: pool ${scale('pool')} (warm ${scale('poolWarm')}), tesseract.js alone ${scale('tjs')}` +
        (native ? `, native Debian model ${scale('fast')}, native same model ${scale('best')}` : '') +
        ` (${os.cpus().length} cores)`,
    );
    console.log(stageTable([1, 2].map((w) => at('pool', w)!)));

    // Born-digital pages: read from the text layer, no render, no OCR.
    const textDocs: Array<{ source: 'index' | 'acte'; path: string }> = [];
    for (let d = 0; d < TEXT_DOCS; d++) {
      const name = `t${String(d).padStart(3, '0')}.pdf`;
      const bytes = await makePdf(Array.from({ length: TEXT_PAGES }, (_, p) => ({ lines: deedLines(40, d * 31 + p) })));
      writeFileSync(path.join(storage, 'actes', name), bytes);
      textDocs.push({ source: 'acte', path: name });
    }
    const { cold: text } = await runPool('ocr-pool, text layer', storage, textDocs, 2, { warm: false });
    console.log(`\ntext-layer pages vs OCR'd pages (pool, 2 workers)\n`);
    console.log(
      table([
        ['pages', 'documents', 'pages', 'seconds', 'pages/min', 'text-layer ÷ OCR\'d'],
        ['OCR\'d (scanned)', String(scanned.length), String(pool2.pages), pool2.seconds.toFixed(1), ppm(pool2).toFixed(1), '1.00×'],
        ['text layer (born-digital)', String(textDocs.length), String(text.pages), text.seconds.toFixed(1), ppm(text).toFixed(0), ratio(ppm(text), ppm(pool2))],
      ]),
    );
    console.log(`\n${loadLine()}`);
  } finally {
    rmSync(storage, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
