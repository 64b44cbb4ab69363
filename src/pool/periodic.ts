/** The pool's periodic tasks: each runs every `ms` until stopped; a failing run is logged, not fatal. */
import type { Logger } from '../logger';
import { sleep } from '../util/sleep';

export class Periodic {
  private readonly stopCtl = new AbortController();
  private readonly loops: Promise<void>[] = [];

  constructor(private readonly log: Logger) {}

  every(ms: number, fn: () => Promise<void>): void {
    const signal = this.stopCtl.signal;
    this.loops.push(
      (async () => {
        while (!signal.aborted) {
          await sleep(ms, signal);
          if (signal.aborted) break;
          await fn().catch((err) => this.log.error({ err }, 'periodic task failed'));
        }
      })(),
    );
  }

  /** No new run starts; a run under way ends by itself (see `settled`). */
  stop(): void {
    this.stopCtl.abort();
  }

  async settled(): Promise<void> {
    await Promise.allSettled(this.loops);
  }
}
