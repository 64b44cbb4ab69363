/**
 * MuPDF's WebAssembly memory only grows: a thread that decoded a huge page or image is replaced after
 * its job so the memory goes back to the system (a decompression bomb left a 2.8 GiB process).
 */
import { describe, expect, it } from 'vitest';
import { OcrThread, RECYCLE_HEAP_BYTES, recycleAfterJob } from '../../src/pool/ocr-thread-host';
import { makePdf } from '../helpers/pdfs';

describe('OCR thread recycling', () => {
  it('the rule: a heap past the limit recycles, an ordinary page does not', () => {
    expect(RECYCLE_HEAP_BYTES).toBe(512 * 2 ** 20);
    expect(recycleAfterJob(22 * 2 ** 20)).toBe(false); // a 300 DPI A4 page
    expect(recycleAfterJob(119 * 2 ** 20)).toBe(false); // the 120 MP page budget
    expect(recycleAfterJob(2.8 * 2 ** 30)).toBe(true);
    expect(recycleAfterJob(undefined)).toBe(false);
  });

  it('a real thread whose render left the heap above the limit finishes its job, then is gone', async () => {
    const opts = { langs: 'fra+eng', dpi: 300, initTimeoutMs: 120_000, maxMemoryMb: 1024 };
    // Limit 1 byte: any rendered page counts as huge here, so the wiring is tested without a 3 GiB bomb.
    const thread = new OcrThread({ ...opts, recycleHeapBytes: 1 });
    await thread.start();
    const opened = await thread.open(await makePdf([{}]), 'acte');
    expect(opened.pages).toBe(1);
    const { page } = await thread.readPage(0, 1);
    expect(thread.alive).toBe(true);
    const result = await thread.finish('acte', [page]);
    expect(result.output.fileContent).toMatch(/^--- Page 1 ---/);
    await new Promise((r) => setTimeout(r, 200));
    expect(thread.alive).toBe(false);
    expect(thread.recycled).toBeGreaterThan(1_000_000);

    const ordinary = new OcrThread(opts);
    await ordinary.start();
    await ordinary.open(await makePdf([{}]), 'acte');
    await ordinary.finish('acte', [(await ordinary.readPage(0, 1)).page]);
    expect(ordinary.alive).toBe(true);
    await ordinary.terminate();
  }, 180_000);
});
