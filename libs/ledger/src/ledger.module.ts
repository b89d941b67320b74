import { DynamicModule, Module } from '@nestjs/common';
import { CheckpointService } from './checkpoints/checkpoint.service';
import { ExportService } from './export/export.service';
import { DEFAULT_LEDGER_OPTIONS, LEDGER_OPTIONS, LedgerOptions } from './ledger-options';
import { LedgerService } from './ledger.service';
import { VerificationService } from './verification/verification.service';

const SERVICES = [LedgerService, CheckpointService, VerificationService, ExportService];

/**
 * The ledger's services, for both apps. Needs the global ConfigModule (SIGNING_KEY) and the
 * TypeORM connection; uses the global QueueModule when present to hand verifications to the worker.
 * Import `LedgerModule` as is, or `LedgerModule.register({...})` to change tunables (then use that
 * form everywhere in the app, so there is one set of services).
 */
@Module({
  providers: [...SERVICES, { provide: LEDGER_OPTIONS, useValue: DEFAULT_LEDGER_OPTIONS }],
  exports: [...SERVICES, LEDGER_OPTIONS],
})
export class LedgerModule {
  static register(options: Partial<LedgerOptions>): DynamicModule {
    return {
      module: LedgerModule,
      providers: [{ provide: LEDGER_OPTIONS, useValue: { ...DEFAULT_LEDGER_OPTIONS, ...options } }],
      exports: [LEDGER_OPTIONS],
    };
  }
}
