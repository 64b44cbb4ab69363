import { describe, expect, it } from 'vitest';
import { CostModel, decideCapacity, DEFAULT_COST, ewma, type CapacityInput } from '../../src/pool/capacity';

const host: CapacityInput = {
  poolSize: 4,
  cores: 4,
  cpuUsedPercent: 0,
  freeRamMb: 16_000,
  totalRamMb: 24_000,
  reserveCpuPercent: 20,
  reserveRamPercent: 20,
  busy: 0,
  memoryMbPerWorker: 400,
};

describe('decideCapacity', () => {
  it.each([
    ['an idle host runs the budgeted cores (4 cores, 20 % reserved → 3)', {}, 3],
    ['our own busy workers are not "other load"', { busy: 3, cpuUsedPercent: 75 }, 3],
    ['other load beyond the reserve takes cores: 2 foreign cores busy of 4 → 2', { cpuUsedPercent: 50 }, 2],
    ['3 foreign cores busy of 4 → 1', { cpuUsedPercent: 75 }, 1],
    ['other load within the reserve parks nobody: 0.3 of 2 cores (Postgres, the supervisor) → 2', { cores: 2, poolSize: 2, cpuUsedPercent: 15 }, 2],
    ['a 2-core host parks its second worker once other load passes half a core', { cores: 2, poolSize: 2, cpuUsedPercent: 26 }, 1],
    ['never below one worker, so the queue always moves', { cpuUsedPercent: 100 }, 1],
    ['an idle 2-core host with the default reserve runs 2 workers (half a core fits)', { cores: 2, poolSize: 2 }, 2],
    ['a 2-core host with one foreign core busy runs 1', { cores: 2, poolSize: 2, cpuUsedPercent: 50 }, 1],
    ['no reserve: every core', { reserveCpuPercent: 0 }, 4],
    ['no CPU reserve: other load does not park anyone', { reserveCpuPercent: 0, cpuUsedPercent: 100 }, 4],
    ['RAM short: 4800 reserved, 5700 free, 400 per worker → 2', { freeRamMb: 5_700 }, 2],
    ['RAM counts busy workers as already paid for', { freeRamMb: 5_000, busy: 1, cpuUsedPercent: 25 }, 1],
    ['capped by the pool size', { poolSize: 2, reserveCpuPercent: 0 }, 2],
  ] as const)('%s', (_, over, expected) => {
    expect(decideCapacity({ ...host, ...over }).workers).toBe(expected);
  });

  it('says which resource limits it', () => {
    expect(decideCapacity({ ...host, cpuUsedPercent: 75 }).reason).toMatch(/^CPU/);
    expect(decideCapacity({ ...host, freeRamMb: 5_700 }).reason).toMatch(/^RAM/);
    expect(decideCapacity({ ...host, poolSize: 2 }).reason).toBe('headroom for the whole pool');
  });
});

describe('CostModel', () => {
  it('starts from the measured defaults and learns per mode from real jobs', () => {
    const m = new CostModel();
    expect(m.get('index')).toEqual(DEFAULT_COST);
    m.record('acte', { pages: 10, ms: 20_000 });
    expect(m.get('acte')).toMatchObject({ secondsPerPage: 2, secondsPerDocument: 20, samples: 1 });
    expect(m.get('index').samples).toBe(0);
    m.record('acte', { pages: 10, ms: 10_000 });
    expect(m.get('acte').secondsPerPage).toBeCloseTo(1.7);
  });
});

describe('ewma', () => {
  it('moves 30 % towards each new sample', () => {
    expect(ewma(undefined, 5)).toBe(5);
    expect(ewma(10, 0)).toBe(7);
  });
});
