/**
 * Launch parameters for app tests: the same checks the runtime makes (declared names, each value
 * against its parameter's schema, defaults applied), so a test cannot pass values a real launch
 * would refuse.
 */
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { SdkError } from '../errors.js';
import { resolveLaunchParams } from '../manifest/launch-params.js';
import type { LaunchParamProblem } from '../manifest/launch-params.js';

function describe(problem: LaunchParamProblem): string {
  switch (problem.kind) {
    case 'undeclared': {
      const names = problem.declared.length > 0 ? problem.declared.join(', ') : 'none';
      return `parameter "${problem.parameter}" is not declared (declared: ${names})`;
    }
    case 'invalid': {
      const why = problem.errors
        .map((e) => `${e.instancePath} ${e.message ?? 'is invalid'}`.trim())
        .join(', ');
      return `parameter "${problem.parameter}" ${why || 'is invalid'}`;
    }
    case 'schema-invalid':
      return `parameter "${problem.parameter}" has an invalid schema: ${problem.error.message}`;
  }
}

/** Values with defaults applied; throws PARAMETERS_INVALID naming every bad parameter. */
export function resolveParams(
  manifest: GpuaasAppManifest,
  input: Record<string, unknown>,
): Record<string, unknown> {
  const { values, problems: found } = resolveLaunchParams(manifest, input);
  const problems = found.map(describe);
  if (problems.length > 0) {
    throw new SdkError('PARAMETERS_INVALID', problems.join('; '), { details: { problems } });
  }
  return values;
}
