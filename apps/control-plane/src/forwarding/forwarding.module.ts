import { Module } from '@nestjs/common';
import { PlacementModule } from '../placement/placement.module';
import { CommandFactsRecorder } from './command-facts-recorder';
import { ForwardingController } from './forwarding.controller';
import { ForwardingTargets } from './forwarding-target.query';
import { RuntimeCommandForwarder } from './runtime-command-forwarder';
import { RuntimeCommandsController } from './runtime-commands.controller';
import './forwarding.openapi';

/** Forwarding: workflow commands passed to the namespace's active runtime target, each recorded with its command facts. */
@Module({
  imports: [PlacementModule],
  controllers: [ForwardingController, RuntimeCommandsController],
  providers: [ForwardingTargets, CommandFactsRecorder, RuntimeCommandForwarder],
})
export class ForwardingModule {}
