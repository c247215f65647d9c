import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { Environment } from '../../../../libs/config/environment';
import type { RoundtripRecord } from '../../../../libs/domain/diagnostics';
import { ApiError } from '../../../../libs/http/api-error';
import { DiagnosticRoundtripsRepository } from '../../../../libs/persistence/repositories/diagnostic-roundtrips.repository';
import { WorkflowIds } from '../../../../libs/temporal/workflow-ids';
import { WorkflowStarter } from '../../../../libs/temporal/workflow-starter';
import { DiagnosticRoundtripWorkflow } from '../../../../libs/temporal/contracts/diagnostic-roundtrip.contract';

/** How long the API waits for a worker to complete the roundtrip before telling the caller. */
const ROUNDTRIP_WAIT_MS = 15_000;

@Injectable()
export class RoundtripsService {
  constructor(
    private readonly workflows: WorkflowStarter,
    private readonly roundtrips: DiagnosticRoundtripsRepository,
    private readonly env: Environment,
  ) {}

  /** Starts a roundtrip workflow and waits for the worker to finish it. */
  async run(): Promise<RoundtripRecord> {
    const roundtripId = randomUUID();
    const roundtrip = await this.workflows.startAndWait(
      DiagnosticRoundtripWorkflow,
      {
        workflowId: WorkflowIds.diagnosticRoundtrip(roundtripId),
        args: [{ roundtripId, requestedAt: new Date().toISOString() }],
        workflowExecutionTimeout: '1 minute',
      },
      ROUNDTRIP_WAIT_MS,
    );
    if (roundtrip.finished) return roundtrip.result;
    throw new ApiError(
      HttpStatus.GATEWAY_TIMEOUT,
      'ROUNDTRIP_TIMEOUT',
      `No worker completed ${roundtrip.handle.workflowId} within ${ROUNDTRIP_WAIT_MS / 1000} s: ` +
        `is a worker polling task queue "${this.env.TEMPORAL_TASK_QUEUE}"?`,
    );
  }

  async get(roundtripId: string): Promise<RoundtripRecord> {
    const record = await this.roundtrips.find(roundtripId);
    if (!record)
      throw new ApiError(HttpStatus.NOT_FOUND, 'ROUNDTRIP_NOT_FOUND', `No roundtrip ${roundtripId}`);
    return record;
  }
}
