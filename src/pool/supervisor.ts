/**
 * The supervisor loop: gather its inputs (ready depth over the served environments, the host's capacity,
 * the learned cost of each mode), let the allocation policy decide (`allocate`, pure), and apply the
 * decision (each slot's preferred mode; slots beyond the capacity park between jobs).
 */
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { OcrMode } from '../ocr/types';
import { readyDepth } from '../queue/depth';
import type { Allocation, AllocationInput, AllocationPolicy } from './allocator';
import { CostModel, decideCapacity, MEMORY_MB_PER_WORKER, type Capacity, type HostSample } from './capacity';
import type { EnvRuntime } from './environments';
import type { WorkerSlot } from './worker-slot';

/** How often host headroom is re-measured (each sample takes 1 s of CPU observation). */
export const CAPACITY_INTERVAL_MS = 5_000;

type SupervisorConfig = Pick<Config, 'poolSize' | 'minIndexWorkers' | 'minActeWorkers' | 'reserveCpuPercent' | 'reserveRamPercent'>;

export class Supervisor {
  allocation: Allocation | undefined;
  capacity: Capacity | undefined;
  hostSample: HostSample | undefined;
  /** Time per document of each mode, learned from completed jobs. */
  readonly costs = new CostModel();

  constructor(
    private readonly config: SupervisorConfig,
    private readonly envs: readonly EnvRuntime[],
    /** The pool's slots (filled once they are built). */
    private readonly slots: readonly WorkerSlot[],
    private readonly policy: AllocationPolicy,
    private readonly sampleHost: () => Promise<HostSample>,
    private readonly log: Logger,
  ) {}

  /** The modes slots start with: alternating, as the policy would have them with empty queues. */
  initialModes(): OcrMode[] {
    const alternating = Array.from({ length: this.config.poolSize }, (_, i): OcrMode => (i % 2 === 0 ? 'index' : 'acte'));
    return this.policy.decide({ ...this.minimums(), depth: { index: 0, acte: 0 } }, alternating).modes;
  }

  /** Parked slots (beyond the host's capacity) take no new job; a running job is never interrupted. */
  mayClaim(slot: WorkerSlot): boolean {
    const active = this.allocation?.active ?? this.slots.length;
    return this.slots.indexOf(slot) < active;
  }

  /** Gather → decide → apply. */
  async rebalance(): Promise<void> {
    const input = await this.gather();
    const { allocation, modes } = this.policy.decide(input, this.slots.map((s) => s.mode));
    this.apply(allocation, modes);
    this.log.info(
      { depth: input.depth, allocation: { index: allocation.index, acte: allocation.acte, active: allocation.active }, capacity: this.capacity, reason: allocation.reason },
      `allocation: ${allocation.reason}`,
    );
    // Slots that were parked and may run again wake up now rather than at their next poll.
    for (const s of this.slots) if (this.mayClaim(s)) s.poke();
  }

  /** Re-measure the host's headroom; a change of capacity parks or resumes slots at once. */
  async measureCapacity(): Promise<void> {
    const sample = await this.sampleHost();
    this.hostSample = sample;
    const next = decideCapacity({
      poolSize: this.config.poolSize,
      ...sample,
      reserveCpuPercent: this.config.reserveCpuPercent,
      reserveRamPercent: this.config.reserveRamPercent,
      busy: this.slots.filter((s) => s.job).length,
      memoryMbPerWorker: MEMORY_MB_PER_WORKER,
    });
    const changed = next.workers !== this.capacity?.workers;
    this.capacity = next;
    if (changed && this.allocation) {
      // Park or resume at once: waiting for the next rebalance could mean 30 s over the reserve.
      this.log.info({ capacity: next, host: sample }, `capacity ${next.workers}/${this.config.poolSize}: ${next.reason}`);
      await this.rebalance();
    }
  }

  private minimums(): Pick<AllocationInput, 'poolSize' | 'minIndex' | 'minActe'> {
    return { poolSize: this.config.poolSize, minIndex: this.config.minIndexWorkers, minActe: this.config.minActeWorkers };
  }

  private async gather(): Promise<AllocationInput> {
    const depth = { index: 0, acte: 0 };
    for (const env of this.envs.filter((e) => e.serving)) {
      try {
        const d = await readyDepth(env.db);
        depth.index += d.index ?? 0;
        depth.acte += d.acte ?? 0;
      } catch (err) {
        this.log.warn({ env: env.name, err }, 'could not read queue depth');
      }
    }
    return {
      ...this.minimums(),
      depth,
      capacity: this.capacity?.workers,
      secondsPerDocument: { index: this.costs.get('index').secondsPerDocument, acte: this.costs.get('acte').secondsPerDocument },
      previous: this.allocation,
    };
  }

  /** A slot's new mode applies between jobs; poked, an idle slot looks for its new mode's work now. */
  private apply(allocation: Allocation, modes: readonly OcrMode[]): void {
    this.allocation = allocation;
    modes.forEach((m, i) => {
      const s = this.slots[i];
      if (s && s.mode !== m) {
        s.mode = m;
        s.poke();
      }
    });
  }
}
