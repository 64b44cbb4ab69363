/**
 * Build the wider OCR development set (issue 30) from public ground-truth repositories:
 * `npx tsx scripts/prepare-wide-set.ts --mirrors DIR --out DIR`.
 *
 * bench/wide-set.tsv names every page: its repository, commit, image and ALTO paths, kind and licence.
 * Each repository must be a git clone (bare or not) at `<mirrors>/<owner>+<name>/repo` (or `<mirrors>/<owner>+<name>`);
 * the script reads blobs at the pinned commit with `git show`, so later commits upstream change nothing.
 *
 * Writes, under `--out` (outside the repository: the images are large):
 *   pdf/<name>.pdf   the image, bytes unchanged, as a one-page PDF (300 DPI page size; the engine measures text size)
 *   pdf/<name>.txt   ground truth: the ALTO lines in file order (the transcribers' reading order), NFC, markup removed, ¬ → -
 *   manifest.tsv     bench/wide-set.tsv with the image's sha256 added
 *   SOURCES.md       origin and licence of every page
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadMupdf } from '../src/ocr/mupdf';

interface Entry {
  name: string;
  repo: string;
  commit: string;
  image: string;
  gtXml: string;
  kind: string;
  description: string;
  licence: string;
}

function readManifest(file: string): Entry[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = header!.split('\t');
  return lines.map((line) => {
    const v = Object.fromEntries(line.split('\t').map((x, i) => [cols[i], x]));
    return { name: v.name!, repo: v.repo!, commit: v.commit!, image: v.image!, gtXml: v.gt_xml!, kind: v.kind!, description: v.description!, licence: v.licence! };
  });
}

function gitDir(mirrors: string, repo: string): string {
  const base = path.join(mirrors, repo.replace('/', '+'));
  for (const dir of [path.join(base, 'repo'), base]) if (existsSync(dir)) return dir;
  throw new Error(`no clone of ${repo} at ${base}: git clone --bare https://github.com/${repo} ${base}`);
}

function blob(dir: string, commit: string, file: string): Buffer {
  return execFileSync('git', ['--git-dir', existsSync(path.join(dir, '.git')) ? path.join(dir, '.git') : dir, 'show', `${commit}:${file}`], { maxBuffer: 256 * 1024 * 1024 });
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ENTITIES[e] ?? m;
  });
}

/**
 * One text line per ALTO `TextLine`, in file order. Markup OCR can never produce is removed, as for the
 * shared development set: `^` (superscript marker), `⟦ ⟧` (uncertain reading; the content is kept).
 * The text itself is untouched, printers' errors included (`celte` for `cette`).
 */
export function altoLines(xml: string): string[] {
  const out: string[] = [];
  for (const line of xml.split(/<TextLine\b/).slice(1)) {
    const body = line.split('</TextLine>')[0]!;
    const words = [...body.matchAll(/<String\b[^>]*?CONTENT="([^"]*)"/g)].map((m) => decodeEntities(decodeEntities(m[1]!)));
    const text = words
      .join(' ')
      .normalize('NFC')
      .replace(/\^/g, '')
      // SegmOnto writes a printed line-end hyphen as ¬: the page shows a hyphen.
      .replace(/¬/g, '-')
      .replace(/[⟦⟧]/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    if (text) out.push(text);
  }
  return out;
}

async function imagePdf(image: Uint8Array, dpi: number): Promise<Uint8Array> {
  const mupdf = await loadMupdf();
  const doc = new mupdf.PDFDocument();
  try {
    const img = new mupdf.Image(image);
    const w = (img.getWidth() * 72) / dpi;
    const h = (img.getHeight() * 72) / dpi;
    const resources = doc.addObject({ XObject: { Im0: doc.addImage(img) } });
    doc.insertPage(-1, doc.addPage([0, 0, w, h], 0, resources, `q ${w} 0 0 ${h} 0 0 cm /Im0 Do Q`));
    return doc.saveToBuffer('').asUint8Array().slice();
  } finally {
    doc.destroy();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { mirrors: { type: 'string' }, out: { type: 'string' }, manifest: { type: 'string' } } });
  if (!values.mirrors || !values.out) throw new Error('usage: prepare-wide-set.ts --mirrors DIR --out DIR [--manifest bench/wide-set.tsv]');
  const entries = readManifest(values.manifest ?? path.join(__dirname, '..', 'bench', 'wide-set.tsv'));
  const pdfDir = path.join(values.out, 'pdf');
  mkdirSync(pdfDir, { recursive: true });
  const rows: string[] = ['name\tkind\trepo\tcommit\timage\tgt_xml\tlicence\tsha256\tlines'];
  for (const e of entries) {
    const dir = gitDir(values.mirrors, e.repo);
    const image = blob(dir, e.commit, e.image);
    const lines = altoLines(blob(dir, e.commit, e.gtXml).toString('utf8'));
    writeFileSync(path.join(pdfDir, `${e.name}.pdf`), await imagePdf(new Uint8Array(image), 300));
    writeFileSync(path.join(pdfDir, `${e.name}.txt`), `${lines.join('\n')}\n`);
    rows.push([e.name, e.kind, e.repo, e.commit, e.image, e.gtXml, e.licence, createHash('sha256').update(image).digest('hex'), String(lines.length)].join('\t'));
    process.stderr.write(`${e.name}: ${lines.length} lines\n`);
  }
  writeFileSync(path.join(values.out, 'manifest.tsv'), `${rows.join('\n')}\n`);
  const repos = [...new Set(entries.map((e) => `${e.repo}\t${e.commit}\t${e.licence}`))];
  writeFileSync(
    path.join(values.out, 'SOURCES.md'),
    [
      '# Wider OCR development set (issue 30)',
      '',
      'Built by scripts/prepare-wide-set.ts from bench/wide-set.tsv. Images unchanged (wrapped in one-page PDFs);',
      'ground truth converted from ALTO (lines in file order, NFC, `^` and `⟦ ⟧` removed). Licences as the datasets state.',
      '',
      '| repository | commit | licence |',
      '|---|---|---|',
      ...repos.map((r) => `| https://github.com/${r.split('\t')[0]} | \`${r.split('\t')[1]}\` | ${r.split('\t')[2]} |`),
      '',
      '| page | kind | what | source image |',
      '|---|---|---|---|',
      ...entries.map((e) => `| ${e.name} | ${e.kind} | ${e.description} | ${e.repo}: \`${e.image}\` |`),
      '',
    ].join('\n'),
  );
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
