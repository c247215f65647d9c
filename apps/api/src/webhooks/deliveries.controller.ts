import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { CustomerPrincipal } from '../../../../libs/auth/principal';
import { Auth, CurrentPrincipal, PortalAllowed } from '../auth/auth.decorator';
import { DeliveriesService } from './deliveries.service';
import {
  DeliveriesQuery,
  DeliveriesResponse,
  DeliveryParams,
  DeliveryView,
  RetryResponse,
} from './dto/delivery.dto';
import { AppParams } from './dto/webhook.dto';

@ApiTags('deliveries')
@Auth('workspace', 'application')
@PortalAllowed()
@ApiNotFoundResponse({ description: 'No such application or delivery for this caller' })
@Controller('applications/:appId/deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get()
  @ApiOperation({ summary: 'Deliveries, newest first; filter by status, event type, webhook' })
  @ApiOkResponse({ type: DeliveriesResponse })
  list(
    @CurrentPrincipal() p: CustomerPrincipal,
    @Param() { appId }: AppParams,
    @Query() query: DeliveriesQuery,
  ) {
    return this.deliveries.list(p, appId, query);
  }

  @Get(':deliveryId')
  @ApiOperation({ summary: 'One delivery with every attempt' })
  @ApiOkResponse({ type: DeliveryView })
  get(@CurrentPrincipal() p: CustomerPrincipal, @Param() { appId, deliveryId }: DeliveryParams) {
    return this.deliveries.get(p, appId, deliveryId);
  }

  @Post(':deliveryId/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'A new series of attempts for a failed delivery (same webhook-id)' })
  @ApiAcceptedResponse({ type: RetryResponse })
  @ApiConflictResponse({
    description:
      'DELIVERY_IN_PROGRESS (still attempted, or a concurrent retry started its next series), WEBHOOK_DISABLED, or PAYLOAD_ERASED',
  })
  retry(@CurrentPrincipal() p: CustomerPrincipal, @Param() { appId, deliveryId }: DeliveryParams) {
    return this.deliveries.retry(p, appId, deliveryId);
  }
}
