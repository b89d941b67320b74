import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';
import { loadSecretBox } from './secret-box';
import { SigningKey, loadSigningKey, verifyingKeys } from './signing-key';

export const APP_CONFIG = Symbol('APP_CONFIG');
export const SIGNING_KEY = Symbol('SIGNING_KEY');
/** SecretBox: seals secrets kept in the database (webhook signing secrets). */
export const SECRET_BOX = Symbol('SECRET_BOX');
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
        { provide: SECRET_BOX, useFactory: () => loadSecretBox(config) },
      ],
      exports: [APP_CONFIG, SIGNING_KEY, VERIFYING_KEYS, SECRET_BOX],
    };
  }
}
