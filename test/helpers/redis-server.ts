/** A private redis-server on a free port, for tests that stop and restart Redis without disturbing others. */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface PrivateRedis {
  port: number;
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Send a signal to the server: SIGSTOP freezes it with its connections open (a partition), SIGCONT resumes it. */
  signal(sig: NodeJS.Signals): void;
}

export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const r: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      // Already running: a second redis-server could not bind the port, and the first would be orphaned.
      if (proc && proc.exitCode === null && proc.signalCode === null) return;
      proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      for (let i = 0; i < 100; i++) {
        if (await canConnect(port)) return;
        await new Promise((res) => setTimeout(res, 50));
      }
      throw new Error(`redis-server did not start on ${port}`);
    },
    signal(sig) {
      if (proc && proc.exitCode === null) proc.kill(sig);
    },
    async stop() {
      const p = proc;
      proc = undefined;
      if (!p || p.exitCode !== null) return;
      const exited = new Promise((res) => p.once('exit', res));
      p.kill('SIGKILL'); // also ends a stopped (SIGSTOP) server
      await exited;
    },
  };
  await r.start();
  return r;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
