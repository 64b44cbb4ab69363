/**
 * The status server (its routes: docs/contract.md, "Routes of the status server"): node:http, no framework.
 *
 *   GET /healthz                  liveness (never needs the token)
 *   GET /readyz                   databases reachable (and migrated), workers started; storage pauses named (readiness.ts)
 *   GET /metrics                  Prometheus text
 *   GET /api/pool                 workers, allocation and reason, queue counts, running documents (pool-info.ts)
 *   GET /api/jobs/:env/:id        one document's status and progress
 *   GET /api/jobs/:env/:id/events SSE: snapshot, progress…, done | failed (see sse.ts)
 *   GET /api/jobs/:env/:id/pages/:n(.hocr)  a page's words in PDF points, as JSON or hOCR (page-words.ts)
 *   GET /api/jobs/:env/:id/pdf    the document's searchable PDF (OCR_SEARCHABLE_PDF), from its storage
 *   GET /api/events               SSE of every document's changes (the live page)
 *   GET /                         the live page (the operator's panel)
 *   GET /api/failures, /api/find, /api/actions; POST /api/requeue, /api/jobs/:env/:id/requeue,
 *       /api/pause, /api/resume   the panel's reads and actions (operator-api.ts; who may act: admin-auth.ts)
 *
 * It runs inside the pool process and alone (`node dist/status/server.js`, a second PM2 app) with the
 * same code: every answer comes from Postgres and the live channel, never from the pool's memory, so any
 * process on any host answers the same. The pool process only adds its own metrics and the readiness of
 * its workers. With OCR_HTTP_TOKEN set, every route but /healthz (and the page's static script and
 * style) needs `Authorization: Bearer <token>` or `?token=` (an admin token in the header reads too).
 * Actions (POST) need an admin token (OCR_HTTP_ADMIN_TOKEN) in the header, whatever OCR_HTTP_TOKEN says.
 * No CORS headers are sent: browsers only let the page's own origin read the API or send it an action.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Redis from 'ioredis';
import type { Registry } from 'prom-client';
import { ENV_NAMES, type Config, type EnvName } from '../config';
import { coerceError } from '../errors';
import { createLogger, type Logger } from '../logger';
import { isUuid } from '../progress/job-status';
import type { LiveEnv } from '../progress/publisher';
import { closeRedis, createRedis } from '../progress/redis';
import { LiveFeed } from '../progress/subscriber';
import { InvalidRequest } from '../check/operator';
import { authorizeAction, isAdminBearer, type ActionRequest } from './admin-auth';
import { HttpError, presentedToken, sendError, sendJson, sendText, tokenMatches } from './http';
import { serveOperatorAction, serveOperatorRead, type OperatorDeps } from './operator-api';
import { DocumentHub } from './hub';
import { createStatusMetrics, type StatusMetrics } from './metrics';
import { PAGE_CSS, PAGE_HTML, PAGE_JS } from './page';
import { servePageWords } from './page-words';
import { PANEL_JS } from './panel-page';
import { poolInfo } from './pool-info';
import { readyz, type PoolProbe } from './readiness';
import { StatusRepo } from './repo';
import { serveAllEvents, serveDocumentEvents, type SseDeps } from './sse';
import { loadConfigOrExit, stopOnSignals } from '../util/entry-point';
import { createStorage, type ObjectStorage } from '../storage';
import { ObjectNotFoundError } from '../storage/errors';

export interface StatusServerOptions {
  config: Pick<Config, 'environments' | 'redisUrl' | 'httpHost' | 'httpPort' | 'httpToken'> &
    Partial<Pick<Config, 'redisCommandTimeoutMs' | 'pageTimeoutMs' | 'documentTimeoutMs' | 'httpAdminTokens' | 'pageRowsKeepDays' | 'storageDir' | 'storageTimeoutMs' | 'maxPdfBytes'>>;
  log: Logger;
  pool?: PoolProbe;
  /** SSE heartbeat comment interval. Default 15 s. */
  heartbeatMs?: number;
  /** How often watched documents are re-read from Postgres (safety net for lost live messages). Default 5 s. */
  reconcileMs?: number;
}

/** The address a browser opens: `http://host:port/` (an IPv6 host in brackets). */
export function urlOf(addr: AddressInfo): string {
  return `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}/`;
}

const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

