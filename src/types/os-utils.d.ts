declare module 'os-utils' {
  /** Share of CPU time used over the next second, 0..1 (all cores). */
  export function cpuUsage(callback: (used: number) => void): void;
  export function cpuCount(): number;
  /** Free memory in MiB. */
  export function freemem(): number;
  /** Total memory in MiB. */
  export function totalmem(): number;
  /** Free memory share, 0..1. */
  export function freememPercentage(): number;
}
