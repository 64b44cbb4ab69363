// Files tsc does not copy, next to the compiled code that reads them.
const fs = require('node:fs');
const path = require('node:path');

/** Copy every `ext` file of src/<dir> to dist/<dir>. */
function copy(dir, ext) {
  const from = path.join(__dirname, '..', 'src', dir);
  const to = path.join(__dirname, '..', 'dist', dir);
  fs.mkdirSync(to, { recursive: true });
  for (const f of fs.readdirSync(from)) if (f.endsWith(ext)) fs.copyFileSync(path.join(from, f), path.join(to, f));
}

// The migrations travel next to the compiled migrator.
copy(path.join('db', 'migrations'), '.sql');
// tesseract.js starts src/ocr/tesseract-worker.cjs as a thread by its path.
copy('ocr', '.cjs');
// The daemon's entry point was dist/ocr/start-worker-pool.js before it moved to dist/main.js (issue 26).
// A host's PM2 keeps an app's script path from its first start across `startOrReload`: that old path
// starts the daemon too, until every host's app has been deleted and started again (docs/operations.md).
fs.writeFileSync(
  path.join(__dirname, '..', 'dist', 'ocr', 'start-worker-pool.js'),
  "// Former entry point of the daemon, kept for PM2 apps started before it moved: see src/main.ts.\nrequire('../main.js');\n",
);