export class StatusServer {
  readonly repo: StatusRepo;
  readonly hub: DocumentHub;
  readonly feed: LiveFeed;
  readonly metrics: StatusMetrics;
  private readonly server: http.Server;
  /** Redis for reads (the shared allocation); the pool process also writes its allocation through it. */
  readonly redis: Redis | undefined;
  private readonly log: Logger;
  private stopping: Promise<void> | undefined;
  private readonly storages = new Map<EnvName, ObjectStorage>();

  constructor(private readonly opts: StatusServerOptions) {
    this.log = opts.log;
    const envs: LiveEnv[] = opts.config.environments.map((e) => ({ name: e.name, databaseUrl: e.databaseUrl }));
    this.repo = new StatusRepo(envs, this.log);
    this.hub = new DocumentHub(this.repo, this.log, opts.reconcileMs ?? 5_000);
    this.feed = new LiveFeed({
      envs,
      redisUrl: opts.config.redisUrl,
      log: this.log,
      onMessage: (msg, via) => {
        this.metrics.liveMessages.inc({ transport: via });
        this.hub.ingest(msg);
      },
      onResync: () => void this.hub.reconcile(),
    });
    this.metrics = createStatusMetrics(this.repo, this.hub, this.feed, this.log);
    this.redis = opts.config.redisUrl ? createRedis(opts.config.redisUrl, 'reader', this.log, opts.config.redisCommandTimeoutMs) : undefined;
    this.server = http.createServer((req, res) => void this.handle(req, res));
    // SSE streams are long-lived by design; the heartbeat keeps them from looking idle.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 10_000;
    this.server.keepAliveTimeout = 5_000;
  }

  get registry(): Registry {
    return this.metrics.registry;
  }

