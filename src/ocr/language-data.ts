/**
 * Tesseract's language data, offline: which `@tesseract.js-data/<lang>` file holds each language, and one
 * directory tesseract.js can load them all from.
 *
 * Language data comes from the `@tesseract.js-data/<lang>` npm packages, `4.0.0_best_int` folder (LSTM
 * integer model, better than the legacy/fast ones on degraded pages).
 *
 * Several languages: tesseract.js takes a single `langPath` and reads `<langPath>/<lang>.traineddata.gz`
 * for each language, but every package keeps its file in its own folder. (Passing the data in memory as
 * `[{ code, data }]` does not work in 7.0.0: `initialize` joins `l.data` instead of `l.code` into the
 * language string, fails, then crashes the parent process with a TypeError.) So for more than one
 * package a private temp dir of symlinks (copies where symlinks are not allowed) is built, used while
 * the worker loads its data, and removed as soon as `createWorker` settles.
 */
import { copyFileSync, mkdtempSync, openSync, readSync, closeSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { coerceError } from '../errors';

const DATA_FOLDER = '4.0.0_best_int';

/** Where `@tesseract.js-data/<lang>` keeps `<lang>.traineddata.gz`; throws a clear Error when not installed. */
export function languageDataFile(lang: string): string {
  if (!/^[a-z]{3}(_[a-z]+)*$/i.test(lang)) {
    throw new Error(`invalid tesseract language code '${lang}' (expected e.g. fra, eng, chi_sim)`);
  }
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`@tesseract.js-data/${lang}/package.json`);
  } catch {
    throw new Error(`no language data for '${lang}': npm package @tesseract.js-data/${lang} is not installed`);
  }
  const file = path.join(path.dirname(pkgJson), DATA_FOLDER, `${lang}.traineddata.gz`);
  // Check it is there and gzip before tesseract.js sees it: a missing file makes createWorker hang and
  // a bad one makes its initialisation crash the parent process.
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new Error(`language data for '${lang}' not found at ${file}: ${coerceError(err).message}`);
  }
  try {
    const magic = Buffer.alloc(2);
    readSync(fd, magic, 0, 2, 0);
    if (magic[0] !== 0x1f || magic[1] !== 0x8b) throw new Error(`language data ${file} is not gzip data`);
  } finally {
    closeSync(fd);
  }
  return file;
}

/** Parse `fra+eng` into codes, rejecting empty or duplicate entries. */
export function parseLangs(langs: string): string[] {
  const codes = langs.split('+').map((s) => s.trim());
  if (codes.length === 0 || codes.some((c) => c === '')) throw new Error(`invalid language list '${langs}' (expected e.g. fra+eng)`);
  if (new Set(codes).size !== codes.length) throw new Error(`language list '${langs}' repeats a language`);
  return codes;
}

/** One directory holding `<lang>.traineddata.gz` for every language, and how to clean it up. */
export function stageLanguageData(codes: string[]): { langPath: string; cleanup: () => void } {
  const files = codes.map((c) => ({ code: c, file: languageDataFile(c) }));
  const dirs = new Set(files.map((f) => path.dirname(f.file)));
  if (dirs.size === 1) return { langPath: [...dirs][0]!, cleanup: () => {} };
  const dir = mkdtempSync(path.join(tmpdir(), 'ocr-tessdata-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    for (const { code, file } of files) {
      const target = path.join(dir, `${code}.traineddata.gz`);
      try {
        symlinkSync(file, target);
      } catch {
        copyFileSync(file, target);
      }
    }
  } catch (err) {
    cleanup();
    throw err;
  }
  return { langPath: dir, cleanup };
}
