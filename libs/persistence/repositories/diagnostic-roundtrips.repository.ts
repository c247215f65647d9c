import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import type { RoundtripRecord } from '../../domain/diagnostics';
import { DiagnosticRoundtrip } from '../schemas/diagnostic-roundtrip.schema';

@Injectable()
export class DiagnosticRoundtripsRepository {
  constructor(@InjectModel(DiagnosticRoundtrip.name) private readonly model: Model<DiagnosticRoundtrip>) {}

  /** Idempotent: a retried activity writes the same document again, never a second one. */
  async record(record: RoundtripRecord): Promise<void> {
    await this.model.updateOne(
      { _id: record.roundtripId },
      {
        $setOnInsert: {
          workflowId: record.workflowId,
          workflowRunId: record.workflowRunId,
          workerIdentity: record.workerIdentity,
          requestedAt: new Date(record.requestedAt),
          recordedAt: new Date(record.recordedAt),
        },
      },
      { upsert: true },
    );
  }

  async find(roundtripId: string): Promise<RoundtripRecord | undefined> {
    const doc = await this.model.findById(roundtripId).lean().exec();
    if (!doc) return undefined;
    return {
      roundtripId: doc._id,
      workflowId: doc.workflowId,
      workflowRunId: doc.workflowRunId,
      workerIdentity: doc.workerIdentity,
      requestedAt: doc.requestedAt.toISOString(),
      recordedAt: doc.recordedAt.toISOString(),
    };
  }
}
