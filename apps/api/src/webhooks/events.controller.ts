import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { CustomerPrincipal } from '../../../../libs/auth/principal';
import {
  APPLICANT_EVENT_TYPES,
  EVENT_TYPE_DESCRIPTIONS,
  EVENT_TYPES,
} from '../../../../libs/domain/webhooks';
import { IdempotencyKeyHeader } from '../../../../libs/http/idempotency-key';
import { Auth, CurrentPrincipal } from '../auth/auth.decorator';
import { CreateEventDto, EventAcceptedResponse, EventTypesResponse } from './dto/event.dto';
import { AppParams } from './dto/webhook.dto';
import { EventsService } from './events.service';

@ApiTags('events')
@Controller()
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post('applications/:appId/events')
  @Auth('workspace', 'application')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Accept an event for delivery to every subscribed webhook',
    description:
      'Answers 202 once the event is durably accepted (its workflow started). The same idempotency key ' +
      '(the body’s idempotencyKey or the Idempotency-Key header) answers the same eventId and delivers ' +
      'nothing twice. Bodies over 256 KB: 413.',
  })
  @ApiHeader({
    name: 'idempotency-key',
    required: false,
    description: 'The same as the body’s idempotencyKey',
  })
  @ApiAcceptedResponse({ type: EventAcceptedResponse })
  @ApiPayloadTooLargeResponse()
  accept(
    @CurrentPrincipal() p: CustomerPrincipal,
    @Param() { appId }: AppParams,
    @Body() body: CreateEventDto,
    @IdempotencyKeyHeader() idempotencyKey?: string,
  ): Promise<EventAcceptedResponse> {
    return this.events.accept(p, appId, body, idempotencyKey);
  }

  @Get('event-types')
  @ApiOperation({ summary: 'The event types webhooks can carry' })
  @ApiOkResponse({ type: EventTypesResponse })
  eventTypes(): EventTypesResponse {
    return {
      items: EVENT_TYPES.map((type) => ({
        type,
        description: EVENT_TYPE_DESCRIPTIONS[type],
        source: (APPLICANT_EVENT_TYPES as readonly string[]).includes(type) ? 'platform' : 'service',
      })),
    };
  }
}
