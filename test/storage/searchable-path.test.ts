import { describe, expect, it } from 'vitest';
import { InvalidStoragePathError } from '../../src/storage/errors.js';
import { DEFAULT_SEARCHABLE_PDF_PATH, searchablePathProblem, searchablePdfRef } from '../../src/storage/searchable-path.js';

describe('where a searchable PDF goes', () => {
  it('by default beside the source, .pdf becoming .ocr.pdf', () => {
    expect(searchablePdfRef({ bucket: 'actes', key: '2024/123.pdf' })).toEqual({ bucket: 'actes', key: '2024/123.ocr.pdf' });
    expect(searchablePdfRef({ bucket: 'index', key: 'R 12.PDF' })).toEqual({ bucket: 'index', key: 'R 12.ocr.pdf' });
    // A source without the .pdf ending keeps its whole name.
    expect(searchablePdfRef({ bucket: 'index', key: 'scans/R12' })).toEqual({ bucket: 'index', key: 'scans/R12.ocr.pdf' });
  });

  it('anywhere a template says, in the same storage', () => {
    expect(searchablePdfRef({ bucket: 'actes', key: '2024/123.pdf' }, 'searchable/{bucket}/{dir}{name}.pdf')).toEqual({ bucket: 'searchable', key: 'actes/2024/123.pdf' });
    expect(searchablePdfRef({ bucket: 'actes', key: '123.pdf' }, 'ocr/{dir}{name}.pdf')).toEqual({ bucket: 'ocr', key: '123.pdf' });
  });

  it('never the source itself, never outside a bucket', () => {
    expect(() => searchablePdfRef({ bucket: 'actes', key: '2024/123.pdf' }, '{bucket}/{dir}{name}.pdf')).toThrow(InvalidStoragePathError);
    expect(() => searchablePdfRef({ bucket: 'actes', key: 'x.pdf' }, '{name}.ocr.pdf')).toThrow(/not <bucket>\/<key>/);
    expect(() => searchablePdfRef({ bucket: 'actes', key: 'x.pdf' }, '{bucket}/../{name}.ocr.pdf')).toThrow(InvalidStoragePathError);
  });

  it('a template is checked once, at start, with the reason', () => {
    expect(searchablePathProblem(DEFAULT_SEARCHABLE_PDF_PATH)).toBeUndefined();
    expect(searchablePathProblem('{bucket}/{dir}{name}.pdf')).toBe('would write over the source PDF');
    expect(searchablePathProblem('{bucket}/out.pdf')).toMatch(/must contain \{name\}/);
    expect(searchablePathProblem('{bucket}/{folder}{name}.pdf')).toMatch(/unknown placeholder \{folder\}/);
  });
});
