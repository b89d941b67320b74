import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';
import { loadSigningKey } from './signing-key';

export const APP_CONFIG = Symbol('APP_CONFIG');
export const SIGNING_KEY = Symbol('SIGNING_KEY');

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: SIGNING_KEY, useFactory: () => loadSigningKey(config) },
      ],
      exports: [APP_CONFIG, SIGNING_KEY],
    };
  }
}