  /** Listen on OCR_HTTP_HOST:OCR_HTTP_PORT; resolves with the bound address (port 0 picks a free one). */
  async start(): Promise<AddressInfo> {
    this.feed.start();
    try {
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(this.opts.config.httpPort, this.opts.config.httpHost, () => {
          this.server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      await this.stop();
      throw err;
    }
    const addr = this.address()!;
    this.log.info(
      { host: addr.address, port: addr.port, token: Boolean(this.opts.config.httpToken), actions: this.adminTokens.length > 0, live: this.opts.config.redisUrl ? 'redis + postgres' : 'postgres' },
      `status server listening on ${urlOf(addr)}`,
    );
    return addr;
  }

  address(): AddressInfo | null {
    const a = this.server.address();
    return a && typeof a === 'object' ? a : null;
  }

  /** Close the listener and every open stream, then the connections. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server.closeAllConnections();
      await closed;
      this.hub.stop();
      await this.feed.stop().catch(() => undefined);
      await closeRedis(this.redis).catch(() => undefined);
      await this.repo.close();
    })();
    return this.stopping;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://status.invalid');
    } catch {
      return sendError(res, new HttpError(400, 'bad_request', 'malformed request URL'));
    }
    try {
      if (req.method === 'POST') return await this.action(req, res, url);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        // OPTIONS too: no CORS preflight is ever answered, so no other origin may send an action.
        throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed: reads are GET, actions POST`, { allow: 'GET, HEAD, POST' });
      }
      if (url.pathname === '/healthz') return sendJson(res, 200, { ok: true });
      // The page's script and style hold no data (the page passes its ?token= on to the API itself).
      if (url.pathname === '/app.js') return sendText(res, 200, 'text/javascript; charset=utf-8', PAGE_JS);
      if (url.pathname === '/app.css') return sendText(res, 200, 'text/css; charset=utf-8', PAGE_CSS);
      if (url.pathname === '/panel.js') return sendText(res, 200, 'text/javascript; charset=utf-8', PANEL_JS);
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204, { 'cache-control': 'max-age=86400' });
        return void res.end();
      }
      const token = this.opts.config.httpToken;
      if (token && !tokenMatches(presentedToken(req, url), token) && !isAdminBearer(req.headers.authorization, this.adminTokens)) {
        const presented = presentedToken(req, url) !== undefined;
        throw new HttpError(401, presented ? 'invalid_token' : 'missing_token', presented ? 'the token is not valid' : 'this server requires a token: Authorization: Bearer <token> (or ?token=)', {
          'www-authenticate': 'Bearer realm="ocr-pool"',
        });
      }
      await this.route(req, res, url);
    } catch (thrown) {
      if (thrown instanceof HttpError) return sendError(res, thrown);
      const err = coerceError(thrown);
      this.log.error({ err, path: url.pathname }, 'status request failed');
      sendError(res, new HttpError(500, 'internal_error', 'internal error (logged)'));
    }
  }

  private get adminTokens() {
    return this.opts.config.httpAdminTokens ?? [];
  }

  /** A POST: an action, taken only with an admin token in the header, from no other origin (admin-auth.ts). */
  private async action(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    const verdict = authorizeAction({ headers: req.headers as ActionRequest['headers'], url, hasBody }, this.adminTokens);
    if (!verdict.ok) {
      this.log.warn({ path: url.pathname, code: verdict.code, origin: req.headers.origin }, 'operator action refused');
      throw new HttpError(verdict.status, verdict.code, verdict.message, verdict.status === 401 ? { 'www-authenticate': 'Bearer realm="ocr-pool actions"' } : {});
    }
    if (await serveOperatorAction(req, res, url, verdict.actor, this.operatorDeps())) return;
    throw new HttpError(404, 'not_found', `no action ${url.pathname}`);
  }

  private operatorDeps(): OperatorDeps {
    return { repo: this.repo, log: this.log, env: (n) => this.env(n), dbCall: (env, fn) => this.dbCall(env, fn) };
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    if (path === '/') return sendText(res, 200, 'text/html; charset=utf-8', PAGE_HTML, { 'content-security-policy': PAGE_CSP });
    if (path === '/readyz') return readyz(res, { repo: this.repo, feed: this.feed, pool: this.opts.pool, config: this.opts.config });
    if (path === '/metrics') {
      const body = await this.metrics.registry.metrics();
      return sendText(res, 200, this.metrics.registry.contentType, body);
    }
    if (path === '/api/pool') return sendJson(res, 200, await poolInfo({ repo: this.repo, feed: this.feed, redis: this.redis }));
    if (path === '/api/events') return req.method === 'HEAD' ? sseHead(res) : serveAllEvents(res, this.sseDeps());
    if (await serveOperatorRead(res, url, this.operatorDeps())) return;

    const w = /^\/api\/jobs\/([^/]+)\/([^/]+)\/pages\/([^/]+?)(\.hocr)?\/?$/.exec(path);
    if (w) {
      const asked = { env: this.env(decode(w[1]!)), id: decode(w[2]!), page: decode(w[3]!), hocr: Boolean(w[4]) };
      return servePageWords(res, asked, { read: (env, id, n) => this.dbCall(env, () => this.repo.page(env, id, n)), keepDays: this.opts.config.pageRowsKeepDays });
    }
    const pdf = /^\/api\/jobs\/([^/]+)\/([^/]+)\/pdf$/.exec(path);
    if (pdf) return this.searchablePdf(req, res, this.env(decode(pdf[1]!)), decode(pdf[2]!));

    const m = /^\/api\/jobs\/([^/]+)\/([^/]+)(\/events)?\/?$/.exec(path);
    if (m) {
      const env = this.env(decode(m[1]!));
      const id = decode(m[2]!);
      if (!isUuid(id)) throw new HttpError(400, 'invalid_id', `document id must be a UUID, got ${JSON.stringify(id.slice(0, 60))}`);
      if (m[3]) return req.method === 'HEAD' ? sseHead(res) : serveDocumentEvents(req, res, url, env, id.toLowerCase(), this.sseDeps());
      const job = await this.dbCall(env, () => this.repo.job(env, id));
      if (!job) throw new HttpError(404, 'not_found', `no document ${id} in ${env}`);
      return sendJson(res, 200, job);
    }
    throw new HttpError(404, 'not_found', `no route ${path}`);
  }

  /** The searchable PDF, read from the environment's storage where the pool wrote it. */
  private async searchablePdf(req: IncomingMessage, res: ServerResponse, env: EnvName, id: string): Promise<void> {
    if (!isUuid(id)) throw new HttpError(400, 'invalid_id', `document id must be a UUID, got ${JSON.stringify(id.slice(0, 60))}`);
    const row = await this.dbCall(env, () => this.repo.searchablePdf(env, id));
    if (!row) throw new HttpError(404, 'not_found', `no document ${id} in ${env}`);
    if (!row.ocr_pdf_path) {
      const why = row.ocr_pdf_error
        ? `it could not be written: ${row.ocr_pdf_error}`
        : row.status_id === 5
          ? 'none was written (OCR_SEARCHABLE_PDF off when it completed, or no page needed OCR)'
          : `the document is not done (status ${row.status_id})`;
      throw new HttpError(404, 'no_searchable_pdf', `document ${id} has no searchable PDF: ${why}`);
    }
    const storage = this.storageOf(env);
    const slash = row.ocr_pdf_path.indexOf('/');
    const ref = { bucket: row.ocr_pdf_path.slice(0, slash), key: row.ocr_pdf_path.slice(slash + 1) };
    let bytes: Uint8Array;
    try {
      bytes = await storage.fetch(ref, { maxBytes: (this.opts.config.maxPdfBytes ?? 200 * 2 ** 20) * 2 });
    } catch (err) {
      const e = coerceError(err);
      if (e instanceof ObjectNotFoundError) throw new HttpError(404, 'no_searchable_pdf', `the searchable PDF of ${id} is no longer in storage (${row.ocr_pdf_path})`);
      this.log.warn({ err: e, env }, 'status: searchable PDF could not be read');
      throw new HttpError(503, 'storage_unavailable', `${env}: storage unavailable (${e.message})`);
    }
    const name = (ref.key.split('/').pop() ?? 'document.pdf').replace(/[^\w.-]/g, '_');
    res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': bytes.byteLength, 'content-disposition': `inline; filename="${name}"`, 'x-content-type-options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  }

  /** The environment's storage, as the pool's (same settings); 503 when this process has none configured. */
  private storageOf(env: EnvName): ObjectStorage {
    let s = this.storages.get(env);
    if (!s) {
      const e = this.opts.config.environments.find((x) => x.name === env);
      try {
        s = createStorage({ storageDir: this.opts.config.storageDir, supabaseUrl: e?.supabaseUrl, supabaseServiceKey: e?.supabaseServiceKey, timeoutMs: this.opts.config.storageTimeoutMs ?? 60_000, env });
      } catch (err) {
        throw new HttpError(503, 'storage_not_configured', `${env}: this server has no storage to read the PDF from (${coerceError(err).message})`);
      }
      this.storages.set(env, s);
    }
    return s;
  }

  private env(name: string): EnvName {
    if (this.repo.has(name)) return name;
    const known = (ENV_NAMES as readonly string[]).includes(name);
    throw new HttpError(
      404,
      'unknown_env',
      `${known ? `environment ${name} is not enabled here` : `unknown environment ${JSON.stringify(name.slice(0, 40))}`}; enabled: ${this.repo.envNames.join(', ') || 'none'}`,
    );
  }

  private async dbCall<T>(env: EnvName, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof HttpError || err instanceof InvalidRequest) throw err;
      this.log.warn({ err, env }, 'status: database call failed');
      throw new HttpError(503, 'database_unavailable', `${env}: database unavailable (${coerceError(err).message})`);
    }
  }

  private sseDeps(): SseDeps {
    return { hub: this.hub, repo: this.repo, metrics: this.metrics, log: this.log, heartbeatMs: this.opts.heartbeatMs ?? 15_000 };
  }
}

function sseHead(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform' });
  res.end();
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'bad_request', 'malformed percent-encoding in the path');
  }
}

/** Standalone: `node dist/status/server.js` (PM2 app `ocr-status`). Needs the same environment as the pool. */
async function main(): Promise<void> {
  // Storage settings are not required of it: it reads a PDF only to serve a searchable one, and says so
  // (503) when it has none.
  const config = loadConfigOrExit(process.env, { storage: false });
  const log = createLogger(config.logLevel).child({ component: 'status' });
  if (config.environments.length === 0) log.warn('no environment enabled: set DEV_DATABASE_URL, STAGING_DATABASE_URL or PROD_DATABASE_URL');
  const server = new StatusServer({ config, log });
  stopOnSignals(log, () => server.stop(), { requested: 'status server stopping', failed: 'status server stop failed' });
  await server.start();
  process.send?.('ready');
}

if (require.main === module) {
  main().catch((err) => {
    createLogger('info').fatal({ err }, 'status server failed to start');
    process.exit(1);
  });
}
