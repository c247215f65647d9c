import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { WebhooksPersistenceModule } from '../persistence/webhooks-persistence.module';
import { AttemptSources } from './attempt-sources';
import { ApplicationWebhooksCleanup } from './application-webhooks-cleanup.service';
import { DeliveryAttempts } from './delivery-attempts.service';
import { DeliveryControl } from './delivery-control.service';
import { DataRetention } from './data-retention';
import { DeliverySequences } from './delivery-sequences';
import { EventSealing } from './event-data';
import { RateLimiter } from './rate-limiter';
import { MissedEventsReplay } from './missed-events-replay';
import { SubjectErasure } from './subject-erasure';
import { WebhookHealth } from './webhook-health';
import { EventIntake } from './event-intake.service';
import { WebhookSecretsService } from './webhook-secrets.service';

const services = [
  EventIntake,
  AttemptSources,
  DeliveryAttempts,
  WebhookHealth,
  DeliveryControl,
  DeliverySequences,
  DataRetention,
  EventSealing,
  SubjectErasure,
  WebhookSecretsService,
  ApplicationWebhooksCleanup,
  RateLimiter,
  MissedEventsReplay,
];

/** The delivery domain: events in, attempts out, webhook health, rate limits, retries and replays, secrets. */
@Module({
  imports: [WebhooksPersistenceModule, CredentialsModule],
  providers: services,
  exports: [...services, WebhooksPersistenceModule],
})
export class WebhookDeliveryModule {}
