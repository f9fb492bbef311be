#!/usr/bin/env bash
# Captures what the node agent reads from nvidia-smi on a real GPU machine, as test fixtures for the
# agent's parsers (run on a GPU node: scripts/capture-nvidia-smi.sh OUT_DIR).
set -uo pipefail
out=${1:?usage: capture-nvidia-smi.sh OUT_DIR}
mkdir -p "$out"
fields=index,uuid,name,memory.total,memory.used,pci.bus_id,driver_version,compute_cap,utilization.gpu,temperature.gpu,power.draw,power.limit,mig.mode.current,persistence_mode
run() { local name=$1; shift; { "$@" >"$out/$name.txt" 2>"$out/$name.err"; echo $? >"$out/$name.rc"; } || true; }
run query-gpu nvidia-smi --query-gpu="$fields" --format=csv,noheader,nounits
run query-gpu-header nvidia-smi --query-gpu="$fields" --format=csv
run list nvidia-smi -L
run topo nvidia-smi topo -m
run nvlink-status nvidia-smi nvlink -s
run query-xml nvidia-smi -q -x
run version nvidia-smi --version
run bad-field nvidia-smi --query-gpu=index,not.a.field --format=csv
ls /dev/nvidia* >"$out/dev-nodes.txt" 2>&1 || true
uname -a >"$out/uname.txt"
