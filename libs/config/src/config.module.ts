import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';
import { SigningKey, loadSigningKey, verifyingKeys } from './signing-key';

export const APP_CONFIG = Symbol('APP_CONFIG');
export const SIGNING_KEY = Symbol('SIGNING_KEY');
/** VerifyingKey[]: the current key, then the retired ones (LEDGER_RETIRED_PUBLIC_KEYS). */
export const VERIFYING_KEYS = Symbol('VERIFYING_KEYS');

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: SIGNING_KEY, useFactory: () => loadSigningKey(config) },
        { provide: VERIFYING_KEYS, useFactory: (key: SigningKey) => verifyingKeys(key, config.ledgerRetiredPublicKeys), inject: [SIGNING_KEY] },
      ],
      exports: [APP_CONFIG, SIGNING_KEY, VERIFYING_KEYS],
    };
  }
}
