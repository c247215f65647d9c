import { Injectable } from '@nestjs/common';
import type { EventPosition, ReplayBatch, ReplayInput } from '../libs/domain/webhooks';
import { MissedEventsReplay } from '../libs/webhooks/missed-events-replay';

/** The missed-events replay's step: one batch of the application's events looked at. */
@Injectable()
export class MissedEventsActivities {
  constructor(private readonly replay: MissedEventsReplay) {}

  replayMissedBatch(input: ReplayInput & { after: EventPosition | null }): Promise<ReplayBatch> {
    return this.replay.batch(input);
  }
}
