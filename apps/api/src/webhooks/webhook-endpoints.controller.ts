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
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { CustomerPrincipal } from '../../../../libs/auth/principal';
import { Auth, CurrentPrincipal } from '../auth/auth.decorator';
import { DeliveriesService } from './deliveries.service';
import {
  EndpointFailedDeliveriesQuery,
  FailedDeliveriesQuery,
  FailedDeliveriesResponse,
} from './dto/delivery.dto';
import {
  AppParams,
  CreateWebhookEndpointDto,
  EndpointParams,
  RecoverDto,
  RecoverResponse,
  RotateSecretDto,
  SecretResponse,
  UpdateWebhookEndpointDto,
  WebhookEndpointListResponse,
  WebhookEndpointResponse,
} from './dto/webhook-endpoint.dto';
import { WebhookEndpointsService } from './webhook-endpoints.service';

@ApiTags('webhooks')
@Auth('workspace')
@ApiNotFoundResponse({ description: 'No such application or endpoint for this caller' })
@Controller('applications/:appId/webhooks')
export class WebhookEndpointsController {
  constructor(
    private readonly endpoints: WebhookEndpointsService,
    private readonly deliveries: DeliveriesService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Add a webhook endpoint; the answer carries its signing secret' })
  @ApiCreatedResponse({ type: WebhookEndpointResponse })
  create(
    @CurrentPrincipal() p: CustomerPrincipal,
    @Param() { appId }: AppParams,
    @Body() body: CreateWebhookEndpointDto,
  ) {
    return this.endpoints.create(p, appId, body);
  }

  @Get()
  @ApiOperation({ summary: 'The application’s webhook endpoints' })
  @ApiOkResponse({ type: WebhookEndpointListResponse })
  async list(
    @CurrentPrincipal() p: CustomerPrincipal,
    @Param() { appId }: AppParams,
  ): Promise<WebhookEndpointListResponse> {
    return { items: await this.endpoints.list(p, appId) };
  }

  // Declared before ':id' so that the path is not read as an endpoint ID.
  @Get('failed-deliveries')
  @Auth('workspace', 'application')
  @ApiOperation({
    summary: 'Failed deliveries: EVENT_ID, EVENT_TYPE, ERROR_MESSAGE, newest first',
    description: 'Filter by event type, endpoint and time of the last attempt; cursor-paginated.',
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
  @ApiOperation({ summary: 'One webhook endpoint (credential-like header values masked)' })
  @ApiOkResponse({ type: WebhookEndpointResponse })
  get(@CurrentPrincipal() p: CustomerPrincipal, @Param() { appId, id }: EndpointParams) {
    return this.endpoints.get(p, appId, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an endpoint; `enabled: true` re-enables a disabled one' })
  @ApiOkResponse({ type: WebhookEndpointResponse })
  update(
    @CurrentPrincipal() p: CustomerPrincipal,
    @Param() { appId, id }: EndpointParams,
    @Body() body: UpdateWebhookEndpointDto,
  ) {
    return this.endpoints.update(p, appId, id, body);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete an endpoint; its pending deliveries are cancelled' })
  @ApiNoContentResponse()
  delete(@CurrentPrincipal() p: CustomerPrincipal, @Param() { appId, id }: EndpointParams): Promise<void> {
    return this.endpoints.delete(p, appId, id);
  }

  @Get(':id/secret')
  @ApiOperation({ summary: 'The endpoint’s current signing secret (whsec_…)' })
  @ApiOkResponse({ type: SecretResponse })
  secret(@CurrentPrincipal() p: CustomerPrincipal, @Param() { appId, id }: EndpointParams) {
    return this.endpoints.secret(p, appId, id);
  }

  @Post(':id/secret/rotate')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'A new signing secret; during the overlap every delivery carries both signatures',
  })
  @ApiOkResponse({ type: SecretResponse })
  rotateSecret(
    @CurrentPrincipal() p: CustomerPrincipal,
    @Param() { appId, id }: EndpointParams,
    @Body() body: RotateSecretDto,
  ) {
    return this.endpoints.rotateSecret(p, appId, id, body.overlap);
  }

  @Get(':id/failed-deliveries')
  @Auth('workspace', 'application')
  @ApiOperation({ summary: 'Failed deliveries of one endpoint, newest first' })
  @ApiOkResponse({ type: FailedDeliveriesResponse })
  endpointFailed(
    @CurrentPrincipal() p: CustomerPrincipal,
    @Param() { appId, id }: EndpointParams,
    @Query() query: EndpointFailedDeliveriesQuery,
  ) {
    return this.deliveries.failed(p, appId, { ...query, webhookId: id });
  }

  @Post(':id/recover')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Retry every failed delivery of the endpoint since a time (durably, a workflow)',
    description: 'Answers with how many were retried when the workflow finishes within a few seconds.',
  })
  @ApiOkResponse({ type: RecoverResponse })
  @ApiConflictResponse({ description: 'ENDPOINT_DISABLED' })
  recover(
    @CurrentPrincipal() p: CustomerPrincipal,
    @Param() { appId, id }: EndpointParams,
    @Body() body: RecoverDto,
  ) {
    return this.endpoints.recover(p, appId, id, body.since);
  }
}
