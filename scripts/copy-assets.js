// tsc copies no .sql files: the migrations travel next to the compiled migrator.
const fs = require('node:fs');
const path = require('node:path');
const from = path.join(__dirname, '..', 'src', 'db', 'migrations');
const to = path.join(__dirname, '..', 'dist', 'db', 'migrations');
fs.mkdirSync(to, { recursive: true });
for (const f of fs.readdirSync(from)) if (f.endsWith('.sql')) fs.copyFileSync(path.join(from, f), path.join(to, f));
// Nor plain .cjs files: tesseract.js starts src/ocr/tesseract-worker.cjs as a thread by its path.
const ocrFrom = path.join(__dirname, '..', 'src', 'ocr');
const ocrTo = path.join(__dirname, '..', 'dist', 'ocr');
for (const f of fs.readdirSync(ocrFrom)) if (f.endsWith('.cjs')) fs.copyFileSync(path.join(ocrFrom, f), path.join(ocrTo, f));
