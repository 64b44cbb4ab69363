/**
 * Memory of another process as the kernel counts it (/proc/<pid>/status, Linux): what PM2's
 * max_memory_restart and an operator's `ps` see, every thread included.
 */
import { readFileSync } from 'node:fs';

export interface ProcMemory {
  /** VmRSS: resident now. */
  rss: number;
  /** VmHWM: the kernel's own peak of VmRSS since the process started (between two samples included). */
  hwm: number;
  /** RssAnon: heaps, WebAssembly memories, thread stacks, malloc arenas. */
  anon: number;
  /** RssFile: mapped files (node's binary, shared libraries). */
  file: number;
  threads: number;
}

const KB = /^(VmRSS|VmHWM|RssAnon|RssFile):\s+(\d+) kB$/;

/** One reading of `pid`'s status; throws when the process is gone. */
export function procMemory(pid: number): ProcMemory {
  const out: ProcMemory = { rss: 0, hwm: 0, anon: 0, file: 0, threads: 0 };
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const m = KB.exec(line);
    if (m) {
      const bytes = Number(m[2]) * 1024;
      if (m[1] === 'VmRSS') out.rss = bytes;
      else if (m[1] === 'VmHWM') out.hwm = bytes;
      else if (m[1] === 'RssAnon') out.anon = bytes;
      else out.file = bytes;
    } else if (line.startsWith('Threads:')) out.threads = Number(line.slice(8).trim());
  }
  return out;
}
