/**
 * The storage circuit breaker of each environment, wired to the pool (the decisions are pure, in
 * storage-breaker.ts): jobs report their downloads through a gate, an environment whose storage fails as
 * a whole is paused (nothing is claimed from it), its storage is probed on a backoff, and claiming
 * resumes by itself when a probe answers.
 */
import type { Config, EnvName } from '../config';
import { coerceError } from '../errors';
import type { Logger } from '../logger';
import type { ObjectRef } from '../storage';
import type { EnvRuntime } from './environments';
import type { StorageGate } from './job';
import { afterFailure, afterProbe, afterSuccess, classifyStorageError, CLOSED, probeDue, type BreakerPolicy, type BreakerState, type Pause } from './storage-breaker';

/** First probe of a paused environment's storage; then doubling up to OCR_STORAGE_PROBE_MAX_MS. */
const STORAGE_PROBE_BASE_MS = 5_000;
/** A probe that hangs (a dead network mount) counts as failed after this. */
const STORAGE_PROBE_TIMEOUT_MS = 15_000;

export interface PauseListener {
  /** A pause began or ended: make it visible (ocr_storage_pauses). */
  changed(env: EnvRuntime): Promise<void>;
  /** Claiming resumed somewhere: idle slots should look again now. */
  resumed(): void;
}

export class StoragePauses {
  private readonly breakers = new Map<EnvName, { state: BreakerState; probing: boolean }>();
  private readonly policy: BreakerPolicy;

  constructor(
    private readonly envs: readonly EnvRuntime[],
    config: Pick<Config, 'storageNotFoundTrip' | 'storageProbeMaxMs'>,
    private readonly listener: PauseListener,
    private readonly log: Logger,
  ) {
    this.policy = { notFoundTrip: config.storageNotFoundTrip, probeBaseMs: STORAGE_PROBE_BASE_MS, probeMaxMs: config.storageProbeMaxMs };
    for (const e of envs) this.breakers.set(e.name, { state: CLOSED, probing: false });
  }

  /** The pause of this environment's claiming, or null while it may be claimed from. */
  pauseOf(env: EnvName): Pause | null {
    return this.breakers.get(env)?.state.pause ?? null;
  }

  /** What a job of `env` reports its downloads to. */
  gate(env: EnvRuntime, documentId: string): StorageGate {
    const b = this.breakers.get(env.name)!;
    return {
      failed: (err: unknown, ref: ObjectRef) => {
        const message = coerceError(err).message;
        const r = afterFailure(b.state, { fault: classifyStorageError(err, ref.bucket), documentId, bucket: ref.bucket, message, now: Date.now() }, this.policy);
        b.state = r.state;
        if (r.tripped) {
          const p = r.state.pause!;
          this.log.error(
            { env: env.name, reason: p.reason, err: { message: p.message }, nextProbeInMs: p.nextProbeAt - p.since },
            `${env.name}: storage is failing for the whole environment (${p.reason}): claiming paused; its documents stay at 3, attempts unspent, and resume by themselves once storage answers`,
          );
          void this.listener.changed(env);
        }
        return r.verdict;
      },
      succeeded: () => {
        b.state = afterSuccess(b.state);
      },
    };
  }

  /** Probe the storage of paused environments whose probe is due; resume those that answer. */
  async probe(): Promise<void> {
    await Promise.all(this.envs.map((env) => this.probeOne(env)));
  }

  private async probeOne(env: EnvRuntime): Promise<void> {
    const b = this.breakers.get(env.name)!;
    if (!env.storage || b.probing || !probeDue(b.state, Date.now())) return;
    b.probing = true;
    const buckets = b.state.pause!.buckets;
    let ok = false;
    let error: string | undefined;
    const deadline = AbortSignal.timeout(STORAGE_PROBE_TIMEOUT_MS);
    try {
      await Promise.race([
        env.storage.probe(buckets, { signal: deadline }),
        new Promise((_, reject) => deadline.addEventListener('abort', () => reject(new Error(`no answer within ${STORAGE_PROBE_TIMEOUT_MS} ms`)), { once: true })),
      ]);
      ok = true;
    } catch (err) {
      error = coerceError(err).message;
    } finally {
      b.probing = false;
    }
    const since = b.state.pause?.since ?? Date.now();
    const r = afterProbe(b.state, ok, Date.now(), this.policy);
    b.state = r.state;
    if (r.resumed) {
      this.log.info({ env: env.name, pausedMs: Date.now() - since }, `${env.name}: storage answers again: claiming resumed`);
      await this.listener.changed(env);
      this.listener.resumed();
    } else if (r.state.pause) {
      this.log.debug({ env: env.name, err: { message: error }, nextProbeInMs: r.state.pause.nextProbeAt - Date.now() }, `${env.name}: storage still failing`);
    }
  }
}
