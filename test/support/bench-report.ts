/**
 * How every benchmark prints (DESIGN.md "Tests and benchmarks"): our figure and
 * the peers' figures from the same run, each with its ratio to a named baseline,
 * so a reader compares within one machine and one moment, never across runs.
 */
export interface BenchRow {
  name: string;
  value: number;
  /** e.g. 'msg/s', 'ms', 'MB'. */
  unit: string;
  note?: string;
}

export function printBench(title: string, rows: BenchRow[], baseline?: string): void {
  const base = baseline === undefined ? undefined : rows.find((r) => r.name === baseline);
  const width = Math.max(...rows.map((r) => r.name.length), 8);
  console.log(`\n## ${title}`);
  for (const r of rows) {
    const ratio = base && base.value !== 0 ? `  ${(r.value / base.value).toFixed(2)}× ${base.name}` : '';
    const value = Math.abs(r.value) >= 100 ? r.value.toFixed(0) : r.value.toPrecision(3);
    console.log(`${r.name.padEnd(width)}  ${value.padStart(10)} ${r.unit}${ratio}${r.note ? `  (${r.note})` : ''}`);
  }
}

/** Runs `fn` repeatedly for about `ms` milliseconds and returns calls per second. */
export function opsPerSecond(fn: (i: number) => void, ms = 1000): number {
  for (let i = 0; i < 200; i++) fn(i); // warm-up so the JIT has compiled the path being measured
  const start = process.hrtime.bigint();
  let n = 0;
  let elapsed = 0;
  while (elapsed < ms) {
    for (let k = 0; k < 100; k++) fn(n++);
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return (n / elapsed) * 1000;
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}
