/** Test helpers for the status server: a standalone server process, an SSE client, a Prometheus text parser. */
import path from 'node:path';
import { ROOT, spawnNode, type Proc } from '../helpers/daemon';

export { spawnNode, type Proc };

export const STATUS_ENTRY = path.join(ROOT, 'dist', 'status', 'server.js');

/** The base URL a process's status server announced in its log. */
export async function statusUrl(p: Pick<Proc, 'waitForLog'>, timeoutMs = 60_000): Promise<string> {
  const l = await p.waitForLog((x) => typeof x.msg === 'string' && x.msg.startsWith('status server listening'), timeoutMs);
  return `http://127.0.0.1:${l.port}`;
}

export function startStatusServer(env: Record<string, string>): Proc {
  return spawnNode(STATUS_ENTRY, { OCR_HTTP_PORT: '0', ...env });
}

export interface SseEvent {
  id?: string;
  event: string;
  data: any;
}

export interface SseClient {
  status: number;
  headers: Headers;
  events: SseEvent[];
  comments: string[];
  /** Resolves when the server ends the stream (or the client closes it). */
  ended: Promise<void>;
  waitFor(pred: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

/** A minimal EventSource-like client over fetch, keeping every event and comment it receives. */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const ctl = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: ctl.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  let closedByUs = false;
  const ended = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as any as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev: Partial<SseEvent> & { dataLines: string[] } = { dataLines: [] };
          let isEvent = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) {
              comments.push(line.slice(1).trim());
              continue;
            }
            if (line.startsWith('id:')) ev.id = line.slice(3).trim();
            else if (line.startsWith('event:')) ev.event = line.slice(6).trim();
            else if (line.startsWith('data:')) ev.dataLines.push(line.slice(5).trim());
            else continue;
            isEvent = true;
          }
          if (isEvent && ev.dataLines.length) {
            events.push({ id: ev.id, event: ev.event ?? 'message', data: JSON.parse(ev.dataLines.join('\n')) });
          }
          notify();
        }
      }
    } catch (err) {
      if (!closedByUs) throw err;
    } finally {
      notify();
    }
  })();
  ended.catch(() => undefined);
  let done = false;
  void ended.finally(() => (done = true));
  return {
    status: res.status,
    headers: res.headers,
    events,
    comments,
    ended,
    waitFor(pred, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.find(pred);
          if (hit) {
            waiters.delete(check);
            clearTimeout(t);
            resolve(hit);
          } else if (done) {
            waiters.delete(check);
            clearTimeout(t);
            reject(new Error(`stream ended without the event; got ${JSON.stringify(events.map((e) => [e.event, e.id, e.data?.progress?.stage, e.data?.progress?.page]))}`));
          }
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`event not seen in ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => [e.event, e.id, e.data?.progress?.stage, e.data?.progress?.page]))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      closedByUs = true;
      ctl.abort();
    },
  };
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Parse Prometheus text exposition (0.0.4) strictly enough to catch a malformed line: every sample must
 * belong to a family declared by # TYPE, names and labels must be well formed, values numeric.
 */
export function parsePrometheus(text: string): { samples: Sample[]; types: Map<string, string> } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
  const lines = text.split('\n');
  if (lines.at(-1) !== '') throw new Error('exposition must end with a newline');
  for (const [n, line] of lines.entries()) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) continue;
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      if (!name || !NAME.test(name) || !['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(type ?? '')) throw new Error(`line ${n + 1}: bad TYPE: ${line}`);
      if (types.has(name)) throw new Error(`line ${n + 1}: duplicate TYPE for ${name}`);
      types.set(name, type!);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/.exec(line);
    if (!m) throw new Error(`line ${n + 1}: not a sample: ${line}`);
    const [, name, , labelText, valueText] = m;
    const labels: Record<string, string> = {};
    if (labelText) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/g;
      let consumed = 0;
      for (let lm = re.exec(labelText); lm; lm = re.exec(labelText)) {
        labels[lm[1]!] = lm[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
        consumed = re.lastIndex;
      }
      if (consumed !== labelText.length) throw new Error(`line ${n + 1}: bad labels: ${line}`);
    }
    // Prometheus parses values with Go's ParseFloat: NaN and Inf in any case (prom-client prints the event
    // loop's mean lag as `Nan` before its first sample).
    const special = valueText!.toLowerCase();
    const nan = special === 'nan';
    const value = special === '+inf' || special === 'inf' ? Infinity : special === '-inf' ? -Infinity : nan ? NaN : Number(valueText);
    if (Number.isNaN(value) && !nan) throw new Error(`line ${n + 1}: bad value: ${line}`);
    const family = [...types.keys()].find((t) => name === t || ((name!.endsWith('_bucket') || name!.endsWith('_sum') || name!.endsWith('_count')) && name!.replace(/_(bucket|sum|count)$/, '') === t));
    if (!family) throw new Error(`line ${n + 1}: sample ${name} has no # TYPE`);
    samples.push({ name: name!, labels, value });
  }
  return { samples, types };
}

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body, headers: res.headers };
}
