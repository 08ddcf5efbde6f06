import { DynamicModule, Global, Module } from '@nestjs/common';
import { ControlPlaneConfig } from '../config/config';
import { Platform } from './platform';
import { CONFIG, PLATFORM } from './platform.tokens';

/** Makes the opened platform (storage, event store, projection runner) and the config injectable everywhere. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(platform: Platform, config: ControlPlaneConfig): DynamicModule {
    return {
      module: PlatformModule,
      providers: [{ provide: PLATFORM, useValue: platform }, { provide: CONFIG, useValue: config }],
      exports: [PLATFORM, CONFIG],
    };
  }
}
