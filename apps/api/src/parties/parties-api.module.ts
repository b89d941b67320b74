import { Module } from '@nestjs/common';
import { PartiesModule } from '@app/parties';
import { FacilitiesController } from './facilities.controller';
import { FleetController } from './fleet.controller';
import { LicenceChecksController } from './licence-checks.controller';
import { LicencesController } from './licences.controller';
import { MeController } from './me.controller';
import { OrganisationsController } from './organisations.controller';
import { UsersController } from './users.controller';

/** HTTP surface of parties: organisations, facilities, licences, vehicles, drivers, users and tokens. */
@Module({
  imports: [PartiesModule],
  controllers: [
    MeController,
    OrganisationsController,
    FacilitiesController,
    LicencesController,
    FleetController,
    UsersController,
    LicenceChecksController,
  ],
})
export class PartiesApiModule {}
