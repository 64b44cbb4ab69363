/**
 * One run of ocr-admin.ts: connect to the environment(s), do the command (src/check/operator.ts, the
 * same calls as the status server's API), print, and say the exit status. Reads run in a READ ONLY
 * transaction; actions are single statements that write their own audit row.
 */
import os from 'node:os';
import pg from 'pg';
import type { EnvName } from '../config';
import type { AdminArgs } from './admin-args';
import { findDocuments, InvalidRequest, pause, readFailures, requeueDocument, requeueErrorClass, resume } from './operator';
import { safeMessage } from './run';
import { resolveTargets, type CheckTarget } from './targets';
import { displayText, stringifyInert } from '../util/inert';

export interface AdminResult {
  code: 0 | 1 | 2;
  stdout: string;
  stderr: string;
}

const line = (s: string) => s.replace(/\s+/g, ' ').trim();

export function defaultActor(): string {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry (a container): keep "unknown"
  }
  return `cli:${user}@${os.hostname()}`;
}

async function withClient<T>(t: CheckTarget, timeoutMs: number, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: t.databaseUrl, connectionTimeoutMillis: timeoutMs, statement_timeout: 60_000, application_name: 'ocr-admin' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function runAdmin(args: AdminArgs, env: NodeJS.ProcessEnv): Promise<AdminResult> {
  const { targets, errors } = resolveTargets(env, args.env ? [args.env] : undefined);
  if (errors.length) return { code: 2, stdout: '', stderr: errors.map((e) => `ocr-admin: ${e}\n`).join('') };
  const actor = args.actor?.trim() || defaultActor();
  const out: string[] = [];
  const json: Record<string, unknown> = {};
  let code: 0 | 1 | 2 = 0;
  for (const t of targets) {
    try {
      await withClient(t, args.connectTimeoutMs, async (c) => {
        code = Math.max(code, await runOne(c, t.env, args, actor, out, json)) as 0 | 1 | 2;
      });
    } catch (err) {
      if (err instanceof InvalidRequest) return { code: 2, stdout: '', stderr: `ocr-admin: ${err.message}\n` };
      return { code: 2, stdout: '', stderr: `ocr-admin: ${t.env} (${t.database}): ${safeMessage(err, t.databaseUrl)}\n` };
    }
  }
  // Row text (errors, numbers, a document's text) is inert: shown, never obeyed, by the terminal.
  return { code, stdout: args.json ? `${stringifyInert(json, 2)}\n` : out.flatMap((l) => l.split('\n')).map((l) => `${displayText(l)}\n`).join(''), stderr: '' };
}

async function runOne(c: pg.Client, env: EnvName, args: AdminArgs, actor: string, out: string[], json: Record<string, unknown>): Promise<0 | 1> {
  switch (args.command) {
    case 'failures': {
      await c.query('BEGIN READ ONLY');
      const f = await readFailures(c, { source: args.source, errorClass: args.errorClass }, args.limit).finally(() => c.query('COMMIT'));
      json[env] = f;
      out.push(`== ${env}: ${f.total} failed · ${Object.entries(f.byClass).map(([k, n]) => `${k} ${n}`).join(' · ') || 'none'}`);
      for (const r of f.list) out.push(`  ${r.at ?? '?'}  ${r.id}  ${r.source ?? ''} ${r.number ?? ''}  ${r.class}  ${r.attempts}/${r.maxAttempts}  ${line(r.error ?? '')}`);
      return 0;
    }
    case 'find': {
      await c.query('BEGIN READ ONLY');
      const found = await findDocuments(c, env, args.query!).finally(() => c.query('COMMIT'));
      json[env] = args.text ? found : found.map((d) => ({ ...d, text: { rawChars: d.text.raw?.length ?? null, boostedChars: d.text.boosted?.length ?? null } }));
      for (const d of found) {
        out.push(`== ${env} ${d.id}  ${d.source ?? ''} ${d.number ?? ''}  status ${d.status.id} ${d.status.name}  attempts ${d.attempts}/${d.maxAttempts}`);
        if (d.error) out.push(`  error (${d.errorClass}): ${line(d.error)}`);
        for (const h of d.errorHistory as { error?: string; requeuedBy?: string; requeuedAt?: string }[]) out.push(`  earlier error: ${line(h.error ?? '')} (requeued by ${h.requeuedBy} ${h.requeuedAt})`);
        if (args.text) out.push('  --- raw ---', d.text.raw ?? '(none)', '  --- boosted ---', d.text.boosted ?? '(none)');
      }
      return found.length ? 0 : 1;
    }
    case 'requeue': {
      if (args.id) {
        const r = await requeueDocument(c, env, args.id, actor);
        json[env] = { id: args.id, ...r };
        out.push(r.requeued ? `${env}: ${args.id} requeued (4 → 3)` : `${env}: ${args.id} ${r.status === null ? 'not found' : `is at status ${r.status}, not 4: left alone`}`);
        return r.requeued ? 0 : 1;
      }
      const n = await requeueErrorClass(c, env, args.errorClass, args.source, actor);
      json[env] = { class: args.errorClass, source: args.source ?? null, requeued: n };
      out.push(`${env}: ${n} ${args.errorClass} failure(s)${args.source ? ` of ${args.source}` : ''} requeued (4 → 3)`);
      return 0;
    }
    case 'pause': {
      const r = await pause(c, env, args.source, actor, args.reason ?? null);
      json[env] = r;
      out.push(`${env}: claims of ${r.source === '*' ? 'every source' : r.source} paused${r.already ? ' (already were)' : ''}; every pool stops claiming them at its next claim`);
      return 0;
    }
    case 'resume': {
      const r = await resume(c, env, args.source, actor);
      json[env] = r;
      out.push(`${env}: ${r.lifted.length ? `lifted ${r.lifted.join(', ')}` : 'nothing was paused'}${r.pauses.length ? `; still paused: ${r.pauses.map((p) => p.source).join(', ')}` : ''}`);
      return r.lifted.length ? 0 : 1;
    }
    default:
      return 0;
  }
}
