import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { CustomerPrincipal, WorkspacePrincipal } from '../../../../libs/auth/principal';
import { Auth, CurrentPrincipal, PortalAllowed } from '../auth/auth.decorator';
import { DeliveriesService } from './deliveries.service';
import {
  WebhookFailedDeliveriesQuery,
  FailedDeliveriesQuery,
  FailedDeliveriesResponse,
} from './dto/delivery.dto';
import {
  AppParams,
  CreateWebhookDto,
  FilterTestDto,
  FilterTestResponse,
  WebhookParams,
  RecoverDto,
  RecoverResponse,
  ReplayMissedDto,
  ReplayMissedResponse,
  RotateSecretDto,
  SecretResponse,
  TestEventResponse,
  UpdateWebhookDto,
  WebhookListResponse,
  WebhookResponse,
} from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@Auth('workspace')
@PortalAllowed()
@ApiNotFoundResponse({ description: 'No such application or webhook for this caller' })
@Controller('applications/:appId/webhooks')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly deliveries: DeliveriesService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Add a webhook; the answer carries its signing secret' })
  @ApiCreatedResponse({ type: WebhookResponse })
  create(
    @CurrentPrincipal() p: CustomerPrincipal,
    @Param() { appId }: AppParams,
    @Body() body: CreateWebhookDto,
  ) {
    return this.webhooks.create(p, appId, body);
  }

  @Get()
  @ApiOperation({ summary: 'The application’s webhooks' })
  @ApiOkResponse({ type: WebhookListResponse })
  async list(
    @CurrentPrincipal() p: CustomerPrincipal,
    @Param() { appId }: AppParams,
  ): Promise<WebhookListResponse> {
    return { items: await this.webhooks.list(p, appId) };
  }

  // Declared before ':id' so that the path is not read as a webhook ID.
  @Get('failed-deliveries')
  @Auth('workspace', 'application')
  @ApiOperation({
    summary: 'Failed deliveries: EVENT_ID, EVENT_TYPE, ERROR_MESSAGE, newest first',
    description: 'Filter by event type, webhook and time of the last attempt; cursor-paginated.',
  })
  @ApiOkResponse({ type: FailedDeliveriesResponse })
  failed(
    @CurrentPrincipal() p: CustomerPrincipal,
    @Param() { appId }: AppParams,
    @Query() query: FailedDeliveriesQuery,
  ) {
    return this.deliveries.failed(p, appId, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One webhook (credential-like header values masked)' })
  @ApiOkResponse({ type: WebhookResponse })
  get(@CurrentPrincipal() p: CustomerPrincipal, @Param() { appId, id }: WebhookParams) {
    return this.webhooks.get(p, appId, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a webhook; `enabled: true` re-enables a disabled one' })
  @ApiOkResponse({ type: WebhookResponse })
  update(
    @CurrentPrincipal() p: CustomerPrincipal,
    @Param() { appId, id }: WebhookParams,
    @Body() body: UpdateWebhookDto,
  ) {
    return this.webhooks.update(p, appId, id, body);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a webhook; its pending deliveries are cancelled' })
  @ApiNoContentResponse()
  delete(@CurrentPrincipal() p: CustomerPrincipal, @Param() { appId, id }: WebhookParams): Promise<void> {
    return this.webhooks.delete(p, appId, id);
  }

  @Get(':id/secret')
  @ApiOperation({ summary: 'The webhook’s current signing secret (whsec_…)' })
  @ApiOkResponse({ type: SecretResponse })
  secret(@CurrentPrincipal() p: CustomerPrincipal, @Param() { appId, id }: WebhookParams) {
    return this.webhooks.secret(p, appId, id);
  }

  @Post(':id/secret/rotate')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'A new signing secret; during the overlap every delivery carries both signatures',
    description: 'Calls that race (a double click, a retried request) are answered with the same new secret.',
  })
  @ApiOkResponse({ type: SecretResponse })
  rotateSecret(
    @CurrentPrincipal() p: CustomerPrincipal,
    @Param() { appId, id }: WebhookParams,
    @Body() body: RotateSecretDto,
  ) {
    return this.webhooks.rotateSecret(p, appId, id, body.overlap);
  }

  @Post(':id/test')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Send a WEBHOOK_TEST event to this webhook alone, whatever its event types',
    description: 'Delivered, signed, retried and recorded like any event: follow it by its deliveryId.',
  })
  @ApiAcceptedResponse({ type: TestEventResponse })
  @ApiConflictResponse({ description: 'WEBHOOK_DISABLED' })
  sendTest(@CurrentPrincipal() p: WorkspacePrincipal, @Param() { appId, id }: WebhookParams) {
    return this.webhooks.sendTest(p, appId, id);
  }

  @Post(':id/filter-test')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Whether an event with this data would go to this webhook, by its payload filter',
    description: 'Nothing is sent or stored; a webhook without a filter matches every data.',
  })
  @ApiOkResponse({ type: FilterTestResponse })
  filterTest(
    @CurrentPrincipal() p: CustomerPrincipal,
    @Param() { appId, id }: WebhookParams,
    @Body() body: FilterTestDto,
  ): Promise<FilterTestResponse> {
    return this.webhooks.filterTest(p, appId, id, body.data);
  }

  @Get(':id/failed-deliveries')
  @Auth('workspace', 'application')
  @ApiOperation({ summary: 'Failed deliveries of one webhook, newest first' })
  @ApiOkResponse({ type: FailedDeliveriesResponse })
  webhookFailed(
    @CurrentPrincipal() p: CustomerPrincipal,
    @Param() { appId, id }: WebhookParams,
    @Query() query: WebhookFailedDeliveriesQuery,
  ) {
    return this.deliveries.failed(p, appId, { ...query, webhookId: id });
  }

  @Post(':id/recover')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Retry every failed delivery of the webhook since a time (durably, a workflow)',
    description: 'Answers with how many were retried when the workflow finishes within a few seconds.',
  })
  @ApiOkResponse({ type: RecoverResponse })
  @ApiConflictResponse({ description: 'WEBHOOK_DISABLED' })
  recover(
    @CurrentPrincipal() p: CustomerPrincipal,
    @Param() { appId, id }: WebhookParams,
    @Body() body: RecoverDto,
  ) {
    return this.webhooks.recover(p, appId, id, body.since);
  }

  @Post(':id/replay-missed')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Deliver the events accepted since a time that the webhook missed (durably, a workflow)',
    description:
      'Each event of its types (and filter) with no delivery to it is delivered once, in acceptance order; ' +
      'erased payloads are counted, not sent; a call looks at 10,000 events at most (continueFrom). ' +
      'Answers with the counts when the workflow finishes within a few seconds. Audited.',
  })
  @ApiAcceptedResponse({ type: ReplayMissedResponse })
  @ApiConflictResponse({ description: 'WEBHOOK_DISABLED' })
  replayMissed(
    @CurrentPrincipal() p: CustomerPrincipal,
    @Param() { appId, id }: WebhookParams,
    @Body() body: ReplayMissedDto,
  ) {
    return this.webhooks.replayMissed(p, appId, id, body);
  }
}
