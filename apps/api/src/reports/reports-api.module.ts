import { Module } from '@nestjs/common';
import { ReportsModule } from '@app/reports';
import { InspectionsController } from './inspections.controller';
import { LedgerBookController } from './ledger-book.controller';
import { ReportsController } from './reports.controller';

/** HTTP surface of reports: 台账, mass balance, district figures, inspections and the map. */
@Module({
  imports: [ReportsModule],
  controllers: [LedgerBookController, ReportsController, InspectionsController],
})
export class ReportsApiModule {}
