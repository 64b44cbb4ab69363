import { describe, expect, it } from 'vitest';
import { allocate, assignModes, type Allocation } from '../../src/pool/allocator';

describe('allocate', () => {
  it.each([
    // case, poolSize, minIndex, minActe, index depth, acte depth → index, acte
    ['empty queues: even split', 2, 0, 0, 0, 0, 1, 1],
    ['empty queues, odd pool: index gets the extra', 3, 0, 0, 0, 0, 2, 1],
    ['100:0 skew: every worker on index', 2, 0, 0, 100, 0, 2, 0],
    ['0:100 skew: every worker on acte', 2, 0, 0, 0, 100, 0, 2],
    ['3:1 backlog on 4 workers', 4, 0, 0, 30, 10, 3, 1],
    ['a minimum holds against a skew', 4, 0, 1, 100, 0, 3, 1],
    ['a tiny backlog still gets one worker', 2, 0, 0, 1000, 1, 1, 1],
    ['pool of 1 with equal work', 1, 0, 0, 5, 5, 1, 0],
    ['pool of 1 with only acte', 1, 0, 0, 0, 5, 0, 1],
    ['minimums larger than the pool are cut to it, index first', 2, 5, 5, 10, 10, 2, 0],
    ['tie on 4 workers', 4, 0, 0, 7, 7, 2, 2],
  ] as const)('%s', (_, poolSize, minIndex, minActe, di, da, ei, ea) => {
    const a = allocate({ poolSize, minIndex, minActe, depth: { index: di, acte: da } });
    expect([a.index, a.acte]).toEqual([ei, ea]);
    expect(a.active).toBe(poolSize);
    expect(a.reason).toBeTruthy();
  });

  it('weighs backlogs in work: 10 long deeds outweigh 10 short register pages', () => {
    const a = allocate({ poolSize: 4, minIndex: 0, minActe: 0, depth: { index: 10, acte: 10 }, secondsPerDocument: { index: 2, acte: 30 } });
    expect([a.index, a.acte]).toEqual([1, 3]);
    expect(a.reason).toMatch(/index 10×2.0s, acte 10×30.0s/);
  });

  it('capacity below the pool parks the rest and allocates only the active workers', () => {
    const a = allocate({ poolSize: 4, minIndex: 0, minActe: 0, depth: { index: 10, acte: 10 }, capacity: 2 });
    expect(a).toMatchObject({ index: 1, acte: 1, active: 2 });
    expect(a.reason).toMatch(/2 parked \(capacity 2\/4\)/);
  });

  it('capacity below the minimums: minimums are cut, index first', () => {
    const a = allocate({ poolSize: 4, minIndex: 2, minActe: 2, depth: { index: 0, acte: 9 }, capacity: 1 });
    expect(a).toMatchObject({ index: 1, acte: 0, active: 1 });
  });

  it('does not flap when the inputs wobble around a boundary (hysteresis)', () => {
    let prev: Allocation | undefined;
    const seen: number[] = [];
    for (let i = 0; i < 10; i++) {
      const depth = i % 2 ? { index: 36, acte: 64 } : { index: 39, acte: 61 }; // ideal 1.44 vs 1.56 of 4
      prev = allocate({ poolSize: 4, minIndex: 0, minActe: 0, depth, previous: prev });
      seen.push(prev.index);
    }
    expect(new Set(seen).size).toBe(1);
  });

  it('still moves when the backlog really shifts', () => {
    const prev = allocate({ poolSize: 4, minIndex: 0, minActe: 0, depth: { index: 50, acte: 50 } });
    const next = allocate({ poolSize: 4, minIndex: 0, minActe: 0, depth: { index: 100, acte: 0 }, previous: prev });
    expect(next.index).toBe(4);
  });
});

describe('assignModes', () => {
  it('changes as few workers as possible', () => {
    expect(assignModes(['index', 'acte', 'index', 'acte'], { index: 3, active: 4 })).toEqual(['index', 'index', 'index', 'acte']);
    expect(assignModes(['index', 'index'], { index: 0, active: 2 })).toEqual(['acte', 'acte']);
    expect(assignModes(['index', 'acte'], { index: 1, active: 2 })).toEqual(['index', 'acte']);
  });
  it('leaves parked slots as they are', () => {
    expect(assignModes(['acte', 'acte', 'acte'], { index: 1, active: 1 })).toEqual(['index', 'acte', 'acte']);
  });
});
