import { Module } from '@nestjs/common';
import { LabellingModule } from '@app/labelling';
import { LedgerModule } from '@app/ledger';
import { PartiesModule } from '@app/parties';
import { ContainerLabelsService } from './container-labels.service';
import { ContainersService } from './containers.service';
import { LineageService } from './lineage.service';

@Module({
  imports: [LedgerModule, LabellingModule, PartiesModule],
  providers: [ContainersService, LineageService, ContainerLabelsService],
  exports: [ContainersService, LineageService, ContainerLabelsService, LabellingModule],
})
export class ContainersModule {}
