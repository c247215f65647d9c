import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CryptoKeyRotationResult, RotateCryptoKeyInput } from '../../domain/applications';
import { workflowContract } from './workflow-contract';

export interface CryptoKeyRotationState {
  phase: 'rotating' | 'grace window' | 'done';
  previousVersion?: number;
  newVersion?: number;
  /** When the previous version stops working (ISO 8601). */
  retiringUntil?: string;
}

export const CryptoKeyRotationWorkflow =
  workflowContract<(input: RotateCryptoKeyInput) => Promise<CryptoKeyRotationResult>>('cryptoKeyRotation');
export const rotationStateQuery = defineQuery<CryptoKeyRotationState>('rotationState');
/** Answers once the new version is current: lets the API reply with it without polling. */
export const keyRotatedUpdate = defineUpdate<CryptoKeyRotationState>('keyRotated');
