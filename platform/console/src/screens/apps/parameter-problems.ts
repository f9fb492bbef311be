/**
 * The platform's refusal of a launch, placed on the form: each field problem
 * (`errors[].pointer` such as `/parameters/greeting` or `/secrets/api_key`) at the field it names,
 * the rest kept for the error message itself.
 */
import type { FormField } from './parameter-form.js';

export interface ProblemPlacement {
  /** Field name → the platform's message, naming the field. */
  fields: Record<string, string>;
  /** The problems that name no field of the form (shown with the error itself). */
  others: { pointer: string; detail: string }[];
}

function unescapePointer(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

/**
 * The platform's field problems (`errors[].pointer` such as `/parameters/greeting` or
 * `/secrets/api_key/0`) placed at the fields they name.
 */
export function placeProblems(
  fields: readonly FormField[],
  problems: readonly { pointer: string; detail: string }[],
): ProblemPlacement {
  const out: ProblemPlacement = { fields: {}, others: [] };
  for (const problem of problems) {
    const match = /^\/(?:parameters|secrets)\/([^/]+)/.exec(problem.pointer);
    const name = match?.[1] === undefined ? undefined : unescapePointer(match[1]);
    const field = fields.find((f) => f.name === name);
    if (field === undefined) {
      out.others.push(problem);
      continue;
    }
    const message = `${field.label}: ${problem.detail}`;
    out.fields[field.name] =
      out.fields[field.name] === undefined ? message : `${out.fields[field.name]} ${message}`;
  }
  return out;
}
