/**
 * How many workers this host may run right now, from live CPU/RAM headroom (os-utils), the time jobs of
 * each mode have been seen to take (learned) and a fixed memory estimate per worker. Pure decisions here;
 * the sampler is thin.
 *
 * Reserves (SERVER_RESERVE_CPU_PERCENT / _RAM_PERCENT) are kept free for the rest of the host: when other
 * load eats into them, workers park between jobs (never mid-job) until headroom returns.
 */
import osu from 'os-utils';
import type { OcrMode } from '../ocr/types';

/** Exponentially weighted moving average: recent jobs count most, one odd document does not swing it. */
export function ewma(previous: number | undefined, sample: number, alpha = 0.3): number {
  return previous === undefined ? sample : previous + alpha * (sample - previous);
}

export interface ModeCost {
  /** Busy seconds of one worker per page (OCR is single-threaded, so ≈ CPU-seconds per page). */
  secondsPerPage: number;
  /** Seconds per document (pages per document differ by mode: registers are short, deeds long). */
  secondsPerDocument: number;
  samples: number;
}

/** Before anything is learned: measured on these machines (≈1.7 s per 300 DPI page). */
export const DEFAULT_COST: ModeCost = { secondsPerPage: 1.7, secondsPerDocument: 3.4, samples: 0 };

/**
 * Memory one more busy worker needs, MiB: an estimate (≈350 MiB per loaded engine and page buffers,
 * measured on these machines), not learned. The OCR threads share the process's RSS, so one thread's
 * share cannot be read apart from the others' while they run.
 */
export const MEMORY_MB_PER_WORKER = 350;

export class CostModel {
  private readonly costs: Record<OcrMode, ModeCost> = { index: { ...DEFAULT_COST }, acte: { ...DEFAULT_COST } };

  record(mode: OcrMode, job: { pages: number; ms: number }): void {
    const c = this.costs[mode];
    const seconds = job.ms / 1000;
    const first = c.samples === 0;
    c.secondsPerDocument = first ? seconds : ewma(c.secondsPerDocument, seconds);
    if (job.pages > 0) c.secondsPerPage = first ? seconds / job.pages : ewma(c.secondsPerPage, seconds / job.pages);
    c.samples++;
  }

  get(mode: OcrMode): ModeCost {
    return { ...this.costs[mode] };
  }
}

export interface CapacityInput {
  poolSize: number;
  cores: number;
  /** Host CPU in use, 0..100, measured over the last sample (includes our own workers). */
  cpuUsedPercent: number;
  freeRamMb: number;
  totalRamMb: number;
  reserveCpuPercent: number;
  reserveRamPercent: number;
  /** Our workers busy right now (their CPU and RAM are already in the measurements). */
  busy: number;
  /** Memory one more busy worker is expected to need, MiB. */
  memoryMbPerWorker: number;
}

export interface Capacity {
  /** Workers allowed to hold a job at once, 1..poolSize. */
  workers: number;
  reason: string;
}

/**
 * One busy worker uses about one core. Other load = measured use minus our busy workers; a CPU reserve
 * of 0 % turns CPU parking off. At least one
 * worker always runs, so the queue moves (slowly) even on a host that is busy for good.
 *
 * The reserve is room kept for the rest of the host, not a tax on top of it: other load that fits in
 * the reserve parks nobody, and only load beyond it takes cores from the pool. (Counting both, as this
 * did before, parked the second worker of a 2-core host with the default 20 % whenever Postgres and the
 * supervisor's own thread passed ≈0.1 core: a dedicated host ran at half speed.)
 */
export function decideCapacity(i: CapacityInput): Capacity {
  const reserveCores = (i.cores * i.reserveCpuPercent) / 100;
  const usedCores = (i.cores * i.cpuUsedPercent) / 100;
  const otherCores = Math.max(0, usedCores - i.busy);
  // A zero reserve means "keep nothing free for others": CPU never parks workers.
  // A worker is admitted when at least half of its core is free: with floor(), a 2-core host with the
  // default 20 % reserve (1.6 cores left) could never run its second worker, even when idle.
  const byCpu = i.reserveCpuPercent === 0 ? i.poolSize : Math.round(i.cores - Math.max(reserveCores, otherCores));
  const reserveMb = (i.totalRamMb * i.reserveRamPercent) / 100;
  const spareMb = i.freeRamMb - reserveMb;
  const byRam = i.busy + Math.floor(spareMb / Math.max(1, i.memoryMbPerWorker));
  const workers = Math.max(1, Math.min(i.poolSize, byCpu, byRam));
  let reason: string;
  if (workers === i.poolSize) reason = 'headroom for the whole pool';
  else if (byCpu <= byRam) reason = `CPU: other load ${otherCores.toFixed(1)} of ${i.cores} cores, ${i.reserveCpuPercent}% reserved`;
  else reason = `RAM: ${Math.round(i.freeRamMb)} MiB free, ${Math.round(reserveMb)} MiB reserved, ~${Math.round(i.memoryMbPerWorker)} MiB per worker`;
  return { workers, reason };
}

export interface HostSample {
  cores: number;
  cpuUsedPercent: number;
  freeRamMb: number;
  totalRamMb: number;
}

/** One host sample: CPU over one second (os-utils), free and total RAM. */
export function sampleHost(): Promise<HostSample> {
  return new Promise((resolve) => {
    osu.cpuUsage((used) =>
      resolve({ cores: osu.cpuCount(), cpuUsedPercent: used * 100, freeRamMb: osu.freemem(), totalRamMb: osu.totalmem() }),
    );
  });
}
