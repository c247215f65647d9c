import { Injectable } from '@nestjs/common';
import type { RetentionBatch, RetentionCounts, RetentionPosition } from '../libs/domain/webhooks';
import { DataRetention } from '../libs/webhooks/data-retention';

/** The data retention workflow's steps. */
@Injectable()
export class DataRetentionActivities {
  constructor(private readonly retention: DataRetention) {}

  applicationsAfter(afterId: string, limit: number): Promise<string[]> {
    return this.retention.applicationsAfter(afterId, limit);
  }

  enforceRetention(input: {
    applicationId: string;
    at: string;
    after: RetentionPosition | null;
  }): Promise<RetentionBatch> {
    return this.retention.enforce(input);
  }

  recordRetention(input: { applicationId: string; at: string; counts: RetentionCounts }): Promise<void> {
    return this.retention.recordAudit(input);
  }
}
