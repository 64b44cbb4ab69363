/**
 * Where the daemon's log lines go: standard output, written so that the log can never stop the daemon.
 *
 * pino's default destination (sonic-boom) spins on a full disk and throws on the next write error, so a
 * full log disk stopped the pool serving, then crashed it. Here a line that cannot be written (ENOSPC,
 * EIO from a hung-up terminal, EPIPE from a closed reader, a quota) is dropped and counted; writing is
 * tried again every few seconds, and the first line that lands is preceded by one saying how many were
 * lost. A pipe that is merely full (EAGAIN) keeps a bounded backlog that is flushed when it drains.
 *
 * Each line is also made inert (`inertJson`, ./inert.ts): row text in a log line cannot move a
 * terminal's cursor, reorder what an operator reads or split the line.
 */
import { writeSync } from 'node:fs';
import { inertJson } from './inert';

/** Errors after which a line is dropped: the device, not the line, is the problem. */
const DROP_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EIO', 'EPIPE', 'EBADF', 'ENXIO', 'EINVAL']);
/** While writes fail, how often one is tried again (ms); lines in between are counted, not attempted. */
export const RETRY_MS = 2_000;
/** The most a full pipe may hold back (bytes) before lines are dropped and counted. */
const BACKLOG_MAX_BYTES = 4 * 1024 * 1024;


export interface LogSinkOptions {
  fd?: number;
  now?: () => number;
  /** Writes `buf` from its start, returns bytes written (fs.writeSync by default). */
  write?: (fd: number, buf: Buffer) => number;
}

export class LogSink {
  private readonly fd: number;
  private readonly now: () => number;
  private readonly writeFd: (fd: number, buf: Buffer) => number;
  /** Lines dropped since the last line that landed, and why the first of them was. */
  private lost = 0;
  private lostReason = '';
  private failingSince = 0;
  private lastTry = 0;
  private backlog: Buffer[] = [];
  private backlogBytes = 0;
  private drainTimer: NodeJS.Timeout | undefined;
  private noticeTimer: NodeJS.Timeout | undefined;
  /** False when the device holds the start of a line whose end was lost: the next write ends it first. */
  private atLineStart = true;
  /** Lines dropped over the process's life (for /metrics and tests). */
  droppedTotal = 0;

  constructor(opts: LogSinkOptions = {}) {
    this.fd = opts.fd ?? 1;
    this.now = opts.now ?? Date.now;
    this.writeFd = opts.write ?? ((fd, buf) => writeSync(fd, buf));
  }

  /** pino's destination interface: one serialized line (with its newline) per call. Never throws. */
  write(line: string): boolean {
    const safe = inertJson(line);
    if (this.lost > 0 && this.now() - this.lastTry < RETRY_MS) {
      this.drop(1);
      return true;
    }
    if (this.backlog.length > 0) {
      this.enqueue(Buffer.from(safe));
      this.flush();
      return true;
    }
    const out = (this.atLineStart ? '' : '\n') + (this.lost > 0 ? this.lostNotice() : '') + safe;
    this.lastTry = this.now();
    this.send(Buffer.from(out), this.lost > 0);
    return true;
  }

  /** Write what a full pipe held back, synchronously (at exit). */
  flushSync(): void {
    this.flush();
  }

  private send(buf: Buffer, carriesNotice: boolean): void {
    let off = 0;
    try {
      while (off < buf.length) off += this.put(off === 0 ? buf : buf.subarray(off));
      if (carriesNotice) this.resumed();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (code === 'EAGAIN') {
        if (carriesNotice) this.resumed();
        this.enqueue(buf.subarray(off));
        this.scheduleDrain();
      } else if (off > 0) {
        // Part of the line is out: its end follows when the device takes it (or, if that is lost, a
        // newline ends the torn part before the next line).
        this.enqueue(buf.subarray(off));
        this.scheduleDrain();
      } else {
        this.fail(DROP_CODES.has(code) ? code : code || String(err));
      }
    }
  }

