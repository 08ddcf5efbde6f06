import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchResult, BenchResults, validateResults } from './support/results';

export const START_MARKER = '<!-- bench:results:start -->';
export const END_MARKER = '<!-- bench:results:end -->';

const number = (value: number): string => {
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
};
const cell = (text: string) => text.replace(/\|/g, '\\|');

const row = (r: BenchResult) => [
  r.bench, cell(r.figure), r.storage === 'postgresql' ? 'PostgreSQL' : r.storage === 'pglite' ? 'PGlite' : 'ESDB double',
  `${number(r.value)} ${r.unit}`,
  r.baseline === null ? '—' : `${cell(r.baseline_figure ?? '')}: ${number(r.baseline)} ${r.baseline_unit ?? ''}`.trim(),
  r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`,
  r.goal ?? '—',
  r.met === null ? '' : r.met ? 'yes' : '**no**',
];

const overridden = (document: BenchResults) => {
  const entries = Object.entries(document.overrides ?? {});
  return entries.length === 0 ? '' : `; sizes overridden: ${entries.map(([k, v]) => `${k}=${v}`).join(', ')}`;
};

/** The README's benchmark table (between the markers) as rendered from one `bench/results.json`. */
export function renderTable(document: BenchResults): string {
  const lines = [
    `One run of \`npm run bench\` (${document.quick ? 'QUICK mode: tiny sizes, meaningless figures; ' : ''}node ${document.node}, ${document.generated_at}; `
      + `benchmarks: ${document.benches.join(', ')}${overridden(document)}), rendered from \`bench/results.json\` by \`npm run bench:readme\`:`,
    '',
    '| bench | figure | storage | measured | raw baseline in the same run | ratio | goal | met |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...document.results.map((r) => `| ${row(r).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** `readme` with the text between the markers replaced by the table of `document`. */
export function refreshReadme(readme: string, document: BenchResults): string {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new Error(`the README has no ${START_MARKER} … ${END_MARKER} section`);
  return `${readme.slice(0, start + START_MARKER.length)}\n${renderTable(document)}\n${readme.slice(end)}`;
}

function main() {
  const root = join(__dirname, '../..');
  const [resultsPath = join(root, 'bench/results.json'), readmePath = join(root, 'README.md')] = process.argv.slice(2);
  const document = JSON.parse(readFileSync(resultsPath, 'utf8')) as BenchResults;
  const problems = validateResults(document);
  if (problems.length > 0) throw new Error(`${resultsPath} is not valid: ${problems.join('; ')}`);
  writeFileSync(readmePath, refreshReadme(readFileSync(readmePath, 'utf8'), document));
  process.stdout.write(`${readmePath}: benchmark table refreshed from ${resultsPath} (${document.results.length} figures, ${document.generated_at})\n`);
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
