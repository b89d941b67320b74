import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/errors';
import { Actor, Authorize, CurrentActor, authenticated } from '@app/parties';
import { RuleListResponse, RulePolicies, RuleThresholdsService, RuleView, SetThresholdsDto } from '@app/reconciliation';

@ApiTags('alerts')
@Controller('alert-rules')
export class AlertRulesController {
  constructor(private readonly rules: RuleThresholdsService) {}

  @Get()
  @Authorize(authenticated)
  @ApiOperation({
    summary: 'The reconciliation rules',
    description: 'Every rule with its code, severity, subject, descriptions in Chinese and English, default thresholds and the per-district overrides.',
  })
  @ApiOkResponse({ type: RuleListResponse })
  async list(): Promise<RuleListResponse> {
    return { rules: await this.rules.list() };
  }

  @Put(':rule/thresholds')
  @Authorize(RulePolicies.setThresholds)
  @ApiOperation({
    summary: 'Override thresholds for a district (regulators in their jurisdiction, platform admins)',
    description:
      "Sets one rule's thresholds for a division prefix ('' = everywhere, 2/4/6 digits = province/city/district); the most specific override wins. A regulator may set them for its own jurisdiction or a district in it; only platform admins for wider areas or everywhere. Recorded in the ledger; the rule is swept at once with the new values.",
  })
  @ApiOkResponse({ type: RuleView })
  @ApiErrors('RULE_UNKNOWN', 'THRESHOLDS_INVALID', 'VALIDATION_FAILED')
  set(@CurrentActor() actor: Actor, @Param('rule') rule: string, @Body() dto: SetThresholdsDto): Promise<RuleView> {
    return this.rules.set(actor, rule, dto.divisionPrefix, dto.params);
  }
}
