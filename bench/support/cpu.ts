// Where the CPU goes during a measured phase: user + system time of each part of the stack (the Temporal dev
// server, PostgreSQL with its backends, napflow's API and worker, the baseline worker, this benchmark process),
// read from /proc (Linux) before and after. On a 2-core machine every part competes for the same cores, so a
// side's throughput is bounded by the CPU it spends per operation in all of them, not only in its own process.
import fs from 'node:fs';

export type CpuPart =
  'temporal' | 'postgres' | 'napflow-api' | 'napflow-worker' | 'baseline-worker' | 'bench';

/** CPU seconds per part since each process started. */
export type CpuSnapshot = Partial<Record<CpuPart, number>>;

interface ProcStat {
  ppid: number;
  cpuSeconds: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK))

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name (which may hold spaces and parentheses): state ppid ... utime(14) stime(15)
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(rest[1]), cpuSeconds: (Number(rest[11]) + Number(rest[12])) / TICKS_PER_SECOND };
  } catch {
    return undefined; // gone meanwhile
  }
}

function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * Sums CPU time over this process's children and all their descendants, by part. `named` maps the pids the
 * benchmark spawned itself; other children are recognised by their command (the dev server, postgres).
 */
export function cpuSnapshot(named: Partial<Record<number, CpuPart>>): CpuSnapshot {
  if (process.platform !== 'linux') return {};
  const stats = new Map<number, ProcStat>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = readStat(Number(entry));
    if (s) stats.set(Number(entry), s);
  }
  const partOfChild = (pid: number): CpuPart | undefined => {
    const known = named[pid];
    if (known) return known;
    const cmd = commandOf(pid);
    if (/\btemporal\b.*\bstart-dev\b/.test(cmd)) return 'temporal';
    if (/\bpostgres\b/.test(cmd)) return 'postgres';
    return undefined;
  };
  const top = process.pid;
  const memo = new Map<number, CpuPart | null>();
  const partOf = (pid: number): CpuPart | null => {
    const seen = memo.get(pid);
    if (seen !== undefined) return seen;
    const s = stats.get(pid);
    let part: CpuPart | null = null;
    if (s && s.ppid === top) part = partOfChild(pid) ?? null;
    else if (s && s.ppid > 1 && s.ppid !== pid) part = partOf(s.ppid);
    memo.set(pid, part);
    return part;
  };
  const out: CpuSnapshot = {};
  for (const [pid, s] of stats) {
    const part = pid === top ? 'bench' : partOf(pid);
    if (part) out[part] = (out[part] ?? 0) + s.cpuSeconds;
  }
  return out;
}

/**
 * CPU milliseconds per operation and part between two snapshots. A process that ended in between loses its time,
 * so measure phases in which no part restarts.
 */
export function cpuPerOperation(
  before: CpuSnapshot,
  after: CpuSnapshot,
  operations: number,
): Partial<Record<CpuPart | 'total', number>> {
  const out: Partial<Record<CpuPart | 'total', number>> = {};
  let total = 0;
  for (const part of Object.keys(after) as CpuPart[]) {
    const ms = (((after[part] ?? 0) - (before[part] ?? 0)) * 1000) / Math.max(operations, 1);
    if (ms <= 0) continue;
    out[part] = Math.round(ms * 100) / 100;
    total += ms;
  }
  out.total = Math.round(total * 100) / 100;
  return out;
}

/** cpuPerOperation over several measured spans (each [before, after]), as if they were one. */
export function cpuPerOperationOver(
  spans: Array<[CpuSnapshot, CpuSnapshot]>,
  operations: number,
): Partial<Record<CpuPart | 'total', number>> {
  const total: CpuSnapshot = {};
  for (const [before, after] of spans) {
    for (const part of Object.keys(after) as CpuPart[])
      total[part] = (total[part] ?? 0) + (after[part] ?? 0) - (before[part] ?? 0);
  }
  return cpuPerOperation({}, total, operations);
}
