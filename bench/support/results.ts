import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A goal from issue 13: on the figure itself (`value`), on its ratio to the baseline (`ratio`), or on
 * what it adds to the baseline (`difference`: value − baseline, e.g. added latency).
 */
export interface Goal {
  readonly on: 'value' | 'ratio' | 'difference';
  readonly op: '>=' | '<=' | '<';
  readonly target: number;
}

/** One measured figure as `bench/results.json` holds it. */
export interface BenchResult {
  /** Which benchmark measured it (the name `npm run bench -- <name>` takes). */
  readonly bench: string;
  readonly figure: string;
  readonly value: number;
  readonly unit: string;
  readonly storage: 'postgresql' | 'pglite' | 'esdb-double';
  /** The raw baseline measured in the same run (null when the figure has none, e.g. an absolute latency). */
  readonly baseline: number | null;
  readonly baseline_figure: string | null;
  readonly baseline_unit: string | null;
  /** value / baseline, rounded to 3 decimals (null without a baseline). */
  readonly ratio: number | null;
  /** The goal in words (`≥ 0.4× baseline`, `< 50 ms`), null when the figure is informative only. */
  readonly goal: string | null;
  /** Whether the goal was met in this run (null without a goal). */
  readonly met: boolean | null;
}

export interface BenchResults {
  readonly generated_at: string;
  readonly node: string;
  readonly quick: boolean;
  readonly benches: readonly string[];
  /** BENCH_* size overrides in effect (a run at other sizes than the defaults says so). */
  readonly overrides?: Readonly<Record<string, string>>;
  readonly results: readonly BenchResult[];
}

export interface FigureInput {
  readonly figure: string;
  readonly value: number;
  readonly unit: string;
  readonly storage?: BenchResult['storage'];
  readonly baseline?: { readonly figure: string; readonly value: number; readonly unit?: string };
  readonly goal?: Goal;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

export const goalText = (goal: Goal, unit: string): string => {
  const op = goal.op.replace('>=', '≥').replace('<=', '≤');
  if (goal.on === 'ratio') return `${op} ${goal.target}× baseline`;
  if (goal.on === 'difference') return `${op} baseline + ${goal.target.toLocaleString('en-US')} ${unit}`;
  return `${op} ${goal.target.toLocaleString('en-US')} ${unit}`;
};

const meets = (goal: Goal, actual: number): boolean =>
  goal.op === '>=' ? actual >= goal.target : goal.op === '<=' ? actual <= goal.target : actual < goal.target;

/**
 * Every benchmark records its figures here as it measures them; `bench/run.ts` writes them all to
 * `bench/results.json` at the end of a run (one file per run, so the README table comes from one run).
 */
export class ResultsCollector {
  private readonly entries: BenchResult[] = [];
  private current = 'unnamed';

  /** The benchmark whose figures follow (set by the runner before it starts one). */
  begin(bench: string): void {
    this.current = bench;
  }

  record(input: FigureInput): BenchResult {
    if (!Number.isFinite(input.value)) throw new Error(`${input.figure}: value ${input.value} is not a finite number`);
    const baseline = input.baseline && Number.isFinite(input.baseline.value) ? input.baseline : undefined;
    const ratio = baseline && baseline.value !== 0 ? round(input.value / baseline.value, 3) : null;
    const goal = input.goal;
    const compared = !goal ? null : goal.on === 'ratio' ? ratio
      : goal.on === 'difference' ? (baseline ? input.value - baseline.value : null) : input.value;
    const entry: BenchResult = {
      bench: this.current,
      figure: input.figure,
      value: round(input.value, 3),
      unit: input.unit,
      storage: input.storage ?? 'postgresql',
      baseline: baseline ? round(baseline.value, 3) : null,
      baseline_figure: baseline?.figure ?? null,
      baseline_unit: baseline ? baseline.unit ?? input.unit : null,
      ratio,
      goal: goal ? goalText(goal, input.unit) : null,
      met: goal ? compared !== null && meets(goal, compared) : null,
    };
    this.entries.push(entry);
    return entry;
  }

  get all(): readonly BenchResult[] {
    return this.entries;
  }

  write(path: string, meta: { quick: boolean; benches: readonly string[]; overrides?: Readonly<Record<string, string>> }): BenchResults {
    const document: BenchResults = { generated_at: new Date().toISOString(), node: process.version, ...meta, results: this.entries };
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
    return document;
  }
}

/** The one collector of this process. */
export const results = new ResultsCollector();

/** Checks that `value` has the shape `bench/results.json` promises; returns what is wrong (empty when valid). */
export function validateResults(value: unknown): string[] {
  const problems: string[] = [];
  const doc = value as Partial<BenchResults>;
  if (typeof doc !== 'object' || doc === null) return ['not an object'];
  if (typeof doc.generated_at !== 'string' || Number.isNaN(Date.parse(doc.generated_at))) problems.push('generated_at is not a timestamp');
  if (typeof doc.quick !== 'boolean') problems.push('quick is not a boolean');
  if (!Array.isArray(doc.benches)) problems.push('benches is not an array');
  if (!Array.isArray(doc.results)) return [...problems, 'results is not an array'];
  for (const [i, r] of doc.results.entries()) {
    const at = `results[${i}] (${String((r as BenchResult | undefined)?.figure)})`;
    if (typeof r.bench !== 'string' || typeof r.figure !== 'string' || r.figure === '') problems.push(`${at}: bench/figure missing`);
    if (typeof r.value !== 'number' || !Number.isFinite(r.value)) problems.push(`${at}: value is not a finite number`);
    if (typeof r.unit !== 'string' || r.unit === '') problems.push(`${at}: unit missing`);
    if (!['postgresql', 'pglite', 'esdb-double'].includes(r.storage)) problems.push(`${at}: storage`);
    if (r.baseline !== null && (typeof r.baseline !== 'number' || typeof r.baseline_figure !== 'string')) problems.push(`${at}: baseline`);
    if (r.baseline === null && r.ratio !== null) problems.push(`${at}: a ratio without a baseline`);
    if (r.ratio !== null && (typeof r.ratio !== 'number' || !Number.isFinite(r.ratio))) problems.push(`${at}: ratio`);
    if ((r.goal === null) !== (r.met === null)) problems.push(`${at}: goal and met must both be set or both null`);
    if (r.met !== null && typeof r.met !== 'boolean') problems.push(`${at}: met`);
  }
  return problems;
}
