/**
 * In-memory fan-out of live document statuses to the SSE connections of this process. One live feed
 * per process feeds it; every connection watching a document gets each newer version once.
 *
 * Live messages are at-most-once (a Redis or LISTEN connection that drops loses what was sent
 * meanwhile), so while anything is watched the hub also re-reads the watched documents from Postgres
 * every `reconcileMs` and after every reconnect: a lost message costs latency, never a missing event.
 */
import type { EnvName } from '../config';
import type { Logger } from '../logger';
import type { JobStatus } from '../progress/job-status';
import type { LiveMessage } from '../progress/live-message';

export type JobListener = (job: JobStatus) => void;

export interface JobReader {
  jobs(env: EnvName, ids: string[]): Promise<JobStatus[]>;
}

/** How many documents' last versions are remembered to drop duplicates (Redis and NOTIFY both carrying one). */
const SEEN_MAX = 10_000;

export class DocumentHub {
  private readonly watchers = new Map<string, Set<JobListener>>();
  private readonly all = new Set<JobListener>();
  private readonly seen = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private reconciling: Promise<void> | undefined;

  constructor(
    private readonly reader: JobReader,
    private readonly log: Logger,
    reconcileMs = 5_000,
  ) {
    this.timer = setInterval(() => void this.reconcile(), reconcileMs);
    this.timer.unref();
  }

  /** Watch one document; returns the function that stops watching. */
  watch(env: EnvName, id: string, fn: JobListener): () => void {
    const key = `${env}:${id}`;
    let set = this.watchers.get(key);
    if (!set) {
      set = new Set();
      this.watchers.set(key, set);
    }
    set.add(fn);
    return () => {
      const s = this.watchers.get(key);
      if (!s) return;
      s.delete(fn);
      if (s.size === 0) this.watchers.delete(key);
    };
  }

  /** Every document's changes (the live page). */
  watchAll(fn: JobListener): () => void {
    this.all.add(fn);
    return () => void this.all.delete(fn);
  }

  ingest(msg: LiveMessage): void {
    if ('job' in msg) {
      this.dispatch(msg.job);
      return;
    }
    // Too large for NOTIFY: only "changed to version V" came; read it if anyone cares.
    const key = `${msg.env}:${msg.id}`;
    if (!this.watchers.has(key) && this.all.size === 0) return;
    if (msg.version <= (this.seen.get(key) ?? -1)) return;
    this.reader.jobs(msg.env, [msg.id]).then(
      (jobs) => {
        for (const j of jobs) this.dispatch(j);
      },
      (err) => this.log.debug({ err }, 'could not read a changed document'),
    );
  }

  dispatch(job: JobStatus): void {
    const key = `${job.env}:${job.id}`;
    if (job.version <= (this.seen.get(key) ?? -1)) return;
    this.seen.delete(key);
    this.seen.set(key, job.version);
    if (this.seen.size > SEEN_MAX) this.seen.delete(this.seen.keys().next().value!);
    for (const fn of [...(this.watchers.get(key) ?? []), ...this.all]) {
      try {
        fn(job);
      } catch (err) {
        this.log.warn({ err }, 'live listener failed');
      }
    }
  }

  /** Re-read every watched document from Postgres (periodically, and when a live connection came back). */
  reconcile(): Promise<void> {
    this.reconciling ??= this.doReconcile().finally(() => (this.reconciling = undefined));
    return this.reconciling;
  }

  private async doReconcile(): Promise<void> {
    const byEnv = new Map<EnvName, string[]>();
    for (const key of this.watchers.keys()) {
      const i = key.indexOf(':');
      const env = key.slice(0, i) as EnvName;
      byEnv.set(env, [...(byEnv.get(env) ?? []), key.slice(i + 1)]);
    }
    for (const [env, ids] of byEnv) {
      try {
        for (const j of await this.reader.jobs(env, ids)) this.dispatch(j);
      } catch (err) {
        this.log.debug({ err, env }, 'reconcile failed (database unavailable?)');
      }
    }
  }

  stats(): { documents: number; listeners: number; allListeners: number } {
    let listeners = 0;
    for (const s of this.watchers.values()) listeners += s.size;
    return { documents: this.watchers.size, listeners, allListeners: this.all.size };
  }

  stop(): void {
    clearInterval(this.timer);
    this.watchers.clear();
    this.all.clear();
  }
}
