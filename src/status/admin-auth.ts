/**
 * Who may act (requeue, pause, resume), decided from the request alone (pure; test/status/actions.test.ts).
 *
 * Reads stay as they are (OCR_HTTP_TOKEN, header or ?token=). An action needs one of OCR_HTTP_ADMIN_TOKEN's
 * tokens, and only in an `Authorization: Bearer` header of a POST: a link (GET), a form or an image on
 * another site cannot set that header, and without CORS headers a script of another origin cannot send
 * it either (the browser's preflight fails). A token in the query string is refused rather than ignored,
 * so a script that puts it there learns at once (and the token should be changed: it is in logs now).
 * Cookies are never read. A request a browser marks as coming from another site (Sec-Fetch-Site) or
 * another origin (Origin) is refused before its token is even looked at.
 */
import type { AdminToken } from '../config';
import { tokenMatches } from './http';

export interface ActionRequest {
  /** Header values as node gives them (lower-case names). */
  headers: { authorization?: string; origin?: string; host?: string; 'sec-fetch-site'?: string; 'content-type'?: string };
  url: URL;
  hasBody: boolean;
}

export type ActionVerdict = { ok: true; actor: string } | { ok: false; status: number; code: string; message: string };

const refuse = (status: number, code: string, message: string): ActionVerdict => ({ ok: false, status, code, message });

/** The origin's host:port, or undefined when `origin` is not a URL (such as the literal "null"). */
function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

export function authorizeAction(req: ActionRequest, tokens: readonly AdminToken[]): ActionVerdict {
  if (tokens.length === 0) return refuse(403, 'actions_disabled', 'actions are disabled on this server: set OCR_HTTP_ADMIN_TOKEN to enable them');
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return refuse(403, 'cross_origin', `actions are refused from another site (Sec-Fetch-Site: ${site.slice(0, 20)})`);
  const origin = req.headers.origin;
  if (origin !== undefined && (originHost(origin) === undefined || originHost(origin) !== req.headers.host)) {
    return refuse(403, 'cross_origin', 'actions are refused from a page of another origin');
  }
  if (req.url.searchParams.has('token')) {
    return refuse(401, 'token_in_query', 'actions take the token only in an Authorization: Bearer header, never ?token=');
  }
  const auth = req.headers.authorization;
  if (!auth) return refuse(401, 'missing_token', 'actions need Authorization: Bearer <admin token>');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(auth.trim());
  if (!m) return refuse(401, 'invalid_token', 'the Authorization header must be Bearer <admin token>');
  // Every token is compared (constant time each), so the time taken does not say which one nearly matched.
  let actor: string | undefined;
  for (const t of tokens) if (tokenMatches(m[1], t.token) && actor === undefined) actor = t.name;
  if (actor === undefined) return refuse(401, 'invalid_token', 'the token is not an admin token');
  if (req.hasBody && !/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    return refuse(415, 'unsupported_media_type', 'send the body as application/json');
  }
  return { ok: true, actor };
}

/** The admin token of a read request's Authorization header, if it is one (an admin may read too). */
export function isAdminBearer(authorization: string | undefined, tokens: readonly AdminToken[]): boolean {
  const m = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim()) : null;
  if (!m) return false;
  let ok = false;
  for (const t of tokens) if (tokenMatches(m[1], t.token)) ok = true;
  return ok;
}
