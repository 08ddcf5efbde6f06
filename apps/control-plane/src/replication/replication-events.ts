import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { namespaceReplicationStream } from '../../../../libs/domain/replication/namespace-replication/streams';
import { AuthenticatedRequest } from '../auth/principal';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';
import { ReplicationService } from './replication.service';

const POLL_MS = 200;
const HEARTBEAT_MS = 15_000;

/**
 * `text/event-stream` of the saga's steps: first the current state (event `state`), then every event
 * of the enrollment's stream after it, each with its stream revision as the id; a reconnect with
 * `Last-Event-ID` resumes after that revision.
 */
@Injectable()
export class ReplicationEventStream implements OnApplicationShutdown {
  private readonly open = new Set<() => void>();

  constructor(@Inject(PLATFORM) private readonly platform: Platform, private readonly replication: ReplicationService) {}

  async serve(request: AuthenticatedRequest, reply: FastifyReply, organizationId: string, namespaceId: string, lastEventId: string | undefined): Promise<void> {
    const { state, events } = await this.replication.require(organizationId, namespaceId);
    const resumeFrom = lastEventId !== undefined && /^\d{1,18}$/.test(lastEventId) ? BigInt(lastEventId) + 1n : undefined;
    let next = events.length === 0 ? 0n : events[events.length - 1].revision + 1n;
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const send = (id: string | null, type: string, data: unknown) => raw.write(`${id === null ? '' : `id: ${id}\n`}event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
    send(resumeFrom === undefined ? String(next - 1n) : null, 'state', await this.replication.view(organizationId, state, events));
    if (resumeFrom !== undefined) {
      for (const event of events) if (event.revision >= resumeFrom) send(String(event.revision), event.type, { ...(event.data as object), occurred_at: event.metadata.occurred_at });
    }
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      this.open.delete(close);
      raw.end();
    };
    this.open.add(close);
    request.raw.on('close', close);
    let sinceBeat = 0;
    const stream = namespaceReplicationStream(organizationId, namespaceId);
    while (!closed) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (closed) break;
      try {
        const fresh = await this.platform.store.readStream(stream, { fromRevision: next });
        for (const event of fresh) {
          send(String(event.revision), event.type, { ...(event.data as object), occurred_at: event.metadata.occurred_at });
          next = event.revision + 1n;
        }
        sinceBeat += POLL_MS;
        if (sinceBeat >= HEARTBEAT_MS) { raw.write(': heartbeat\n\n'); sinceBeat = 0; }
      } catch {
        close();
      }
    }
  }

  onApplicationShutdown(): void {
    for (const close of [...this.open]) close();
  }
}
