import { Module } from '@nestjs/common';
import { PageCursors } from '../../../../libs/http/page-cursors';
import { CredentialsModule } from '../../../../libs/credentials/credentials.module';
import { WebhooksModule as WebhooksLibModule } from '../../../../libs/webhooks/webhooks.module';
import { ApplicationsModule } from '../applications/applications.module';
import { DeliveriesViewService } from './deliveries-view.service';
import { DeliveriesController } from './deliveries.controller';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';
import { WebhookEndpointsController } from './webhook-endpoints.controller';
import { WebhookEndpointsService } from './webhook-endpoints.service';

@Module({
  imports: [ApplicationsModule, CredentialsModule, WebhooksLibModule],
  controllers: [WebhookEndpointsController, DeliveriesController, EventsController],
  providers: [WebhookEndpointsService, DeliveriesViewService, EventsService, PageCursors],
})
export class WebhooksModule {}
