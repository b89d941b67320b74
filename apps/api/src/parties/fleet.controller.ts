import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/errors';
import { Authorize, Driver, FleetService, PartiesErrors, Vehicle, organisationVisible, ownOrganisation } from '@app/parties';
import { CreateDriverDto, CreateVehicleDto, DriverDto, DriverListDto, VehicleDto, VehicleListDto } from './dto/fleet.dto';

@ApiTags('fleet')
@Controller('organisations/:id')
export class FleetController {
  constructor(private readonly fleet: FleetService) {}

  @Post('vehicles')
  @Authorize(ownOrganisation('id', { write: true, admin: true }))
  @ApiOperation({
    summary: 'Register a vehicle',
    description: 'For transporters. Plates are unique; the vehicle’s permit (道路运输证) is recorded as a vehicle_permit licence.',
  })
  @ApiCreatedResponse({ type: VehicleDto })
  @ApiErrors('VALIDATION_FAILED', 'NOT_FOUND', PartiesErrors.VEHICLE_EXISTS, PartiesErrors.ORGANISATION_ROLE_REQUIRED)
  addVehicle(@Param('id') organisationId: string, @Body() body: CreateVehicleDto): Promise<Vehicle> {
    return this.fleet.addVehicle(organisationId, body.plate);
  }

  @Get('vehicles')
  @Authorize(organisationVisible('id'))
  @ApiOperation({ summary: 'A transporter’s vehicles', description: 'Each with its vehicle permit in force, if any.' })
  @ApiOkResponse({ type: VehicleListDto })
  @ApiErrors('NOT_FOUND')
  async vehicles(@Param('id') organisationId: string): Promise<{ items: Vehicle[] }> {
    return { items: await this.fleet.vehicles(organisationId) };
  }

  @Post('drivers')
  @Authorize(ownOrganisation('id', { write: true, admin: true }))
  @ApiOperation({
    summary: 'Register a driver',
    description: 'For transporters. The driver’s qualification (从业资格证) is recorded as a driver_qualification licence.',
  })
  @ApiCreatedResponse({ type: DriverDto })
  @ApiErrors('VALIDATION_FAILED', 'NOT_FOUND', PartiesErrors.ORGANISATION_ROLE_REQUIRED)
  addDriver(@Param('id') organisationId: string, @Body() body: CreateDriverDto): Promise<Driver> {
    return this.fleet.addDriver(organisationId, body);
  }

  @Get('drivers')
  @Authorize(organisationVisible('id'))
  @ApiOperation({ summary: 'A transporter’s drivers', description: 'Each with the qualification in force, if any.' })
  @ApiOkResponse({ type: DriverListDto })
  @ApiErrors('NOT_FOUND')
  async drivers(@Param('id') organisationId: string): Promise<{ items: Driver[] }> {
    return { items: await this.fleet.drivers(organisationId) };
  }
}
