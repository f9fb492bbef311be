/** An app instance's state, coloured by what it means for the user. */
import { stateTone } from './instance-model.js';

export function InstanceStateBadge({ state }: { state: string }) {
  return <span className={`state instance-state tone-${stateTone(state)}`}>{state}</span>;
}
