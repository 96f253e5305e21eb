import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import { OutputTail } from './devstack-error';

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'];

/** A child process we own: its output tail for error messages, and a stop that always ends it. */
export class ManagedChild {
  readonly tail = new OutputTail();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly killOnExit = (): void => {
    // Last resort when the parent exits without calling stop(): ask the child to end (it finishes
    // its own shutdown after we are gone; SQLite's WAL keeps the data file consistent either way).
    if (this.running) this.process.kill('SIGTERM');
  };

  private constructor(readonly process: ChildProcess) {
    process.stdout?.on('data', (chunk: Buffer) => this.tail.push(chunk));
    process.stderr?.on('data', (chunk: Buffer) => this.tail.push(chunk));
    this.exited = new Promise((resolve) => {
      process.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        globalThis.process.removeListener('exit', this.killOnExit);
        resolve(this.exitInfo);
      });
    });
    globalThis.process.on('exit', this.killOnExit);
  }

  /**
   * Spawns `command`; on Linux through `setpriv --pdeathsig SIGTERM` when available, so the child
   * also ends when we are killed with SIGKILL (no 'exit' handler runs then).
   */
  static spawn(command: string, args: string[], options: SpawnOptions = {}): Promise<ManagedChild> {
    const setpriv = process.platform === 'linux' ? SETPRIV.find((p) => fs.existsSync(p)) : undefined;
    const [file, argv] = setpriv
      ? [setpriv, ['--pdeathsig', 'SIGTERM', '--', command, ...args]]
      : [command, args];
    return new Promise((resolve, reject) => {
      const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
      // spawn errors (ENOENT, EACCES) arrive asynchronously; 'spawn' means the exec succeeded.
      child.once('error', reject);
      child.once('spawn', () => {
        child.removeListener('error', reject);
        child.on('error', () => undefined);
        resolve(new ManagedChild(child));
      });
    });
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  describeExit(): string {
    const info = this.exitInfo;
    if (!info) return 'still running';
    return info.signal ? `killed by ${info.signal}` : `exited with code ${info.code}`;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.process.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        if (this.running) this.process.kill('SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited, forced.then(() => this.exited)]);
    clearTimeout(timer);
  }
}
