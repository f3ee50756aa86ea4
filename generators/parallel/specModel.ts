import { type Model, VmcheckError } from '../../model/core/index.ts';
import type { ModelSpec } from './protocol.ts';

/**
 * Build the model a `ModelSpec` names: import its module and call its export with its arguments.
 * Throws `VmcheckError('bad-model-spec')` when the export is not a function.
 */
export async function loadSpecModel(spec: ModelSpec): Promise<Model<Int32Array, number>> {
  const module = (await import(spec.module)) as Record<string, unknown>;
  const factory = module[spec.export];
  if (typeof factory !== 'function') {
    throw new VmcheckError('bad-model-spec', `${spec.module} has no function export ${spec.export}`, {
      module: spec.module,
      export: spec.export,
    });
  }
  return (await factory(...spec.args)) as Model<Int32Array, number>;
}
