import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parsePosition } from '../../../../libs/event-store/src/position';
import { progress, Progress } from '../progress';

const RETRIES = 5;
const POSITION_IN_LINE = /^\{"id":"[^"]*","position":"([0-9.-]+)"/;

const option = (args: readonly string[], name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

/**
 * `replay [--from <position>] [--out <file>] [--stream <id>] [--types A,B]`: the organization's events
 * over HTTP (`DWC_URL`, `DWC_API_KEY`; any key with `audit_log.read`), written as the same NDJSON
 * `/api/v1/events` serves, resuming after a dropped connection from the last event received.
 * No database access.
 */
export async function replay(args: readonly string[]): Promise<number> {
  const base = process.env.DWC_URL?.replace(/\/+$/, '');
  const key = process.env.DWC_API_KEY;
  if (!base || !key) {
    process.stderr.write('replay needs DWC_URL (e.g. http://127.0.0.1:8080) and DWC_API_KEY (a dwc_ key with audit_log.read)\n');
    return 2;
  }
  let from = option(args, '--from');
  if (from !== undefined && !parsePosition(from)) {
    process.stderr.write(`--from must be a position such as 1234.56, got ${from}\n`);
    return 2;
  }
  const outFile = option(args, '--out');
  const out: NodeJS.WritableStream = outFile ? createWriteStream(outFile) : process.stdout;
  const startPrepare = from ? Number(parsePosition(from)!.prepare) : 0;
  let events = 0;
  let bar: Progress | null = null;
  let failures = 0;
  try {
    for (;;) {
      const query = new URLSearchParams();
      if (from) query.set('from_position', from);
      for (const name of ['stream', 'types']) { const value = option(args, `--${name}`); if (value) query.set(name, value); }
      let response: Response;
      try {
        response = await fetch(`${base}/api/v1/events?${query}`, { headers: { authorization: `Bearer ${key}` } });
      } catch (error) {
        if (++failures > RETRIES) throw error;
        await new Promise((r) => setTimeout(r, 500 * failures));
        continue;
      }
      if (!response.ok || !response.body) {
        process.stderr.write(`replay refused: ${response.status} ${await response.text()}\n`);
        return 1;
      }
      const head = parsePosition(response.headers.get('x-dwc-head-position') ?? '');
      bar ??= progress('replay', 'events', Math.max(1, Number(head?.prepare ?? 0n) - startPrepare));
      const decoder = new TextDecoder();
      let pending = '';
      let finished = false;
      try {
        for await (const chunk of response.body) {
          pending += decoder.decode(chunk as Uint8Array, { stream: true });
          const end = pending.lastIndexOf('\n');
          if (end < 0) continue;
          const complete = pending.slice(0, end + 1);
          pending = pending.slice(end + 1);
          let lastPosition: string | undefined;
          for (const line of complete.split('\n')) {
            if (line === '') continue;
            const match = POSITION_IN_LINE.exec(line);
            if (match) { events++; lastPosition = match[1]; } else if (line.startsWith('{"kind":"resume"')) finished = true;
          }
          if (!out.write(complete)) await once(out, 'drain');
          if (lastPosition) {
            from = lastPosition;
            bar.update(Number(parsePosition(lastPosition)!.prepare) - startPrepare, events);
          }
        }
      } catch (error) {
        if (++failures > RETRIES) throw error;
      }
      if (finished) break;
      // The connection ended before the resume line: ask again from the last event received.
      if (++failures > RETRIES) throw new Error('the replay kept ending early');
    }
  } finally {
    bar?.stop();
    if (outFile) { out.end(); await once(out, 'finish'); }
  }
  process.stderr.write(`replayed ${events} events${outFile ? ` into ${outFile}` : ''}; resume with --from ${from ?? '-1.-1'}\n`);
  return 0;
}
