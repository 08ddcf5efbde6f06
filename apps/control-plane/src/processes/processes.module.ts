import { Global, Module } from '@nestjs/common';
import { PlacementModule } from '../placement/placement.module';
import { ProcessEffects } from './process-effects';
import { Processes } from './processes.service';

/**
 * The process managers of every context and the effects they carry out. Global: the requests that
 * start a process (in tenancy, identity, placement) wait on it through `Processes`.
 */
@Global()
@Module({
  imports: [PlacementModule],
  providers: [ProcessEffects, Processes],
  exports: [ProcessEffects, Processes],
})
export class ProcessesModule {}