  private flush(): void {
    while (this.backlog.length > 0) {
      const head = this.backlog[0]!;
      let n: number;
      try {
        n = this.put(head);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (code === 'EAGAIN') {
          this.scheduleDrain();
          return;
        }
        // The device failed under a held-back backlog: it is lost; count its lines.
        const lines = this.backlog.reduce((n, b) => n + countLines(b), 0);
        this.backlog = [];
        this.backlogBytes = 0;
        this.fail(code || String(err), lines);
        return;
      }
      this.backlogBytes -= n;
      if (n >= head.length) this.backlog.shift();
      else this.backlog[0] = head.subarray(n);
    }
  }

  private put(buf: Buffer): number {
    const n = this.writeFd(this.fd, buf);
    if (n > 0) this.atLineStart = buf[n - 1] === 10;
    return n;
  }

  private enqueue(buf: Buffer): void {
    if (this.backlogBytes + buf.length > BACKLOG_MAX_BYTES) {
      this.drop(countLines(buf), 'EAGAIN (log reader too slow)');
      return;
    }
    this.backlog.push(buf);
    this.backlogBytes += buf.length;
  }

  private scheduleDrain(): void {
    if (this.drainTimer) return;
    this.drainTimer = setTimeout(() => {
      this.drainTimer = undefined;
      this.flush();
    }, 50);
    this.drainTimer.unref();
  }

  private fail(reason: string, lines = 1): void {
    if (this.lost === 0) {
      this.failingSince = this.now();
      this.lostReason = reason;
    }
    this.drop(lines);
  }

  private drop(lines: number, reason?: string): void {
    if (this.lost === 0) {
      this.failingSince = this.now();
      this.lostReason = reason ?? this.lostReason;
      this.lastTry = this.now();
    }
    this.lost += lines;
    this.droppedTotal += lines;
    this.scheduleNotice();
  }

  /** While lines are lost, try every RETRY_MS to say so, so a quiet daemon does not hide the gap. */
  private scheduleNotice(): void {
    if (this.noticeTimer) return;
    this.noticeTimer = setTimeout(() => {
      this.noticeTimer = undefined;
      if (this.lost === 0 || this.backlog.length > 0) return;
      this.lastTry = this.now();
      const buf = Buffer.from((this.atLineStart ? '' : '\n') + this.lostNotice());
      try {
        for (let off = 0; off < buf.length; ) off += this.put(off === 0 ? buf : buf.subarray(off));
        this.resumed();
      } catch {
        // Still failing (a torn notice is ended by the next write): try again later; it is not a log line.
        this.scheduleNotice();
      }
    }, RETRY_MS);
    this.noticeTimer.unref();
  }

  private resumed(): void {
    this.lost = 0;
    this.lostReason = '';
  }

  private lostNotice(): string {
    return `${JSON.stringify({
      level: 'warn',
      time: new Date(this.now()).toISOString(),
      pid: process.pid,
      name: 'ocr-pool',
      lost: this.lost,
      reason: this.lostReason,
      since: new Date(this.failingSince).toISOString(),
      msg: `log lines lost: ${this.lost} line(s) could not be written (${this.lostReason})`,
    })}\n`;
  }
}

function countLines(buf: Buffer): number {
  let n = 0;
  for (const b of buf) if (b === 10) n++;
  return Math.max(1, n);
}

let stdoutSink: LogSink | undefined;

/**
 * The process's one sink on standard output. Taking it also stops a failing stdout or stderr stream
 * (a reader gone, a full disk) from killing the process through an unhandled 'error' event.
 */
export function processLogSink(): LogSink {
  if (!stdoutSink) {
    stdoutSink = new LogSink();
    const sink = stdoutSink;
    process.stdout.on('error', () => undefined);
    process.stderr.on('error', () => undefined);
    process.on('exit', () => sink.flushSync());
  }
  return stdoutSink;
}
