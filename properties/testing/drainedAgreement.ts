/**
 * The assertion the model-based walk tests share: a model path replayed on the machine and the
 * machine drained after it agree with the model (no mismatch, no difference, no finding), with the
 * scenario and the path's action kinds named in every failure.
 */
import { expect } from 'vitest';
import type { Scenario } from '../../scenario/schema.ts';
import { replayAndDrainOnImpl } from '../modelVsImpl.ts';

type DrainModel = Parameters<typeof replayAndDrainOnImpl>[0];
type DrainTrace = Parameters<typeof replayAndDrainOnImpl>[1];

/** Replay `trace` of `model` (the machine's choices, refusal probes on), drain, and expect agreement. */
export async function expectDrainedAgreement(
  model: DrainModel,
  scenario: Scenario,
  trace: DrainTrace,
): Promise<void> {
  const result = await replayAndDrainOnImpl(model, trace, { actions: model.actions, probes: true });
  const where = `${scenario.name} (${scenario.description}): ${trace.steps.map((s) => s.action.kind).join(' ')}`;
  expect(result.mismatch?.error.message ?? null, where).toBeNull();
  expect(result.difference, where).toBeNull();
  expect(result.findings, where).toEqual([]);
}
