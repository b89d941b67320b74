import { Module } from '@nestjs/common';
import { LedgerModule } from '@app/ledger';
import { TokenService } from './auth/token.service';
import { FacilityService } from './facilities/facility.service';
import { FleetService } from './fleet/fleet.service';
import { LicenceCheckService } from './licences/licence-check.service';
import { LicenceService } from './licences/licence.service';
import { OrganisationService } from './organisations/organisation.service';
import { UserService } from './users/user.service';

const SERVICES = [TokenService, OrganisationService, FacilityService, LicenceService, LicenceCheckService, FleetService, UserService];

@Module({
  imports: [LedgerModule],
  providers: SERVICES,
  exports: SERVICES,
})
export class PartiesModule {}
