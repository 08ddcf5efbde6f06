/** Runs `work` on `concurrency` workers until `total` operations are done; returns ops/s. */
export async function measureRate(total: number, concurrency: number, work: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < total; i = next++) await work(i);
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return total / seconds;
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
export const ratio = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}×`;

export function printTable(title: string, rows: readonly (readonly string[])[]): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  process.stdout.write(`\n## ${title}\n`);
  for (const [i, row] of rows.entries()) {
    process.stdout.write(`${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')}\n`);
    if (i === 0) process.stdout.write(`${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  }
}

export const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
