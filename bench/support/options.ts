/**
 * Run-wide options: `--quick` (tiny sizes, used by the smoke test in `npm test`; the figures mean
 * nothing then) and the per-bench sizes. A size is, in order: its environment variable, the quick
 * size under `--quick`, else the full size.
 */
export const benchOptions = { quick: process.env.BENCH_QUICK === '1' };

export function size(envName: string, full: number, quick: number): number {
  const fromEnv = process.env[envName];
  if (fromEnv !== undefined && fromEnv !== '') return Number(fromEnv);
  return benchOptions.quick ? quick : full;
}

/** HTTP load duration per row, seconds. */
export const httpSeconds = () => size('BENCH_HTTP_SECONDS', 10, 1);
