import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/errors';
import { Actor, Authorize, CurrentActor, authenticated, platformAdmin } from '@app/parties';
import { RuleListResponse, RuleThresholdsService, RuleView, SetThresholdsDto } from '@app/reconciliation';

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
  @Authorize(platformAdmin)
  @ApiOperation({
    summary: 'Override thresholds for a district (platform admins)',
    description:
      "Sets one rule's thresholds for a division prefix ('' = everywhere, 2/4/6 digits = province/city/district); the most specific override wins. The rule is swept at once with the new values.",
  })
  @ApiOkResponse({ type: RuleView })
  @ApiErrors('RULE_UNKNOWN', 'THRESHOLDS_INVALID', 'VALIDATION_FAILED')
  set(@CurrentActor() actor: Actor, @Param('rule') rule: string, @Body() dto: SetThresholdsDto): Promise<RuleView> {
    return this.rules.set(actor, rule, dto.divisionPrefix, dto.params);
  }
}
