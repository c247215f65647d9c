import { Module } from '@nestjs/common';
import { PageCursors } from '../../../../libs/http/page-cursors';
import { CredentialsModule } from '../../../../libs/credentials/credentials.module';
import { WebhookDeliveryModule } from '../../../../libs/webhooks/webhook-delivery.module';
import { ApplicationsModule } from '../applications/applications.module';
import { DeliveriesService } from './deliveries.service';
import { DeliveriesController } from './deliveries.controller';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [ApplicationsModule, CredentialsModule, WebhookDeliveryModule],
  controllers: [WebhooksController, DeliveriesController, EventsController],
  providers: [WebhooksService, DeliveriesService, EventsService, PageCursors],
})
export class WebhooksModule {}
