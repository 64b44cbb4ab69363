/**
 * The live status page during the demo, when this build has the status server (src/status/server.ts,
 * exporting `startStatusServer`). Loaded by path at run time, so the demo runs the same with or without
 * it: without it, `startLiveStatus` resolves to null and the demo prints no URL.
 */
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { WorkerPool } from '../pool/pool';

export interface LiveStatus {
  url: string;
  close(): Promise<void>;
}

interface StartedServer {
  url?: unknown;
  close?: () => unknown;
}

type StartFn = (opts: { config: Config; log: Logger; pool: WorkerPool }) => Promise<StartedServer> | StartedServer;

function loadStatusModule(): { startStatusServer?: unknown } | null {
  const where = path.join(__dirname, '..', 'status', 'server');
  try {
    require.resolve(where);
  } catch {
    return null; // not part of this build
  }
  return require(where) as { startStatusServer?: unknown };
}

export async function startLiveStatus(ctx: { config: Config; log: Logger; pool: WorkerPool }): Promise<LiveStatus | null> {
  const mod = loadStatusModule();
  if (!mod || typeof mod.startStatusServer !== 'function') return null;
  const server = await (mod.startStatusServer as StartFn)(ctx);
  if (!server || typeof server.url !== 'string') return null;
  return { url: server.url, close: async () => void (await server.close?.()) };
}
