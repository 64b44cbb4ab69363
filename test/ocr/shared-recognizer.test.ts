import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../src/errors';
import { RemoteRecognizer, SharedRecognizer } from '../../src/ocr/shared-recognizer';
import type { Recognition, Recognizer } from '../../src/ocr/tesseract';

/** A stand-in recogniser (the real one is exercised in engine.test.ts): says how big the image was. */
function fakeRecognizer(log: string[], fail?: Error): Recognizer {
  let alive = true;
  return {
    langs: 'fra+eng',
    get alive() {
      return alive;
    },
    async recognize(image, psm): Promise<Recognition> {
      log.push(`recognize ${image.width}x${image.height} psm ${psm} bytes ${image.pixels.byteLength}`);
      if (fail) throw fail;
      return { text: `${image.width}x${image.height}`, confidence: 90, words: [] };
    },
    async terminate() {
      alive = false;
      log.push('terminate');
    },
  };
}

const image = (w: number, h: number) => ({ width: w, height: h, pixels: new Uint8Array(w * h).fill(255) });

describe('SharedRecognizer', () => {
  it('serves every connected port with one recogniser, started once on first use, released when idle', async () => {
    const log: string[] = [];
    const shared = new SharedRecognizer({ langs: 'fra+eng', timeoutMs: 1000, idleMs: 100, create: async () => fakeRecognizer(log) });
    const a = new MessageChannel();
    const b = new MessageChannel();
    shared.connect(a.port1);
    shared.connect(b.port1);
    const ra = new RemoteRecognizer(a.port2, 'fra+eng');
    const rb = new RemoteRecognizer(b.port2, 'fra+eng');
    expect(shared.loaded).toBe(false);
    const img = image(4, 3);
    const [x, y] = await Promise.all([ra.recognize(img, 7), rb.recognize(image(5, 2), 6)]);
    expect(x.text).toBe('4x3');
    expect(y.text).toBe('5x2');
    // The caller keeps its pixels (a copy is transferred).
    expect(img.pixels.byteLength).toBe(12);
    expect(shared.starts).toBe(1);
    expect(shared.loaded).toBe(true);
    const deadline = Date.now() + 5000;
    while (shared.loaded && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(shared.loaded).toBe(false);
    expect(log.at(-1)).toBe('terminate');
    // Used again: started again.
    expect((await ra.recognize(image(2, 2), 7)).text).toBe('2x2');
    expect(shared.starts).toBe(2);
    await ra.terminate();
    await rb.terminate();
    await shared.terminate();
    expect(shared.loaded).toBe(false);
  });

  it('passes failures back, a RetryableError as such', async () => {
    const shared = new SharedRecognizer({ langs: 'fra+eng', timeoutMs: 1000, idleMs: 1000, create: async () => fakeRecognizer([], new RetryableError('tesseract failed')) });
    const c = new MessageChannel();
    shared.connect(c.port1);
    const r = new RemoteRecognizer(c.port2, 'fra+eng');
    await expect(r.recognize(image(2, 2), 7)).rejects.toThrow(RetryableError);
    await r.terminate();
    await shared.terminate();
  });

  it('a remote end whose shared side went away refuses work with a RetryableError', async () => {
    const c = new MessageChannel();
    const r = new RemoteRecognizer(c.port2, 'fra+eng');
    c.port1.close();
    const deadline = Date.now() + 2000;
    while (r.alive && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
    expect(r.alive).toBe(false);
    await expect(r.recognize(image(2, 2), 7)).rejects.toThrow(RetryableError);
  });
});
