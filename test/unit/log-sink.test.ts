import { describe, expect, it } from 'vitest';
import { LogSink, RETRY_MS } from '../../src/util/log-sink';
import { displayText, stringifyInert } from '../../src/util/inert';

/** A device that fails with `code` while `failing` is set and keeps what it was given otherwise. */
function device() {
  const d = {
    failing: '' as string,
    partial: 0,
    written: '',
    write: (_fd: number, buf: Buffer) => {
      if (d.failing) throw Object.assign(new Error(d.failing), { code: d.failing });
      if (d.partial > 0 && buf.length > d.partial) {
        const n = d.partial;
        d.partial = 0;
        d.written += buf.subarray(0, n).toString();
        return n;
      }
      d.written += buf.toString();
      return buf.length;
    },
  };
  return d;
}

/** Code points of `s` that a terminal would act on (C0, C1, DEL, bidi controls, separators). */
function rawUnsafe(s: string): number[] {
  const bidi = new Set([0x061c, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);
  return [...s].map((c) => c.codePointAt(0)!).filter((cp) => cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || bidi.has(cp));
}

const line = (msg: string) => `${JSON.stringify({ level: 'info', msg })}\n`;

describe('LogSink: a log device that fails never stops the process', () => {
  it('drops and counts lines while the disk is full, then says how many were lost when writing works again', () => {
    const dev = device();
    let now = 1_000;
    const sink = new LogSink({ write: dev.write, now: () => now });
    sink.write(line('before'));
    dev.failing = 'ENOSPC';
    for (let i = 0; i < 5; i++) expect(() => sink.write(line(`lost ${i}`))).not.toThrow();
    dev.failing = '';
    // Not tried again before the retry interval: the line is counted with the others.
    sink.write(line('too soon'));
    now += RETRY_MS;
    sink.write(line('after'));
    const lines = dev.written.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.msg)).toEqual(['before', 'log lines lost: 6 line(s) could not be written (ENOSPC)', 'after']);
    expect(lines[1]).toMatchObject({ level: 'warn', lost: 6, reason: 'ENOSPC' });
    expect(sink.droppedTotal).toBe(6);
    // Once said, the count starts again.
    sink.write(line('next'));
    expect(dev.written.trim().split('\n').at(-1)).toBe(line('next').trim());
  });

  it('says how many lines were lost within a retry interval of the device coming back, with nothing else to log', async () => {
    const dev = device();
    const sink = new LogSink({ write: dev.write, now: Date.now });
    dev.failing = 'ENOSPC';
    sink.write(line('lost'));
    dev.failing = '';
    await new Promise((r) => setTimeout(r, RETRY_MS + 200));
    expect(JSON.parse(dev.written)).toMatchObject({ lost: 1, reason: 'ENOSPC' });
    sink.write(line('after'));
    expect(dev.written.trim().split('\n').map((l) => JSON.parse(l).msg).at(-1)).toBe('after');
  });

  it.each(['EIO', 'EPIPE', 'EDQUOT', 'EFBIG'])('a %s from the device is a lost line, not an exception', (code) => {
    const dev = device();
    dev.failing = code;
    const sink = new LogSink({ write: dev.write, now: () => 0 });
    expect(() => sink.write(line('x'))).not.toThrow();
    expect(sink.droppedTotal).toBe(1);
  });

  it('a full pipe (EAGAIN) holds lines back in order and writes them when it drains', () => {
    const dev = device();
    const sink = new LogSink({ write: dev.write, now: () => 0 });
    dev.failing = 'EAGAIN';
    sink.write(line('a'));
    sink.write(line('b'));
    expect(dev.written).toBe('');
    dev.failing = '';
    sink.write(line('c'));
    expect(dev.written).toBe(line('a') + line('b') + line('c'));
    expect(sink.droppedTotal).toBe(0);
  });

  it('a line cut short by the device is finished before the next one', () => {
    const dev = device();
    const sink = new LogSink({ write: dev.write, now: () => 0 });
    dev.partial = 5;
    sink.write(line('first line'));
    sink.write(line('second'));
    expect(dev.written).toBe(line('first line') + line('second'));
  });

  it('a line torn by a full disk is ended before the next one, so every later line parses', () => {
    // A disk with 7 bytes free: a write takes what fits, then ENOSPC.
    let free = 7;
    let written = '';
    const disk = (_fd: number, buf: Buffer) => {
      if (free === 0) throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
      const n = Math.min(free, buf.length);
      free -= n;
      written += buf.subarray(0, n).toString();
      return n;
    };
    let now = 0;
    const sink = new LogSink({ write: disk, now: () => now });
    sink.write(line('torn in two'));
    sink.write(line('lost'));
    free = Number.POSITIVE_INFINITY;
    now += RETRY_MS;
    sink.write(line('after'));
    const lines = written.split('\n').filter(Boolean);
    expect(lines[0]).toBe(line('torn in two').slice(0, 7));
    expect(lines.slice(1).map((l) => JSON.parse(l).msg)).toEqual(['log lines lost: 2 line(s) could not be written (ENOSPC)', 'after']);
  });

  it('writes control, bidi and separator characters of row text as escapes; the JSON reads back the same', () => {
    const dev = device();
    const sink = new LogSink({ write: dev.write, now: () => 0 });
    const hostile = 'A\u001b[2J\u009b31m\u202eevil\u2066\u2028next\u0085';
    sink.write(line(hostile));
    expect(rawUnsafe(dev.written.slice(0, -1))).toEqual([]);
    expect(dev.written.split('\n')).toHaveLength(2);
    expect(JSON.parse(dev.written).msg).toBe(hostile);
  });
});

describe('inert row text', () => {
  it('shows every control and bidi character of a terminal line as \\uXXXX', () => {
    expect(displayText('12\u001b[1A\u001b[2K 345\u202e\u0007')).toBe('12\\u001b[1A\\u001b[2K 345\\u202e\\u0007');
    expect(displayText('Acte de vente — Élodie Dürr')).toBe('Acte de vente — Élodie Dürr');
  });

  it('stringifyInert is JSON that parses back to the same value with nothing raw in it', () => {
    const v = { source: 'acte\u001b]0;title\u0007\u202e', n: '"},{"forged":1' };
    const s = stringifyInert(v);
    expect(rawUnsafe(s)).toEqual([]);
    expect(JSON.parse(s)).toEqual(v);
  });
});
