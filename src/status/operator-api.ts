/**
 * The panel's routes (the reads take the status server's read access; the actions, admin-auth.ts):
 *
 *   GET  /api/failures?env=&source=&class=&limit=   rows at 4 with error and class; counts by class and source
 *   GET  /api/find?q=[&env=]                         by document number (spaces, case ignored) or id
 *   GET  /api/actions?env=                           the latest audited actions
 *   POST /api/jobs/:env/:id/requeue                  one document 4 → 3 (409 when it is not at 4)
 *   POST /api/requeue    {env, class, source?}       every document of a class at 4 → 3
 *   POST /api/pause      {env, source?, reason?}     stop claims of the environment, or of one source
 *   POST /api/resume     {env, source?}              lift them (without source: every pause of env)
 *
 * Every action is logged (`operator action`, with who, what, how many) and recorded in the environment's
 * ocr_operator_actions by the statement that acts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EnvName } from '../config';
import type { Logger } from '../logger';
import { findDocuments, InvalidRequest, pause, readActions, readFailures, requeueDocument, requeueErrorClass, resume } from '../check/operator';
import { HttpError, sendJson } from './http';
import type { StatusRepo } from './repo';

export interface OperatorDeps {
  repo: StatusRepo;
  log: Logger;
  /** The environment named in a request, or a 404 HttpError. */
  env(name: string): EnvName;
  /** Run a database call; a failure becomes a 503. */
  dbCall<T>(env: EnvName, fn: () => Promise<T>): Promise<T>;
}

const MAX_BODY = 16 * 1024;

function clampLimit(raw: string | null, dflt: number, max: number): number {
  if (raw === null) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new HttpError(400, 'bad_request', `limit must be a whole number from 1 to ${max}`);
  return Math.min(n, max);
}

async function invalidAs400<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof InvalidRequest) throw new HttpError(400, err.code, err.message);
    throw err;
  }
}

/** GET routes of the panel; false when `path` is none of them. */
export async function serveOperatorRead(res: ServerResponse, url: URL, deps: OperatorDeps): Promise<boolean> {
  const path = url.pathname;
  const envParam = url.searchParams.get('env');
  const envs = envParam ? [deps.env(envParam)] : deps.repo.envNames;
  if (path === '/api/failures') {
    const limit = clampLimit(url.searchParams.get('limit'), 100, 1000);
    const out: Record<string, unknown> = {};
    for (const env of envs) {
      out[env] = await invalidAs400(() =>
        deps.dbCall(env, () => readFailures(deps.repo.database(env), { source: url.searchParams.get('source'), errorClass: url.searchParams.get('class') }, limit)),
      );
    }
    sendJson(res, 200, { generatedAt: new Date().toISOString(), environments: out });
    return true;
  }
  if (path === '/api/find') {
    const q = url.searchParams.get('q') ?? '';
    const results = [];
    for (const env of envs) results.push(...(await invalidAs400(() => deps.dbCall(env, () => findDocuments(deps.repo.database(env), env, q)))));
    sendJson(res, 200, { q, results });
    return true;
  }
  if (path === '/api/actions') {
    const out: Record<string, unknown> = {};
    for (const env of envs) out[env] = await deps.dbCall(env, () => readActions(deps.repo.database(env)));
    sendJson(res, 200, { environments: out });
    return true;
  }
  return false;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, 'body_too_large', `the body is limited to ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'bad_json', 'the body is not valid JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'bad_json', 'the body must be a JSON object');
  return body as Record<string, unknown>;
}

function optString(body: Record<string, unknown>, key: string): string | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new HttpError(400, 'bad_request', `${key} must be a string`);
  return v;
}

/** POST routes (the caller has authorised `actor`); false when `path` is none of them. */
export async function serveOperatorAction(req: IncomingMessage, res: ServerResponse, url: URL, actor: string, deps: OperatorDeps): Promise<boolean> {
  const path = url.pathname;
  const one = /^\/api\/jobs\/([^/]+)\/([^/]+)\/requeue\/?$/.exec(path);
  if (!one && !['/api/requeue', '/api/pause', '/api/resume'].includes(path)) return false;
  const body = await readBody(req);
  const audit = (fields: Record<string, unknown>, msg = 'operator action') => deps.log.info({ actor, ...fields }, msg);

  if (one) {
    const env = deps.env(decodeURIComponent(one[1]!));
    const id = decodeURIComponent(one[2]!);
    const r = await invalidAs400(() => deps.dbCall(env, () => requeueDocument(deps.repo.database(env), env, id, actor)));
    audit({ action: 'requeue', env, documentId: id, count: r.requeued ? 1 : 0, ...(r.requeued ? {} : { status: r.status }) });
    if (r.requeued) {
      sendJson(res, 200, { env, id, requeued: true });
      return true;
    }
    if (r.status === null) throw new HttpError(404, 'not_found', `no document ${id} in ${env}`);
    throw new HttpError(409, 'not_failed', `document ${id} is at status ${r.status}, not 4: left alone`);
  }

  const envName = optString(body, 'env');
  if (!envName) throw new HttpError(400, 'missing_env', 'give the environment: {"env": "dev" | "staging" | "prod", …}');
  const env = deps.env(envName);
  const source = optString(body, 'source');

  if (path === '/api/requeue') {
    const errorClass = optString(body, 'class');
    const n = await invalidAs400(() => deps.dbCall(env, () => requeueErrorClass(deps.repo.database(env), env, errorClass, source, actor)));
    audit({ action: 'requeue-class', env, class: errorClass, source, count: n });
    sendJson(res, 200, { env, class: errorClass, source, requeued: n });
  } else if (path === '/api/pause') {
    const r = await invalidAs400(() => deps.dbCall(env, () => pause(deps.repo.database(env), env, source, actor, optString(body, 'reason'))));
    audit({ action: 'pause', env, source: r.source, count: r.already ? 0 : 1 });
    sendJson(res, 200, { env, source: r.source, paused: true, already: r.already, pauses: r.pauses });
  } else {
    const r = await invalidAs400(() => deps.dbCall(env, () => resume(deps.repo.database(env), env, source, actor)));
    audit({ action: 'resume', env, source: source ?? '*', count: r.lifted.length });
    sendJson(res, 200, { env, lifted: r.lifted, pauses: r.pauses });
  }
  return true;
}
