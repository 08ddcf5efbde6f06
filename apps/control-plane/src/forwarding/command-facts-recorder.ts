import { Inject, Injectable, Logger } from '@nestjs/common';
import { RuntimeCommandCommand } from '../../../../libs/domain/runtime-commands/commands';
import { runtimeCommandDecider } from '../../../../libs/domain/runtime-commands/decider';
import { runtimeCommandStream } from '../../../../libs/domain/runtime-commands/streams';
import { deterministicEventId, GlobalPosition, metadataFor, WrongExpectedRevisionError } from '../../../../libs/event-store/src';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';

/**
 * Appends the command facts of one forwarded or refused runtime command to its own stream (by audit
 * id, expected "no stream"), so recording never contends with other commands and a retried append
 * is recognised rather than doubled.
 */
@Injectable()
export class CommandFactsRecorder {
  private readonly logger = new Logger('CommandFactsRecorder');

  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  async record(command: RuntimeCommandCommand): Promise<GlobalPosition | null> {
    const organizationId = command.context.organization_id ?? '';
    const auditId = command.data.audit_id;
    const events = runtimeCommandDecider.decide(command, runtimeCommandDecider.initialState());
    const metadata = metadataFor(command.context);
    try {
      const result = await this.platform.store.append(runtimeCommandStream(organizationId, auditId), events.map((event, index) => ({
        id: deterministicEventId(`runtime-command:${organizationId}:${auditId}`, index), type: event.type, data: event.data, metadata,
      })), 'no_stream');
      return result.position;
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return null;
      // The caller's answer must still go out (the runtime already acted); losing the record is logged loudly.
      this.logger.error({ err: error, audit_id: auditId }, 'could not record runtime command facts');
      return null;
    }
  }
}
