import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { RoundtripInput, RoundtripRecord } from '../libs/domain/diagnostics';
import { DiagnosticRoundtripsRepository } from '../libs/persistence/repositories/diagnostic-roundtrips.repository';

@Injectable()
export class DiagnosticsActivities {
  constructor(private readonly roundtrips: DiagnosticRoundtripsRepository) {}

  /** Writes the roundtrip's proof to MongoDB and returns what was written. */
  async recordRoundtrip(input: RoundtripInput): Promise<RoundtripRecord> {
    const { workflowExecution } = Context.current().info;
    if (!workflowExecution)
      throw ApplicationFailure.nonRetryable('recordRoundtrip runs only from a workflow');
    await this.roundtrips.record({
      roundtripId: input.roundtripId,
      workflowId: workflowExecution.workflowId,
      workflowRunId: workflowExecution.runId,
      workerIdentity: `${process.pid}@${hostname()}`,
      requestedAt: input.requestedAt,
      recordedAt: new Date().toISOString(),
    });
    const stored = await this.roundtrips.find(input.roundtripId);
    if (!stored) throw new Error(`Roundtrip ${input.roundtripId} was written but cannot be read back`);
    return stored;
  }
}
