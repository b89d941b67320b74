import { Module } from '@nestjs/common';
import { ContainersModule } from '@app/containers';
import { LedgerModule } from '@app/ledger';
import { PartiesModule } from '@app/parties';
import { ManifestReadService } from './manifest-read.service';
import { ManifestsService } from './manifests.service';
import { ScansService } from './scans.service';

@Module({
  imports: [LedgerModule, ContainersModule, PartiesModule],
  providers: [ManifestsService, ScansService, ManifestReadService],
  exports: [ManifestsService, ScansService, ManifestReadService],
})
export class ManifestsModule {}
