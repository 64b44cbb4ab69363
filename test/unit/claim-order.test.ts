import { describe, expect, it } from 'vitest';
import { claimOrder, environmentOrder } from '../../src/pool/claim-order';

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

describe('claimOrder', () => {
  const cases: { name: string; input: Parameters<typeof claimOrder>[0]; want: string[] }[] = [
    { name: 'own mode everywhere first, then the other mode', input: { open: ['dev', 'prod'], tick: 0, mode: 'acte', workConserving: true }, want: ['prod:acte', 'dev:acte', 'prod:index', 'dev:index'] },
    { name: 'the round robin picks the environment tried first, for both modes', input: { open: ['prod', 'staging', 'dev'], tick: 3, mode: 'index', workConserving: true }, want: ['dev:index', 'prod:index', 'staging:index', 'dev:acte', 'prod:acte', 'staging:acte'] },
    { name: 'not work-conserving (a benchmark baseline): own mode only', input: { open: ['prod', 'dev'], tick: 0, mode: 'index', workConserving: false }, want: ['prod:index', 'dev:index'] },
    { name: 'one environment', input: { open: ['staging'], tick: 7, mode: 'index', workConserving: true }, want: ['staging:index', 'staging:acte'] },
    { name: 'nothing open (all paused or not serving): nothing to try', input: { open: [], tick: 0, mode: 'acte', workConserving: true }, want: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(claimOrder(c.input).map((p) => `${p.env}:${p.source}`)).toEqual(c.want);
    });
  }
});
