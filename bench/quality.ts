/**
 * `npm run bench:quality`: OCR quality on ../shared/ocr-dev, per page: raw (`file_content`), boosted
 * (`boosted_file_content`) and native tesseract (Debian's `tesseract`, when on PATH) on the same pages in
 * the same run. Scores are those of ../shared/tools/ocr_metrics.py --canonical (src/demo/metrics.ts):
 * CER for prose, bag-of-words F1 for tables (their reading order is ambiguous); both are printed, the one
 * that decides is marked. Also the pages' mean word confidence and whether they are flagged.
 *
 * Each document is read the way the pool reads it (OcrEngine in the mode its kind implies, then
 * boostDocument). Native tesseract gets the same rendered pixels (300 DPI grey, PGM) with plain settings
 * (`-l fra`, automatic layout), the baseline an operator would get without this project.
 *
 * Options: --only REGEX (documents whose name matches it), --no-preprocess (hand tesseract the rendered
 * pixels as they are), --cache DIR (keep OCR results there and reuse them: for iterating on the boost),
 * --no-native (skip native tesseract), --langs (default fra+eng, as OCR_LANGS), --dpi (default 300),
 * --rotate 90|180|270 (every page turned that far clockwise first, like a scan fed sideways or upside
 * down), --no-orientation (read pages as they come, without the orientation check).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { boostDocument } from '../src/boost';
import { pageConfidence } from '../src/boost/confidence';
import { score, type TextScore } from '../src/demo/metrics';
import { joinPages, OcrEngine } from '../src/ocr/engine';
import { openPdf } from '../src/ocr/pdf';
import { toPgm } from '../src/ocr/tesseract';
import type { DocumentResult, OcrMode } from '../src/ocr/types';
import { turnPages } from '../test/helpers/pdfs';
import { devSetDir } from './lib';

const DEV_SET = devSetDir('bench:quality');

type Kind = 'prose' | 'table';
interface DevDoc {
  name: string;
  pdf: string;
  gt: string;
  kind: Kind;
  /** Handwritten pages: not an accuracy target, they must be flagged. */
  handwritten: boolean;
}

/** The dev set: every PDF with its ground truth; the kind decides the OCR mode and the measure. */
function devSet(): DevDoc[] {
  const docs: DevDoc[] = [];
  const table = (stem: string) => /concerts|troisvagues|souscription|lectaurep|register/.test(stem);
  const pdfDir = path.join(DEV_SET, 'pdf');
  for (const stem of ['tapus-lettre1858-3_eac6a', 'tapus-discours-btv1b530873615', 'tapus-oulipo1971-btv1b10010130k_4',
    'tapus-note1949-btv1b530924453', 'tapus-prose-3pages', 'tapus-souscription1970-btv1b10010116f_7',
    'tapus-concerts1970-btv1b10010116f_13', 'tapus-troisvagues-9_04276', 'lectaurep-riant1830-DAFANCH96_048MIC06484_L-0',
    'lectaurep-riant1830-DAFANCH96_048MIC06486_L-1']) {
    docs.push({ name: stem, pdf: path.join(pdfDir, `${stem}.pdf`), gt: path.join(pdfDir, `${stem}.txt`), kind: table(stem) ? 'table' : 'prose', handwritten: stem.startsWith('lectaurep') });
  }
  const syn = path.join(DEV_SET, 'synthetic');
  for (const doc of ['acte1', 'acte2', 'register']) {
    for (const variant of ['digital', 'scan', 'hard']) {
      docs.push({ name: `synthetic/${doc}-${variant}`, pdf: path.join(syn, `${doc}-${variant}.pdf`), gt: path.join(syn, `${doc}.gt.txt`), kind: table(doc) ? 'table' : 'prose', handwritten: false });
    }
  }
  return docs;
}

const modeOf = (kind: Kind): OcrMode => (kind === 'table' ? 'index' : 'acte');

function nativeAvailable(): boolean {
  const r = spawnSync('tesseract', ['--list-langs'], { encoding: 'utf8' });
  return r.status === 0 && /^fra$/m.test(`${r.stdout}${r.stderr}`);
}

/** Native tesseract on the same rendered pixels, pages joined like file_content. */
async function nativeText(pdfBytes: Uint8Array, dpi: number, tmp: string): Promise<string> {
  const doc = await openPdf(pdfBytes);
  try {
    const pages: { pageNumber: number; text: string }[] = [];
    for (let i = 0; i < doc.pageCount; i++) {
      const img = doc.renderGrey(i, dpi);
      const file = path.join(tmp, `page-${i}.pgm`);
      writeFileSync(file, toPgm(img));
      const r = spawnSync('tesseract', [file, '-', '-l', 'fra', '--dpi', String(img.dpi)], {
        encoding: 'utf8',
        env: { ...process.env, OMP_THREAD_LIMIT: '1' },
        maxBuffer: 64 * 1024 * 1024,
      });
      if (r.status !== 0) throw new Error(`tesseract failed: ${r.stderr}`);
      pages.push({ pageNumber: i + 1, text: r.stdout });
    }
    return joinPages(pages);
  } finally {
    doc.close();
  }
}

