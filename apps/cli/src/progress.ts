import { SingleBar } from 'cli-progress';

export interface Progress {
  /** `done` of `total` units (positions, entries), and how many items (events, entries) so far. */
  update(done: number, items: number): void;
  stop(): void;
}

const rate = (items: number, since: number) => Math.round(items / Math.max((Date.now() - since) / 1000, 0.001));
const fmt = (n: number) => n.toLocaleString('en-US');
const eta = (done: number, total: number, since: number) => {
  if (done <= 0 || total <= done) return '0s';
  const seconds = Math.round(((Date.now() - since) / 1000) * ((total - done) / done));
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${seconds % 60}s` : `${seconds}s`;
};

/**
 * Long work shows its progress on stderr: a bar with rate and ETA (cli-progress) on a terminal,
 * plain periodic lines otherwise (logs, CI); `DWC_PROGRESS_INTERVAL_MS` sets their period (default 2000).
 */
export function progress(label: string, unit: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = Date.now();
  let items = 0;
  let done = 0;
  if (stream.isTTY) {
    const bar = new SingleBar({
      format: `${label} [{bar}] {percentage}% | {items} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}`,
      stream, hideCursor: true, etaBuffer: 50, fps: 5,
    });
    bar.start(Math.max(total, 1), 0, { items: '0', rate: '0' });
    return {
      update: (d, i) => { done = d; items = i; bar.update(Math.min(d, total), { items: fmt(i), rate: fmt(rate(i, started)) }); },
      stop: () => { bar.update(Math.max(total, 1), { items: fmt(items), rate: fmt(rate(items, started)) }); bar.stop(); },
    };
  }
  const every = Number(process.env.DWC_PROGRESS_INTERVAL_MS ?? 2000);
  const line = (final: boolean) => {
    const percent = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
    stream.write(`${label}: ${final ? 'done, ' : ''}${fmt(items)} ${unit} (${final ? 100 : percent}%), ${fmt(rate(items, started))} ${unit}/s${final ? `, ${((Date.now() - started) / 1000).toFixed(1)} s` : `, ETA ${eta(done, total, started)}`}\n`);
  };
  const timer = setInterval(() => line(false), every);
  timer.unref();
  return {
    update: (d, i) => { done = d; items = i; },
    stop: () => { clearInterval(timer); line(true); },
  };
}
