/**
 * The slots' part of a staged, bounded shutdown: stop claiming, let running documents finish within the
 * budget (OCR_SHUTDOWN_TIMEOUT_MS), then hand the unfinished ones back (6 → 3, attempt not spent).
 */
import type { Logger } from '../logger';
import { sleep } from '../util/sleep';
import type { WorkerSlot } from './worker-slot';

export async function drainSlots(slots: readonly WorkerSlot[], budgetMs: number, log: Logger): Promise<void> {
  const busy = slots.filter((s) => s.job).length;
  log.info({ busy, budgetMs }, 'stopping: no new claims; running documents get the shutdown budget');
  for (const s of slots) s.requestStop();
  const all = Promise.all(slots.map((s) => s.stopped()));
  const finished = await Promise.race([all.then(() => true), sleep(budgetMs).then(() => false)]);
  if (!finished) {
    const left = slots.filter((s) => s.job);
    log.warn({ documents: left.map((s) => s.job!.claim.id) }, 'shutdown budget spent: handing unfinished documents back (6 → 3)');
    await Promise.all(left.map((s) => s.abortJob()));
    await all;
  }
}
