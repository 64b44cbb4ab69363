import { describe, expect, it } from 'vitest';
import { sourceLabel } from '../../src/status/metrics';

describe('the source label of /metrics row counts', () => {
  it('is the source the pool reads for known sources, whatever their case and spaces', () => {
    expect(['index', ' Acte', 'PLAN_CADASTRAUX ', ''].map(sourceLabel)).toEqual(['index', 'acte', 'plan_cadastraux', '']);
    expect(sourceLabel(null)).toBe('');
  });

  it('is `other` for anything else, so free text never becomes a series of its own', () => {
    expect(sourceLabel('acte\u001b[31m\u2066')).toBe('other');
    expect(sourceLabel('x"} 1\nocr_forged 1')).toBe('other');
  });
});
