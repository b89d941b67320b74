import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/errors';
import { Authorize, LicenceCheckResult, LicenceCheckService, authenticated, today } from '@app/parties';
import { CarrierCheckQuery, LicenceCheckResultDto, ReceiverCheckQuery } from './dto/licence-check.dto';

@ApiTags('licence checks')
@Controller('licence-checks')
export class LicenceChecksController {
  constructor(private readonly checks: LicenceCheckService) {}

  @Get('receiver')
  @Authorize(authenticated)
  @ApiOperation({
    summary: 'May this receiver take this waste?',
    description:
      'Checks the receiver’s hazardous waste operating licences in force on the day: validity, whether the code or its category is covered, and the annual capacity left after the tonnes already committed this calendar year. Answers allowed=false with reasons rather than an error.',
  })
  @ApiOkResponse({ type: LicenceCheckResultDto })
  @ApiErrors('VALIDATION_FAILED')
  receiver(@Query() query: ReceiverCheckQuery): Promise<LicenceCheckResult> {
    return this.checks.mayReceive({ receiverId: query.receiverId, wasteCode: query.wasteCode, tonnes: query.tonnes, on: query.date ?? today() });
  }

  @Get('carrier')
  @Authorize(authenticated)
  @ApiOperation({
    summary: 'May this carrier carry this waste with this vehicle (and driver)?',
    description:
      'Checks the carrier’s road transport licence, the vehicle’s permit and, when given, the driver’s qualification in force on the day, and the dangerous goods class medical waste needs (6.2).',
  })
  @ApiOkResponse({ type: LicenceCheckResultDto })
  @ApiErrors('VALIDATION_FAILED')
  carrier(@Query() query: CarrierCheckQuery): Promise<LicenceCheckResult> {
    return this.checks.mayCarry({
      carrierId: query.carrierId,
      vehicleId: query.vehicleId,
      driverId: query.driverId,
      wasteCode: query.wasteCode,
      on: query.date ?? today(),
    });
  }
}
