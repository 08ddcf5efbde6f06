import { Inject, Injectable } from '@nestjs/common';
import { comparePositions, formatPosition, GlobalPosition, RecordedEvent, START } from '../../../../libs/event-store/src';
import { notFoundProblem } from '../http/problem';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';

export interface ReplayRequest {
  readonly organizationId: string;
  /** Exclusive. */
  readonly from?: GlobalPosition;
  readonly stream?: string;
  readonly types?: readonly string[];
  /** At most this many events; absent: up to the head. */
  readonly limit?: number;
}

const PAGE = 1000;

export const eventLine = (e: RecordedEvent) => `${JSON.stringify({
  id: e.id, position: formatPosition(e.position), stream: e.streamId, revision: e.revision.toString(), type: e.type, data: e.data, metadata: e.metadata,
})}\n`;

/**
 * An organization's raw events as NDJSON, read through the event-store port one page at a time and
 * only when the consumer asks for more (an async generator behind a Readable with a one-page
 * buffer), so memory stays flat whatever the size. The last line is
 * `{"kind":"resume","resume_from":"<position>","events":n,"complete":bool}`.
 */
@Injectable()
export class EventReplay {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  head(): Promise<GlobalPosition> {
    return this.platform.store.headPosition();
  }

  /** Checks what can be checked before the first byte goes out (a foreign or unknown stream is a 404). */
  async open(request: ReplayRequest): Promise<AsyncIterable<string>> {
    const store = this.platform.store;
    if (request.stream !== undefined) {
      const [first] = await store.readStream(request.stream, { limit: 1 });
      if (!first || first.metadata.organization_id !== request.organizationId) throw notFoundProblem(`stream ${request.stream}`);
    }
    return request.stream === undefined ? this.log(request) : this.oneStream(request, request.stream);
  }

  private async *log(request: ReplayRequest): AsyncIterable<string> {
    let from = request.from ?? START;
    let sent = 0;
    const limit = request.limit ?? Number.POSITIVE_INFINITY;
    for (;;) {
      const want = Math.min(PAGE, limit - sent);
      const page = await this.platform.store.readAll({ from, organizationId: request.organizationId, types: request.types, limit: want });
      if (page.length > 0) {
        from = page[page.length - 1].position;
        sent += page.length;
        yield page.map(eventLine).join('');
      }
      if (sent >= limit) return yield resumeLine(from, sent, false);
      if (page.length < want) return yield resumeLine(from, sent, true);
    }
  }

  /** One stream, read by revision in pages; `from` and `types` filter it. */
  private async *oneStream(request: ReplayRequest, stream: string): AsyncIterable<string> {
    const from = request.from ?? START;
    const types = request.types ? new Set(request.types) : null;
    const limit = request.limit ?? Number.POSITIVE_INFINITY;
    let revision = 0n;
    let sent = 0;
    let resume = from;
    for (;;) {
      const page = await this.platform.store.readStream(stream, { fromRevision: revision, limit: PAGE });
      const chosen: RecordedEvent[] = [];
      for (const event of page) {
        if (sent + chosen.length >= limit) break;
        if (event.metadata.organization_id !== request.organizationId) continue;
        if (comparePositions(event.position, from) <= 0) continue;
        if (types && !types.has(event.type)) continue;
        chosen.push(event);
      }
      if (chosen.length > 0) {
        resume = chosen[chosen.length - 1].position;
        sent += chosen.length;
        yield chosen.map(eventLine).join('');
      }
      if (sent >= limit) return yield resumeLine(resume, sent, false);
      if (page.length < PAGE) return yield resumeLine(resume, sent, true);
      revision = page[page.length - 1].revision + 1n;
    }
  }
}

const resumeLine = (position: GlobalPosition, events: number, complete: boolean) =>
  `${JSON.stringify({ kind: 'resume', resume_from: formatPosition(position), events, complete })}\n`;
