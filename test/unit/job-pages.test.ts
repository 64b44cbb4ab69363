import { describe, expect, it } from 'vitest';
import { pageConfidence } from '../../src/boost/confidence';
import { pageMessage, rotatedPages } from '../../src/pool/job';
import type { PageResult } from '../../src/ocr/types';

const page = (pageNumber: number, rotated?: 90 | 180 | 270): PageResult => ({
  pageNumber,
  text: 'acte de vente',
  source: 'ocr',
  confidence: 90,
  words: [{ text: 'vente', confidence: 90, x0: 0, y0: 0, x1: 50, y1: 10 }],
  width: 100,
  height: 100,
  ...(rotated ? { rotated } : {}),
});

describe('pages read turned (issue 16)', () => {
  it('says so in the page’s progress message', () => {
    expect(pageMessage({ stage: 'ocr', page: 2, pages: 5 })).toBe('page 2 of 5');
    expect(pageMessage({ stage: 'ocr', page: 2, pages: 5, rotated: 90 })).toBe('page 2 of 5, turned 90° (scanned sideways)');
    expect(pageMessage({ stage: 'ocr', page: 3, pages: 5, rotated: 180 })).toBe('page 3 of 5, turned 180° (scanned upside down)');
  });

  it('records the turn per page in ocr_confidence and lists the turned pages for the completion log', () => {
    const confidence = pageConfidence([page(1), page(2, 90), page(3, 180)]);
    expect(confidence.pages.map((p) => p.rotated)).toEqual([undefined, 90, 180]);
    expect(JSON.parse(JSON.stringify(confidence)).pages[0]).not.toHaveProperty('rotated');
    expect(rotatedPages(confidence)).toEqual([
      { page: 2, rotated: 90 },
      { page: 3, rotated: 180 },
    ]);
    expect(rotatedPages(null)).toEqual([]);
  });
});
