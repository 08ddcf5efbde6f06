/**
 * Fault injection for the crash tests: `DWC_FAULT_CRASH_AT=<label>[@<n>],…` makes the process kill
 * itself with SIGKILL the n-th time (default: the first) it reaches that point, like `kill -9` between
 * two steps of a flow. Unset (always, outside tests) it costs one lookup.
 */
const wanted = new Map<string, number>(
  (process.env.DWC_FAULT_CRASH_AT ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((spec) => {
    const [label, n] = spec.split('@');
    return [label, Number(n ?? 1)];
  }),
);
const reached = new Map<string, number>();

export function crashPoint(label: string): void {
  const at = wanted.get(label);
  if (at === undefined) return;
  const count = (reached.get(label) ?? 0) + 1;
  reached.set(label, count);
  if (count !== at) return;
  process.stderr.write(`crash point ${label}: killing the process\n`);
  process.kill(process.pid, 'SIGKILL');
}
