/**
 * A stand-in `nvidia-smi` for sandboxes on simulated GPUs, so `nvidia-smi -L` in a terminal shows
 * exactly the allocation's GPUs, numbered from 0 as in a container with a GPU subset. It speaks
 * the two forms scripts use: `-L` and `--query-gpu=… --format=csv[,noheader][,nounits]`.
 */
import type { SandboxGpu } from './sandbox.js';

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Only characters that cannot break the script's `|`-separated table or its lines. */
function clean(value: string): string {
  return value.replace(/[|\r\n\t]/g, ' ');
}

export function fakeNvidiaSmiScript(gpus: readonly SandboxGpu[]): string {
  const table = gpus
    .map((g, i) =>
      [i, clean(g.uuid ?? `GPU-simulated-${g.index}`), clean(g.model), g.memory_mib ?? 0, g.index].join('|'),
    )
    .join('\n');
  return `#!/bin/sh
# Simulated nvidia-smi (GPUaaS node agent): lists only this allocation's GPUs.
GPUS=${shellQuote(table)}

list() {
  [ -n "$GPUS" ] || { echo 'No devices were found'; exit 6; }
  printf '%s\\n' "$GPUS" | while IFS='|' read -r i uuid name mem host; do
    echo "GPU $i: $name (UUID: $uuid)"
  done
}

query() {
  fields=$1
  old_ifs=$IFS; IFS=,
  for f in $fields; do
    case $f in
      index|uuid|gpu_uuid|name|gpu_name|memory.total|memory.used|memory.free|pci.bus_id|driver_version) ;;
      *) echo "Field \\"$f\\" is not a valid field to query."; echo; exit 2 ;;
    esac
  done
  IFS=$old_ifs
  [ -n "$GPUS" ] || { echo 'No devices were found'; exit 6; }
  if [ "$header" = 1 ]; then
    line=''; sep=''
    IFS=,
    for f in $fields; do
      case $f in memory.*) f="$f [MiB]" ;; esac
      line="$line$sep$f"; sep=', '
    done
    IFS=$old_ifs
    echo "$line"
  fi
  printf '%s\\n' "$GPUS" | while IFS='|' read -r i uuid name mem host; do
    line=''; sep=''
    IFS=,
    for f in $fields; do
      case $f in
        index) v=$i ;;
        uuid|gpu_uuid) v=$uuid ;;
        name|gpu_name) v=$name ;;
        memory.total|memory.free) v=$mem ;;
        memory.used) v=0 ;;
        pci.bus_id) v=$(printf '00000000:%02X:00.0' "$host") ;;
        driver_version) v=simulated ;;
      esac
      case $f in memory.*) [ "$units" = 1 ] && v="$v MiB" ;; esac
      line="$line$sep$v"; sep=', '
    done
    IFS=$old_ifs
    echo "$line"
  done
}

fields=''; header=1; units=1; mode=summary
for arg in "$@"; do
  case $arg in
    -L|--list-gpus) mode=list ;;
    --query-gpu=*) mode=query; fields=\${arg#--query-gpu=} ;;
    --format=*)
      case ,\${arg#--format=}, in *,noheader,*) header=0 ;; esac
      case ,\${arg#--format=}, in *,nounits,*) units=0 ;; esac ;;
    *) echo "simulated nvidia-smi: only -L and --query-gpu=… --format=csv are supported" >&2; exit 2 ;;
  esac
done
case $mode in
  list) list ;;
  query) query "$fields" ;;
  summary) echo 'Simulated GPUs (GPUaaS node agent; no NVIDIA driver on this node):'; list ;;
esac
`;
}
