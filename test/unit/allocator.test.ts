import { describe, expect, it } from 'vitest';
import { allocate, assignModes } from '../../src/pool/allocator';

describe('allocate', () => {
  it.each([
    // poolSize, minIndex, minActe, index depth, acte depth → index, acte
    [2, 0, 0, 0, 0, 1, 1],
    [3, 0, 0, 0, 0, 2, 1],
    [2, 0, 0, 100, 0, 2, 0],
    [2, 0, 0, 0, 100, 0, 2],
    [4, 0, 0, 30, 10, 3, 1],
    [4, 0, 1, 100, 0, 3, 1],
    [2, 0, 0, 1000, 1, 1, 1],
    [1, 0, 0, 5, 5, 1, 0],
    [1, 0, 0, 0, 5, 0, 1],
    [2, 5, 5, 10, 10, 2, 0], // minimums larger than the pool are cut down to it
  ])('pool %i, minimums %i/%i, depth %i/%i → %i index, %i acte', (poolSize, minIndex, minActe, di, da, ei, ea) => {
    const a = allocate({ poolSize, minIndex, minActe, depth: { index: di, acte: da } });
    expect([a.index, a.acte]).toEqual([ei, ea]);
    expect(a.reason).toBeTruthy();
  });
});

describe('assignModes', () => {
  it('changes as few workers as possible', () => {
    expect(assignModes(['index', 'acte', 'index', 'acte'], { index: 3, acte: 1, reason: '' })).toEqual(['index', 'index', 'index', 'acte']);
    expect(assignModes(['index', 'index'], { index: 0, acte: 2, reason: '' })).toEqual(['acte', 'acte']);
    expect(assignModes(['index', 'acte'], { index: 1, acte: 1, reason: '' })).toEqual(['index', 'acte']);
  });
});
