import { Module } from '@nestjs/common';
import { ContainersModule } from '@app/containers';
import { LedgerModule } from '@app/ledger';
import { LedgerController } from './ledger.controller';

@Module({
  imports: [LedgerModule, ContainersModule],
  controllers: [LedgerController],
})
export class LedgerApiModule {}
