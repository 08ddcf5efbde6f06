import { Inject, Injectable, Logger } from '@nestjs/common';
import { RuntimeCommandCommand } from '../../../../libs/domain/runtime-commands/commands';
import { runtimeCommandDecider } from '../../../../libs/domain/runtime-commands/decider';
import { runtimeCommandStream } from '../../../../libs/domain/runtime-commands/streams';
import { deterministicEventId, GlobalPosition, metadataFor, WrongExpectedRevisionError } from '../../../../libs/event-store/src';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';

/**
 * Appends the command facts of one forwarded or refused runtime command to its own stream (by audit
 * id), so recording never contends with other commands and a retried append is recognised rather
 * than doubled: the acceptance (if any) first with expected "no stream", then the outcome after it.
 */
@Injectable()
export class CommandFactsRecorder {
  private readonly logger = new Logger('CommandFactsRecorder');

  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}

  /** `afterAcceptance`: the command's acceptance was recorded first (revision 0), so the outcome follows it. */
  async record(command: RuntimeCommandCommand, afterAcceptance = false): Promise<GlobalPosition | null> {
    const organizationId = command.context.organization_id ?? '';
    const auditId = command.data.audit_id;
    const state = afterAcceptance ? { status: 'accepted' as const, audit_id: auditId } : runtimeCommandDecider.initialState();
    const events = runtimeCommandDecider.decide(command, state);
    const metadata = metadataFor(command.context);
    const first = afterAcceptance ? 1 : 0;
    try {
      const result = await this.platform.store.append(runtimeCommandStream(organizationId, auditId), events.map((event, index) => ({
        id: deterministicEventId(`runtime-command:${organizationId}:${auditId}`, first + index), type: event.type, data: event.data, metadata,
      })), afterAcceptance ? 0n : 'no_stream');
      return result.position;
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return null;
      // The caller's answer must still go out (the runtime already acted); losing the record is logged loudly.
      this.logger.error({ err: error, audit_id: auditId }, 'could not record runtime command facts');
      return null;
    }
  }
}
