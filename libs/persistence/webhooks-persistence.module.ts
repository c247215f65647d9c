import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { FailedDeliveryHoursRepository } from './repositories/failed-delivery-hours.repository';
import { SubjectKeysRepository } from './repositories/subject-keys.repository';
import { WebhookAttemptsRepository } from './repositories/webhook-attempts.repository';
import { WebhookDeliveriesRepository } from './repositories/webhook-deliveries.repository';
import { WebhooksRepository } from './repositories/webhooks.repository';
import { WebhookEventsRepository } from './repositories/webhook-events.repository';
import { WebhookSecretsRepository } from './repositories/webhook-secrets.repository';
import { WebhookTurnsRepository } from './repositories/webhook-turns.repository';
import { FailedDeliveryHour, FailedDeliveryHourSchema } from './schemas/failed-delivery-hour.schema';
import { SubjectKey, SubjectKeySchema } from './schemas/subject-key.schema';
import { WebhookAttempt, WebhookAttemptSchema } from './schemas/webhook-attempt.schema';
import { WebhookDelivery, WebhookDeliverySchema } from './schemas/webhook-delivery.schema';
import { Webhook, WebhookSchema } from './schemas/webhook.schema';
import { WebhookEvent, WebhookEventSchema } from './schemas/webhook-event.schema';
import { WebhookSecret, WebhookSecretSchema } from './schemas/webhook-secret.schema';
import { WebhookTurn, WebhookTurnSchema } from './schemas/webhook-turn.schema';

const repositories = [
  WebhooksRepository,
  WebhookSecretsRepository,
  WebhookEventsRepository,
  WebhookDeliveriesRepository,
  FailedDeliveryHoursRepository,
  WebhookAttemptsRepository,
  SubjectKeysRepository,
  WebhookTurnsRepository,
];

/** Webhooks and their secrets and rate limits' turns, events, deliveries (and the hours they failed in) and attempts; the subjects' data keys. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Webhook.name, schema: WebhookSchema },
      { name: WebhookSecret.name, schema: WebhookSecretSchema },
      { name: WebhookEvent.name, schema: WebhookEventSchema },
      { name: WebhookDelivery.name, schema: WebhookDeliverySchema },
      { name: FailedDeliveryHour.name, schema: FailedDeliveryHourSchema },
      { name: WebhookAttempt.name, schema: WebhookAttemptSchema },
      { name: SubjectKey.name, schema: SubjectKeySchema },
      { name: WebhookTurn.name, schema: WebhookTurnSchema },
    ]),
  ],
  providers: repositories,
  exports: repositories,
})
export class WebhooksPersistenceModule {}
