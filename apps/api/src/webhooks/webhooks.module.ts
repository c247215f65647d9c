import { Module } from '@nestjs/common';
import { PageCursors } from '../../../../libs/http/page-cursors';
import { CredentialsModule } from '../../../../libs/credentials/credentials.module';
import { WebhookDeliveryModule } from '../../../../libs/webhooks/webhook-delivery.module';
import { ApplicationsModule } from '../applications/applications.module';
import { DeliveriesService } from './deliveries.service';
import { DeliveriesController } from './deliveries.controller';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';
import { WebhookEndpointsController } from './webhook-endpoints.controller';
import { WebhookEndpointsService } from './webhook-endpoints.service';

@Module({
  imports: [ApplicationsModule, CredentialsModule, WebhookDeliveryModule],
  controllers: [WebhookEndpointsController, DeliveriesController, EventsController],
  providers: [WebhookEndpointsService, DeliveriesService, EventsService, PageCursors],
})
export class WebhooksModule {}
