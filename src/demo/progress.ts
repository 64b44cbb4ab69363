/**
 * What the demo shows while documents are read: in a terminal, one cli-progress bar per worker (its
 * document, stage, page i of n) under a bar counting finished documents; elsewhere (CI, a pipe) one plain
 * line per change of stage or page, so logs stay readable.
 */
import cliProgress from 'cli-progress';
import type { Progress } from '../queue/progress';

export interface ProgressView {
  /** A worker's document moved on (WorkerPool's onProgress). */
  progress(workerId: string, document: string, p: Progress): void;
  /** Show these workers (idle until they get a document). */
  addWorkers(ids: readonly string[]): void;
  /** `done` of `total` documents have reached their final status. */
  finished(done: number, total: number): void;
  /** A line of text (printed above the bars in a terminal). */
  note(line: string): void;
  stop(): void;
}

/** `host:pid:w0` → `w0`. */
export function shortWorker(id: string): string {
  return id.slice(id.lastIndexOf(':') + 1);
}

/** `page 2/5 OCR`, `downloading`, `done, 5 pages`… */
export function describeStage(p: Progress): string {
  const pages = p.pages ? ` ${p.page}/${p.pages}` : '';
  switch (p.stage) {
    case 'claimed':
      return 'claimed';
    case 'downloading':
      return 'downloading';
    case 'rendering':
      return p.pages ? `page${pages} read` : 'opening PDF';
    case 'ocr':
      return `page${pages} OCR`;
    case 'saving':
      return 'saving';
    case 'done':
      return `done, ${p.pages} page${p.pages === 1 ? '' : 's'}`;
    case 'failed':
      return `failed: ${p.message ?? ''}`;
  }
}

const pad = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));

export function createProgressView(opts: { tty: boolean; stream?: NodeJS.WriteStream; started?: number; waiting?: string }): ProgressView {
  return opts.tty
    ? new BarsView(opts.stream ?? process.stdout, opts.waiting ?? 'starting workers…')
    : new LinesView(opts.stream ?? process.stdout, opts.started ?? Date.now());
}

class BarsView implements ProgressView {
  private readonly multi: cliProgress.MultiBar;
  private readonly bars = new Map<string, cliProgress.SingleBar>();
  private readonly docs: cliProgress.SingleBar;

  constructor(stream: NodeJS.WriteStream, waiting: string) {
    this.multi = new cliProgress.MultiBar(
      {
        stream,
        format: ' {label} {bar} {pct} │ {doc} │ {status}',
        barsize: 24,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        gracefulExit: false,
        linewrap: false,
        fps: 8,
      },
      cliProgress.Presets.shades_classic,
    );
    this.docs = this.multi.create(1, 0, { label: pad('docs', 5), pct: '    ', doc: pad('', 24), status: waiting });
  }

  addWorkers(ids: readonly string[]): void {
    for (const id of [...ids].sort()) this.bar(id);
  }

  private bar(workerId: string): cliProgress.SingleBar {
    let b = this.bars.get(workerId);
    if (!b) {
      b = this.multi.create(100, 0, { label: pad(shortWorker(workerId), 5), pct: '  0%', doc: pad('—', 24), status: 'idle' });
      this.bars.set(workerId, b);
    }
    return b;
  }

  progress(workerId: string, document: string, p: Progress): void {
    const percent = p.stage === 'done' ? 100 : Math.max(0, Math.min(100, Math.round(p.percent)));
    this.bar(workerId).update(percent, {
      pct: `${String(percent).padStart(3)}%`,
      doc: pad(document, 24),
      status: describeStage(p),
    });
  }

  finished(done: number, total: number): void {
    this.docs.setTotal(Math.max(1, total));
    this.docs.update(done, { pct: `${String(Math.round((100 * done) / Math.max(1, total))).padStart(3)}%`, status: `${done}/${total} documents finished` });
  }

  note(line: string): void {
    this.multi.log(`${line}\n`);
  }

  stop(): void {
    this.multi.stop();
  }
}

class LinesView implements ProgressView {
  private readonly last = new Map<string, string>();
  private lastFinished = -1;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly started: number,
  ) {}

  private print(line: string): void {
    this.stream.write(`${((Date.now() - this.started) / 1000).toFixed(1).padStart(6)}s  ${line}\n`);
  }

  addWorkers(ids: readonly string[]): void {
    this.print(`workers ready: ${ids.map(shortWorker).join(', ')}`);
  }

  progress(workerId: string, document: string, p: Progress): void {
    const status = describeStage(p);
    const key = `${document}|${status}`;
    if (this.last.get(workerId) === key) return;
    this.last.set(workerId, key);
    this.print(`${pad(shortWorker(workerId), 4)} ${pad(document, 24)} ${status}`);
  }

  finished(done: number, total: number): void {
    if (done === this.lastFinished) return;
    this.lastFinished = done;
    this.print(`${done}/${total} documents finished`);
  }

  note(line: string): void {
    this.print(line);
  }

  stop(): void {}
}