interface Row {
  doc: DevDoc;
  pages: number;
  raw: TextScore;
  boosted: TextScore;
  native: TextScore | null;
  confidence: string;
  flagged: boolean;
  seconds: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      cache: { type: 'string' },
      'no-preprocess': { type: 'boolean', default: false },
      'no-native': { type: 'boolean', default: false },
      dpi: { type: 'string', default: '300' },
      langs: { type: 'string', default: 'fra+eng' },
      rotate: { type: 'string', default: '0' },
      'no-orientation': { type: 'boolean', default: false },
    },
  });
  const dpi = Number(values.dpi);
  const only = values.only ? new RegExp(values.only) : null;
  const docs = devSet().filter((d) => !only || only.test(d.name));
  const native = !values['no-native'] && nativeAvailable();
  const preprocess = !values['no-preprocess'];
  const rotate = Number(values.rotate) as 0 | 90 | 180 | 270;
  if (![0, 90, 180, 270].includes(rotate)) throw new Error(`--rotate must be 0, 90, 180 or 270, got ${values.rotate}`);
  const orientation = !values['no-orientation'];
  if (values.cache) mkdirSync(values.cache, { recursive: true });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-quality-'));
  let engine: OcrEngine | null = null;
  const rows: Row[] = [];
  try {
    for (const doc of docs) {
      const bytes = rotate ? await turnPages(new Uint8Array(readFileSync(doc.pdf)), rotate) : new Uint8Array(readFileSync(doc.pdf));
      const mode = modeOf(doc.kind);
      const variant = `${mode}.${preprocess ? 'pre' : 'nopre'}${values.langs === 'fra+eng' ? '' : `.${values.langs}`}${rotate ? `.r${rotate}` : ''}${orientation ? '' : '.noorient'}`;
      const cacheFile = values.cache ? path.join(values.cache, `${doc.name.replaceAll('/', '_')}.${variant}.json`) : null;
      const started = performance.now();
      let result: DocumentResult;
      if (cacheFile && existsSync(cacheFile)) {
        result = JSON.parse(readFileSync(cacheFile, 'utf8')) as DocumentResult;
      } else {
        engine ??= await OcrEngine.create({ langs: values.langs!, dpi, timeoutMs: 60_000, preprocess, orientation });
        result = await engine.ocrDocument(bytes, mode);
        if (cacheFile) writeFileSync(cacheFile, JSON.stringify(result));
      }
      const seconds = (performance.now() - started) / 1000;
      const raw = joinPages(result.pages);
      const boosted = boostDocument(mode, result.pages);
      const gt = readFileSync(doc.gt, 'utf8');
      let nativeScore: TextScore | null = null;
      if (native) {
        const nativeCache = values.cache ? path.join(values.cache, `${doc.name.replaceAll("/", "_")}${rotate ? `.r${rotate}` : ""}.native.txt`) : null;
        let text: string;
        if (nativeCache && existsSync(nativeCache)) text = readFileSync(nativeCache, 'utf8');
        else {
          text = await nativeText(bytes, dpi, tmp);
          if (nativeCache) writeFileSync(nativeCache, text);
        }
        nativeScore = score(gt, text);
      }
      const conf = pageConfidence(result.pages);
      rows.push({
        doc,
        pages: result.pages.length,
        raw: score(gt, raw),
        boosted: score(gt, boosted.text),
        native: nativeScore,
        confidence: conf.pages.map((p) => (p.confidence === null ? 'text' : p.confidence.toFixed(0)) + (p.rotated ? ` ↻${p.rotated}` : '')).join('/'),
        flagged: conf.flagged,
        seconds,
      });
      process.stderr.write(`${doc.name}: done in ${seconds.toFixed(1)} s\n`);
    }
  } finally {
    await engine?.terminate();
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(render(rows, { native, preprocess, rotate }));
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const f3 = (x: number) => x.toFixed(3);

function render(rows: Row[], o: { native: boolean; preprocess: boolean; rotate: number }): string {
  const out: string[] = [];
  out.push(`# OCR quality on ../shared/ocr-dev (scored like ocr_metrics.py --canonical)`);
  out.push('');
  out.push(`Preprocessing ${o.preprocess ? 'on' : 'off'}${o.rotate ? `; every page turned ${o.rotate}° clockwise before reading (↻N: the page was read turned N°)` : ''}. ` + (o.native ? 'Native = Debian tesseract, `-l fra`, default layout, same pixels.' : 'Native tesseract: not run (no `tesseract` with `fra` on PATH, or --no-native).'));
  out.push('The measure that decides is **bold**: CER for prose (lower is better), bag-of-words F1 for tables (higher is better).');
  out.push('');
  out.push('| page | kind | mode | conf | flag | CER raw | CER boosted | CER native | F1 raw | F1 boosted | F1 native | boost wins | raw ≥ native |');
  out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  const b = (s: string, on: boolean) => (on ? `**${s}**` : s);
  for (const r of rows) {
    const prose = r.doc.kind === 'prose';
    const wins = prose ? r.boosted.cer < r.raw.cer : r.boosted.bowF1 > r.raw.bowF1;
    // A text layer can be exact already: then the boost can only tie.
    const exact = prose ? r.raw.cer === 0 && r.boosted.cer === 0 : r.raw.bowF1 === 1 && r.boosted.bowF1 === 1;
    const noWorse = r.native === null ? '-' : prose ? r.raw.cer <= r.native.cer : r.raw.bowF1 >= r.native.bowF1;
    out.push(
      `| ${r.doc.name}${r.pages > 1 ? ` (${r.pages} p.)` : ''} | ${r.doc.handwritten ? 'handwritten ' : ''}${r.doc.kind} | ${modeOf(r.doc.kind)} | ${r.confidence} | ${r.flagged ? 'LOW' : ''} | ` +
        `${b(pct(r.raw.cer), prose)} | ${b(pct(r.boosted.cer), prose)} | ${r.native ? b(pct(r.native.cer), prose) : '-'} | ` +
        `${b(f3(r.raw.bowF1), !prose)} | ${b(f3(r.boosted.bowF1), !prose)} | ${r.native ? b(f3(r.native.bowF1), !prose) : '-'} | ` +
        `${r.doc.handwritten ? '(n/a)' : wins ? 'yes' : exact ? 'tie (raw exact)' : 'NO'} | ${r.doc.handwritten ? '(n/a)' : noWorse === '-' ? '-' : noWorse ? 'yes' : 'NO'} |`,
    );
  }
  const typed = rows.filter((r) => !r.doc.handwritten);
  const mean = (xs: Row[], f: (r: Row) => number) => (xs.length ? xs.reduce((s, r) => s + f(r), 0) / xs.length : NaN);
  const prose = typed.filter((r) => r.doc.kind === 'prose');
  const tables = typed.filter((r) => r.doc.kind === 'table');
  const withNative = (xs: Row[]) => xs.filter((r) => r.native);
  out.push('');
  out.push('## Totals (typed pages; means per document)');
  out.push('');
  out.push('| set | documents | raw | boosted | native |');
  out.push('|---|---|---|---|---|');
  out.push(`| prose, CER | ${prose.length} | ${pct(mean(prose, (r) => r.raw.cer))} | ${pct(mean(prose, (r) => r.boosted.cer))} | ${o.native ? pct(mean(withNative(prose), (r) => r.native!.cer)) : '-'} |`);
  out.push(`| tables, F1 | ${tables.length} | ${f3(mean(tables, (r) => r.raw.bowF1))} | ${f3(mean(tables, (r) => r.boosted.bowF1))} | ${o.native ? f3(mean(withNative(tables), (r) => r.native!.bowF1)) : '-'} |`);
  const wins = typed.filter((r) => (r.doc.kind === 'prose' ? r.boosted.cer < r.raw.cer : r.boosted.bowF1 > r.raw.bowF1)).length;
  const exact = typed.filter((r) => (r.doc.kind === 'prose' ? r.raw.cer === 0 && r.boosted.cer === 0 : r.raw.bowF1 === 1 && r.boosted.bowF1 === 1)).length;
  const behindNative = typed.filter((r) => r.native && (r.doc.kind === 'prose' ? r.raw.cer > r.native.cer : r.raw.bowF1 < r.native.bowF1)).map((r) => r.doc.name);
  const hand = rows.filter((r) => r.doc.handwritten);
  out.push('');
  out.push(
    `Boosted beats raw on ${wins} of ${typed.length} typed documents` +
      (exact ? ` (${exact} more tie: their raw text, from the text layer, is already exact)` : '') +
      `; raw behind native tesseract: ${o.native ? (behindNative.length ? behindNative.join(', ') : 'none') : 'not measured'}` +
      `; handwritten pages flagged: ${hand.filter((r) => r.flagged).length} of ${hand.length}; typed documents flagged: ${typed.filter((r) => r.flagged).length} of ${typed.length}.`,
  );
  return out.join('\n');
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
