import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@app/errors';
import { Actor, Authorize, CurrentActor } from '@app/parties';
import {
  CreateWebhookDto,
  CreatedWebhookView,
  DeliveryListQueryDto,
  DeliveryListResponse,
  WebhookListResponse,
  WebhookPolicies,
  WebhooksService,
} from '@app/reconciliation';

@ApiTags('alerts')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @Authorize(WebhookPolicies.create)
  @ApiOperation({
    summary: 'Subscribe to alert notifications',
    description:
      "An organisation's admin subscribes to the alerts about it; a regulator's, to those in its jurisdiction. Each alert step (opened, acknowledged, resolved) is POSTed as JSON, signed with HMAC-SHA256 (see docs/reconciliation.md), retried with exponential backoff; the subscription is disabled after repeated failures. The secret is shown once.",
  })
  @ApiCreatedResponse({ type: CreatedWebhookView })
  @ApiErrors('VALIDATION_FAILED', 'WEBHOOK_URL_NOT_ALLOWED', 'WEBHOOK_SCOPE_UNAVAILABLE')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateWebhookDto): Promise<CreatedWebhookView> {
    return this.webhooks.create(actor, dto);
  }

  @Get()
  @Authorize(WebhookPolicies.list)
  @ApiOperation({ summary: "The organisation's webhook subscriptions", description: 'Without their secrets. Removed subscriptions are not listed.' })
  @ApiOkResponse({ type: WebhookListResponse })
  async list(@CurrentActor() actor: Actor): Promise<WebhookListResponse> {
    return { webhooks: await this.webhooks.list(actor) };
  }

  @Get(':id/deliveries')
  @Authorize(WebhookPolicies.read)
  @ApiOperation({ summary: 'Recent deliveries of a subscription', description: 'Status, attempts and the last error of each, newest first.' })
  @ApiOkResponse({ type: DeliveryListResponse })
  @ApiErrors('NOT_FOUND')
  async deliveries(@Param('id', ParseUUIDPipe) id: string, @Query() q: DeliveryListQueryDto): Promise<DeliveryListResponse> {
    return { deliveries: await this.webhooks.deliveries(id, q.limit) };
  }

  @Delete(':id')
  @HttpCode(204)
  @Authorize(WebhookPolicies.remove)
  @ApiOperation({ summary: 'Remove a subscription', description: 'Its pending deliveries are abandoned; its history is kept.' })
  @ApiNoContentResponse()
  @ApiErrors('NOT_FOUND')
  async remove(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.webhooks.remove(actor, id);
  }
}
