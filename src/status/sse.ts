/**
 * Server-Sent Events for one document (GET /api/jobs/:env/:id/events) and for all of them (GET
 * /api/events, the live page).
 *
 * A document's stream: `snapshot` first (the state in Postgres now), then a `progress` event per newer
 * version, and a final `done` or `failed` after which the server ends the stream. Every event carries its
 * version as `id` (see progress/version.ts), and a connection never sends a version that is not newer
 * than the last one it sent. Resuming with `Last-Event-ID: V` (header, or `?lastEventId=` for clients
 * that cannot set it) skips the snapshot and sends the document's state if it is newer than V, then
 * continues live; when nothing is newer and the document is finished, the answer is 204, which tells
 * EventSource to stop reconnecting. Intermediate versions superseded while a client was away are not
 * replayed: progress is state, and the newest state is what a resumed client needs.
 *
 * Live events are subscribed to before the state is read, and buffered until the first event is
 * written, so nothing committed in between is missed. Comments (`: ping`) keep proxies from timing the
 * stream out. A closed connection unsubscribes at once; a client that stops reading is dropped once
 * 1 MiB is waiting for it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EnvName } from '../config';
import type { Logger } from '../logger';
import { eventName, type JobStatus } from '../progress/job-status';
import { parseEventId } from '../progress/version';
import type { DocumentHub } from './hub';
import { HttpError, sendError } from './http';
import type { StatusMetrics } from './metrics';
import type { StatusRepo } from './repo';

const MAX_BUFFERED_BYTES = 1024 * 1024;
/** How long EventSource waits before reconnecting after the connection drops. */
const RETRY_MS = 2_000;

export interface SseDeps {
  hub: DocumentHub;
  repo: StatusRepo;
  metrics: StatusMetrics;
  log: Logger;
  heartbeatMs: number;
}

class SseStream {
  closed = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly res: ServerResponse,
    private readonly deps: SseDeps,
  ) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    res.write(`retry: ${RETRY_MS}\n\n`);
    deps.metrics.sseClients.inc();
    this.heartbeat = setInterval(() => this.write(': ping\n\n'), deps.heartbeatMs);
    res.on('close', () => this.cleanup());
  }

  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.cleanups.push(fn);
  }

  send(event: string, data: unknown, id?: number): void {
    const idLine = id !== undefined && id > 0 ? `id: ${id}\n` : '';
    this.write(`${idLine}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    this.deps.metrics.sseEvents.inc({ event });
  }

  private write(chunk: string): void {
    if (this.closed) return;
    this.res.write(chunk);
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.deps.log.warn('SSE client is not reading; dropping it');
      this.res.destroy();
    }
  }

  end(): void {
    if (!this.closed) this.res.end();
    this.cleanup();
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.deps.metrics.sseClients.dec();
    for (const fn of this.cleanups.splice(0)) fn();
  }
}

export async function serveDocumentEvents(req: IncomingMessage, res: ServerResponse, url: URL, env: EnvName, id: string, deps: SseDeps): Promise<void> {
  const rawLast = req.headers['last-event-id'] ?? url.searchParams.get('lastEventId') ?? undefined;
  const raw = Array.isArray(rawLast) ? rawLast[0] : rawLast;
  const resumeFrom = raw === undefined || raw === '' ? undefined : parseEventId(raw);
  if (raw !== undefined && raw !== '' && resumeFrom === undefined) {
    throw new HttpError(400, 'invalid_last_event_id', `Last-Event-ID must be an event id sent by this server (digits), got ${JSON.stringify(raw.slice(0, 40))}`);
  }

  // Subscribe first, read second: a version committed in between is buffered, not lost.
  const pending: JobStatus[] = [];
  let deliver: ((job: JobStatus) => void) | undefined;
  const unwatch = deps.hub.watch(env, id, (job) => (deliver ? deliver(job) : pending.push(job)));
  // The response closes when the client goes away, even before anything was written to it.
  let gone = false;
  const onGone = () => {
    gone = true;
    unwatch();
  };
  res.on('close', onGone);

  let job: JobStatus | null;
  try {
    job = await deps.repo.job(env, id);
  } catch (err) {
    unwatch();
    deps.log.warn({ err, env }, 'events: database unavailable');
    return sendError(res, new HttpError(503, 'database_unavailable', `${env}: database unavailable, try again`));
  }
  if (gone || res.destroyed) return unwatch();
  if (!job) {
    unwatch();
    return sendError(res, new HttpError(404, 'not_found', `no document ${id} in ${env}`));
  }
  if (resumeFrom !== undefined && job.version <= resumeFrom && job.final) {
    // Finished, and the client has seen everything: 204 stops EventSource from reconnecting.
    unwatch();
    res.writeHead(204, { 'cache-control': 'no-store' });
    res.end();
    return;
  }

  const stream = new SseStream(res, deps);
  res.off('close', onGone);
  stream.onClose(unwatch);
  let lastSent = resumeFrom ?? -1;
  const emit = (j: JobStatus) => {
    if (stream.closed || j.version <= lastSent) return;
    lastSent = j.version;
    stream.send(eventName(j), j, j.version);
    if (j.final) stream.end();
  };

  if (resumeFrom === undefined) {
    stream.send('snapshot', job, job.version);
    lastSent = job.version;
    if (job.final) {
      // Same version as the snapshot: no id of its own, so it is not a second event with one id.
      stream.send(job.final, job);
      return stream.end();
    }
  } else {
    emit(job);
  }
  deliver = emit;
  for (const j of pending.splice(0)) emit(j);
}

/** Every document's changes, without ids (they are per document): what the live page listens to. */
export function serveAllEvents(res: ServerResponse, deps: SseDeps): void {
  const stream = new SseStream(res, deps);
  const unwatch = deps.hub.watchAll((job) => stream.send(eventName(job), job));
  stream.onClose(unwatch);
  stream.send('hello', { at: new Date().toISOString() });
}
