import { Module } from '@nestjs/common';
import { WebhooksPersistenceModule } from '../persistence/webhooks-persistence.module';
import { DeliveriesService } from './deliveries.service';
import { WebhookSecretsService } from './webhook-secrets.service';

@Module({
  imports: [WebhooksPersistenceModule],
  providers: [WebhookSecretsService, DeliveriesService],
  exports: [WebhookSecretsService, DeliveriesService, WebhooksPersistenceModule],
})
export class WebhooksModule {}
