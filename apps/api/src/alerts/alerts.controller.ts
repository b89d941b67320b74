import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/errors';
import { Actor, Authorize, CurrentActor } from '@app/parties';
import { AlertListQueryDto, AlertPage, AlertPolicies, AlertView, AlertsService, ResolveAlertDto } from '@app/reconciliation';

@ApiTags('alerts')
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @Authorize(AlertPolicies.list)
  @ApiOperation({
    summary: 'List alerts',
    description:
      'For a regulator, the alerts inside its jurisdiction; for any other organisation, the alerts about its own containers, manifests and itself. Newest first, keyset-paginated. Filter by rule, severity, status, the organisation concerned, subject and age.',
  })
  @ApiOkResponse({ type: AlertPage })
  @ApiErrors('VALIDATION_FAILED')
  list(@CurrentActor() actor: Actor, @Query() q: AlertListQueryDto): Promise<AlertPage> {
    return this.alerts.list(actor, q);
  }

  @Get(':id')
  @Authorize(AlertPolicies.read)
  @ApiOperation({ summary: 'One alert', description: 'What was found, whom it concerns, and where it is in its lifecycle (open → acknowledged → resolved).' })
  @ApiOkResponse({ type: AlertView })
  @ApiErrors('NOT_FOUND')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<AlertView> {
    return this.alerts.get(id);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Authorize(AlertPolicies.triage)
  @ApiOperation({ summary: 'Acknowledge an alert (regulators)', description: 'A regulator of the jurisdiction takes the alert in hand. Recorded in the ledger and announced to webhooks.' })
  @ApiOkResponse({ type: AlertView })
  @ApiErrors('NOT_FOUND', 'ALERT_WRONG_STATUS')
  acknowledge(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<AlertView> {
    return this.alerts.acknowledge(actor, id);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Authorize(AlertPolicies.triage)
  @ApiOperation({
    summary: 'Resolve an alert with a note (regulators)',
    description:
      'A regulator of the jurisdiction closes the alert with what was found. The same occurrence does not raise it again; a new one (another manifest, another label) does. Alerts also resolve themselves when their condition clears.',
  })
  @ApiOkResponse({ type: AlertView })
  @ApiErrors('NOT_FOUND', 'ALERT_WRONG_STATUS', 'VALIDATION_FAILED')
  resolve(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ResolveAlertDto): Promise<AlertView> {
    return this.alerts.resolve(actor, id, dto.note);
  }
}
