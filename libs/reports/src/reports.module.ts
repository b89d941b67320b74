import { Module } from '@nestjs/common';
import { LedgerModule } from '@app/ledger';
import { DistrictService } from './district/district.service';
import { InspectionsService } from './inspections/inspections.service';
import { LedgerBookService } from './ledger-book/ledger-book.service';
import { MapService } from './map/map.service';
import { MassBalanceService } from './mass-balance/mass-balance.service';

@Module({
  imports: [LedgerModule],
  providers: [LedgerBookService, MassBalanceService, DistrictService, InspectionsService, MapService],
  exports: [LedgerBookService, MassBalanceService, DistrictService, InspectionsService, MapService],
})
export class ReportsModule {}
