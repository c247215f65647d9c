import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import type { RoundtripRecord } from '../../domain/diagnostics';
import { ensureIndexes } from '../ensure-indexes';
import { DiagnosticRoundtrip } from '../schemas/diagnostic-roundtrip.schema';

/** Roundtrip records are kept this long (a TTL index would do it, but FerretDB has none). */
export const ROUNDTRIP_RETENTION_MS = 7 * 24 * 3600 * 1000;

@Injectable()
export class DiagnosticRoundtripsRepository implements OnModuleInit {
  constructor(@InjectModel(DiagnosticRoundtrip.name) private readonly model: Model<DiagnosticRoundtrip>) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  /**
   * Idempotent: a retried activity writes the same document again, never a second one. Drops
   * records past their retention on the way.
   */
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
    await this.model.deleteMany({
      recordedAt: { $lt: new Date(Date.parse(record.recordedAt) - ROUNDTRIP_RETENTION_MS) },
    });
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
