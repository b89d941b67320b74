import { Module } from '@nestjs/common';
import { LedgerProcessor } from './jobs/ledger.processor';
import { LedgerScheduler } from './jobs/ledger.scheduler';
import { LedgerModule } from './ledger.module';

/**
 * The worker side of the ledger: the processor of the ledger queue (SealCheckpoint, VerifyLedger)
 * and the scheduler that seals every few seconds. Import in the worker app only, next to the global
 * QueueModule.forRoot(config, 'worker').
 */
@Module({
  imports: [LedgerModule],
  providers: [LedgerProcessor, LedgerScheduler],
})
export class LedgerWorkerModule {}
