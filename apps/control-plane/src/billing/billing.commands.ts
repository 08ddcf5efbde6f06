import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { PriceBookCommand } from '../../../../libs/domain/usage/price-book/commands';
import { priceBookDecider, priceBookStream } from '../../../../libs/domain/usage/price-book/decider';
import { handleCommand } from '../../../../libs/event-store/src';
import { Platform } from '../platform/platform';
import { PLATFORM } from '../platform/platform.tokens';

/** Nest command message of an organization's price book: the pure domain command plus the stream's key. */
export class ExecutePriceBookCommand {
  constructor(readonly organizationId: string, readonly command: PriceBookCommand) {}
}

@CommandHandler(ExecutePriceBookCommand)
export class PriceBookCommandHandler implements ICommandHandler<ExecutePriceBookCommand> {
  constructor(@Inject(PLATFORM) private readonly platform: Platform) {}
  execute({ organizationId, command }: ExecutePriceBookCommand) {
    return handleCommand(this.platform.store, priceBookDecider, priceBookStream(organizationId), command);
  }
}
