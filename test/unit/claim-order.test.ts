import { describe, expect, it } from 'vitest';
import { environmentOrder } from '../../src/pool/claim-order';

describe('environmentOrder', () => {
  it('tries prod first most often, but every environment leads some claims (no starvation)', () => {
    const leads = { prod: 0, staging: 0, dev: 0 };
    for (let t = 0; t < 600; t++) leads[environmentOrder(['dev', 'staging', 'prod'], t)[0]!]++;
    expect(leads).toEqual({ prod: 300, staging: 200, dev: 100 });
  });

  it('always lists every enabled environment once, so an idle worker falls through to any work', () => {
    for (let t = 0; t < 12; t++) expect([...environmentOrder(['prod', 'dev', 'staging'], t)].sort()).toEqual(['dev', 'prod', 'staging']);
  });

  it('spreads prod’s turns instead of bursting them', () => {
    const firsts = Array.from({ length: 6 }, (_, t) => environmentOrder(['prod', 'staging', 'dev'], t)[0]);
    expect(firsts).toEqual(['prod', 'staging', 'prod', 'dev', 'staging', 'prod']);
  });

  it('with one or no environment, just that', () => {
    expect(environmentOrder(['dev'], 5)).toEqual(['dev']);
    expect(environmentOrder([], 5)).toEqual([]);
  });
});
