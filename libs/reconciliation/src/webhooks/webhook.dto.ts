import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNumber, IsOptional, IsString, IsUrl, Max, MaxLength, Min } from 'class-validator';
import { RULE_CODES, SEVERITIES, Severity } from '../rules/rule-registry';

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://example.com/hooks/wasteledger', description: 'Where alert notifications are POSTed.' })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2000)
  url: string;

  @ApiPropertyOptional({ example: '值班手机推送' }) @IsOptional() @IsString() @MaxLength(200) description?: string;

  @ApiPropertyOptional({ enum: RULE_CODES, isArray: true, description: 'Only these rules (default: every rule).' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(RULE_CODES.length)
  @IsIn(RULE_CODES, { each: true })
  rules?: string[];

  @ApiPropertyOptional({ enum: SEVERITIES, default: 'low', description: 'Only alerts at least this severe.' })
  @IsOptional()
  @IsIn(SEVERITIES)
  minSeverity?: Severity;
}

export class WebhookView {
  @ApiProperty() id: string;
  @ApiProperty() organisationId: string;
  @ApiProperty() url: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: ['party', 'jurisdiction'], description: "'party': alerts about the organisation's own containers, manifests and itself; 'jurisdiction': a regulator's." })
  scope: 'party' | 'jurisdiction';
  @ApiProperty({ type: [String], nullable: true }) rules: string[] | null;
  @ApiProperty({ enum: SEVERITIES }) minSeverity: Severity;
  @ApiProperty() active: boolean;
  @ApiProperty() consecutiveFailures: number;
  @ApiPropertyOptional({ nullable: true }) disabledAt: string | null;
  @ApiPropertyOptional({ nullable: true }) disabledReason: string | null;
  @ApiProperty() createdAt: string;
}

export class CreatedWebhookView extends WebhookView {
  @ApiProperty({ description: 'The signing secret. Shown once: store it now. See docs/reconciliation.md for verifying signatures.' })
  secret: string;
}

export class WebhookListResponse {
  @ApiProperty({ type: [WebhookView] }) webhooks: WebhookView[];
}

export class DeliveryView {
  @ApiProperty() id: string;
  @ApiProperty() alertId: string;
  @ApiProperty({ enum: ['alert.opened', 'alert.acknowledged', 'alert.resolved'] }) event: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed', 'abandoned'] }) status: string;
  @ApiProperty() attempts: number;
  @ApiPropertyOptional({ nullable: true }) lastStatusCode: number | null;
  @ApiPropertyOptional({ nullable: true }) lastError: string | null;
  @ApiPropertyOptional({ nullable: true }) deliveredAt: string | null;
  @ApiProperty() createdAt: string;
}

export class DeliveryListResponse {
  @ApiProperty({ type: [DeliveryView] }) deliveries: DeliveryView[];
}

export class DeliveryListQueryDto {
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsNumber() @Min(1) @Max(500) limit?: number;
}
