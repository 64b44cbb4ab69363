/**
 * What Supabase Storage's failures say: its error body (read bounded), whether it means a missing object,
 * a missing bucket or a refused key (older versions answer all three with HTTP 400), the cause of a
 * transport error, and the redaction applied before any of it is quoted in an error message.
 */

const ERROR_BODY_LIMIT = 2048;

/** Remove the key itself, bearer tokens and JWT-looking strings from text quoted in errors. */
export function redactSecrets(text: string, secret?: string): string {
  let out = text;
  if (secret) out = out.split(secret).join('[redacted]');
  out = out.replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [redacted]');
  out = out.replace(/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[redacted]');
  return out;
}

/** What a failed fetch says: its cause's code and message (ECONNREFUSED…), else its own message. */
export function describeCause(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause: unknown = err.cause;
  if (cause && typeof cause === 'object') {
    const code = 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
    const msg = cause instanceof Error ? cause.message : undefined;
    if (code && msg) return msg.includes(code) ? msg : `${code}: ${msg}`;
    if (code || msg) return (code ?? msg) as string;
  }
  return err.message;
}

/** Read at most ERROR_BODY_LIMIT bytes of an error response as text, then drop the rest. */
export async function readErrorBody(res: Response): Promise<string> {
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < ERROR_BODY_LIMIT) {
      const step = await reader.read();
      if (step.done) break;
      chunks.push(step.value);
      total += step.value.byteLength;
    }
  } catch {
    // The status code is what matters; a broken error body is not worth another error.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(Math.min(total, ERROR_BODY_LIMIT));
  let at = 0;
  for (const c of chunks) {
    const take = Math.min(c.byteLength, bytes.length - at);
    bytes.set(c.subarray(0, take), at);
    at += take;
    if (at >= bytes.length) break;
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(body);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Supabase storage (older versions) answers a missing object with HTTP 400 and `{"statusCode":"404",...}`. */
export function looksNotFound(body: string): boolean {
  const j = parseJson(body);
  if (j) {
    if (String(j.statusCode) === '404') return true;
    if (typeof j.error === 'string' && /^not[_ ]?found$/i.test(j.error)) return true;
    if (typeof j.code === 'string' && /^(NoSuchKey|NoSuchBucket|not_found)$/i.test(j.code)) return true;
  }
  return /object not found|bucket not found/i.test(body);
}

export function looksBucketNotFound(body: string): boolean {
  const j = parseJson(body);
  if (j && typeof j.code === 'string' && /^NoSuchBucket$/i.test(j.code)) return true;
  return /bucket not found/i.test(body);
}

export function looksUnauthorized(body: string): boolean {
  const j = parseJson(body);
  if (j) {
    const sc = String(j.statusCode);
    if (sc === '401' || sc === '403') return true;
  }
  return /invalid jwt|jwt expired|invalid signature|unauthorized/i.test(body);
}
