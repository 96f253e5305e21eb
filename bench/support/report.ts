// What every scenario reports: a progress line while it runs, a table at the end, and a JSON file under
// bench/results/ with the absolute figures, the baseline's, their ratio and the machine it ran on.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Comparison {
  metric: string;
  unit: string;
  napflow: number;
  baseline: number;
  /** napflow / baseline */
  ratio: number;
  /** what the ratio must satisfy, e.g. ">= 0.8" (higher is better) or "<= 1.3" */
  target?: string;
  /** absolute backstop, e.g. "< 150 ms" */
  absoluteTarget?: string;
  pass?: boolean;
}

export interface ScenarioResult {
  scenario: string;
  title: string;
  parameters: Record<string, unknown>;
  comparisons: Comparison[];
  /** other figures (no baseline) */
  figures?: Record<string, unknown>;
  notes?: string[];
  durationMs: number;
}

export interface RunEnvironment {
  machine: { cpus: number; cpuModel: string; memoryMb: number; platform: string; release: string };
  node: string;
  temporalPersistence: string;
  /** the Temporal SDK's per-promise workflow stack traces in each worker (patches/README.md) */
  workflowStackTraces: string;
  postgres: string;
  smtp: string;
  startedAt: string;
}

export function machine(): RunEnvironment['machine'] {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryMb: Math.round(os.totalmem() / 1024 / 1024),
    platform: os.platform(),
    release: os.release(),
  };
}

/** One progress line, rewritten in place on a terminal (one line per call otherwise). */
export function progress(scenario: string, text: string): void {
  const line = `[bench:${scenario}] ${text}`;
  if (process.stdout.isTTY) process.stdout.write(`\r\x1b[K${line}`);
  else process.stdout.write(`${line}\n`);
}

export function endProgress(): void {
  if (process.stdout.isTTY) process.stdout.write('\n');
}

/** ratio = napflow / baseline; `higherIsBetter` decides how the target reads. */
export function compare(
  metric: string,
  unit: string,
  napflow: number,
  baseline: number,
  target?: { ratio?: number; higherIsBetter: boolean; absolute?: { max?: number; min?: number } },
): Comparison {
  const ratio = baseline === 0 ? Number.NaN : Math.round((napflow / baseline) * 100) / 100;
  const c: Comparison = { metric, unit, napflow, baseline, ratio };
  if (target) {
    let pass = true;
    if (target.ratio !== undefined) {
      c.target = `${target.higherIsBetter ? '>=' : '<='} ${target.ratio}`;
      pass &&= target.higherIsBetter ? ratio >= target.ratio : ratio <= target.ratio;
    }
    if (target.absolute?.max !== undefined) {
      c.absoluteTarget = `<= ${target.absolute.max} ${unit}`;
      pass &&= napflow <= target.absolute.max;
    }
    if (target.absolute?.min !== undefined) {
      c.absoluteTarget = `>= ${target.absolute.min} ${unit}`;
      pass &&= napflow >= target.absolute.min;
    }
    c.pass = pass;
  }
  return c;
}

export function printTable(result: ScenarioResult): void {
  const rows = result.comparisons.map((c) => [
    c.metric,
    `${fmt(c.napflow)} ${c.unit}`,
    `${fmt(c.baseline)} ${c.unit}`,
    fmt(c.ratio),
    [c.target, c.absoluteTarget].filter(Boolean).join(', ') || '-',
    c.pass === undefined ? '-' : c.pass ? 'PASS' : 'MISS',
  ]);
  const header = ['metric', 'napflow', 'baseline', 'ratio', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(`\n== ${result.scenario}: ${result.title} (${(result.durationMs / 1000).toFixed(1)} s)`);
  console.log(`   ${JSON.stringify(result.parameters)}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  if (result.figures)
    for (const [k, v] of Object.entries(result.figures)) console.log(`  ${k}: ${JSON.stringify(v)}`);
  for (const n of result.notes ?? []) console.log(`  note: ${n}`);
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2).replace(/\.?0+$/, '') || '0';
}

export function writeResult(dir: string, env: RunEnvironment, result: ScenarioResult): string {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = env.startedAt.replace(/[:.]/g, '-');
  const file = path.join(dir, `${stamp}-${result.scenario}.json`);
  fs.writeFileSync(file, JSON.stringify({ ...env, ...result }, null, 2));
  return file;
}
