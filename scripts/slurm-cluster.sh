#!/usr/bin/env bash
# A throwaway Slurm 22.05 cluster on loopback (docs/slurm.md): munged, slurmctld, one slurmd per
# node (`slurmd -N NAME` on its own port, all on this host) with GPUs declared as GRES over plain
# files, and slurmrestd with JWT auth. Everything lives in one folder; nothing of the system's
# /etc/slurm or /etc/munge is read or written. Needs root (slurmd runs jobs as their users).
#
#   scripts/slurm-cluster.sh start DIR [NODE:TYPE:COUNT ...]   (default: local-1:h100-80gb:4 local-2:h100-80gb:4)
#   scripts/slurm-cluster.sh stop DIR
#
# With MariaDB and slurmdbd installed (SLURM_ACCOUNTING=0 turns it off) the cluster has accounting:
# a MariaDB server of its own in DIR, slurmdbd, AccountingStorageEnforce=associations and
# fair-share priorities, and slurmrestd serves the /slurmdb/ API too (accounts per project).
#
# `start` prints shell assignments on stdout once every node is idle and slurmrestd answers:
#   SLURM_CONF=… SLURMRESTD_URL=http://127.0.0.1:PORT SLURM_JWT=… SLURM_NODES="local-1 local-2"
# and the logs are DIR/*.log. `stop` ends only the daemons whose pid files are in DIR.
set -euo pipefail

die() {
  echo "slurm-cluster: $*" >&2
  exit 1
}

# A free TCP port on loopback (bound and released; the daemons bind it a moment later).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

stop_cluster() {
  local dir=$1 pid file
  # Jobs first: their slurmstepd and processes would outlive the daemons.
  if [ -f "$dir/slurm.conf" ] && [ -f "$dir/slurmctld.pid" ] && kill -0 "$(cat "$dir/slurmctld.pid")" 2>/dev/null; then
    local jobs
    jobs=$(SLURM_CONF="$dir/slurm.conf" squeue -h -o %i 2>/dev/null || true)
    if [ -n "$jobs" ]; then
      # shellcheck disable=SC2086 # one job id a word
      SLURM_CONF="$dir/slurm.conf" scancel --full $jobs 2>/dev/null || true
      for _ in $(seq 50); do
        [ -z "$(SLURM_CONF="$dir/slurm.conf" squeue -h -o %i 2>/dev/null)" ] && break
        sleep 0.1
      done
    fi
  fi
  # slurmrestd first (it talks to slurmctld), slurmctld last but munged.
  for file in "$dir"/slurmrestd.pid "$dir"/slurmd-*.pid "$dir"/slurmctld.pid "$dir"/slurmdbd.pid \
    "$dir"/mariadbd.pid "$dir"/munged.pid; do
    [ -f "$file" ] || continue
    pid=$(cat "$file" 2>/dev/null || true)
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for _ in $(seq 50); do
    local alive=0
    for file in "$dir"/*.pid; do
      [ -f "$file" ] || continue
      pid=$(cat "$file" 2>/dev/null || true)
      [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && alive=1
    done
    [ "$alive" = 0 ] && return 0
    sleep 0.1
  done
  for file in "$dir"/*.pid; do
    [ -f "$file" ] || continue
    pid=$(cat "$file" 2>/dev/null || true)
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  done
}

# MariaDB (its own data folder, socket and port) and slurmdbd on it; sets DBD_PORT.
start_accounting() {
  local dir=$1 db_port
  db_port=$(free_port)
  DBD_PORT=$(free_port)
  mkdir -p "$dir/mariadb"
  mariadb-install-db --no-defaults --datadir="$dir/mariadb" --user=root \
    --auth-root-authentication-method=normal --skip-test-db >"$dir/mariadb-install.log" 2>&1 ||
    die "mariadb-install-db failed (see $dir/mariadb-install.log)"
  setsid mariadbd --no-defaults --datadir="$dir/mariadb" --socket="$dir/my.sock" --port="$db_port" \
    --bind-address=127.0.0.1 --user=root --pid-file="$dir/mariadbd.pid" --log-error="$dir/mariadb.log" \
    --innodb-buffer-pool-size=64M --innodb-lock-wait-timeout=900 </dev/null >/dev/null 2>&1 &
  local up=0
  for _ in $(seq 150); do
    if mariadb --no-defaults -S "$dir/my.sock" -uroot -e 'select 1' >/dev/null 2>&1; then
      up=1
      break
    fi
    sleep 0.2
  done
  [ "$up" = 1 ] || die "mariadbd did not start (see $dir/mariadb.log)"
  # slurmdbd reads slurmdbd.conf beside SLURM_CONF's slurm.conf, and only when no one else may read it.
  cat >"$dir/slurmdbd.conf" <<CONF
AuthType=auth/munge
AuthInfo=socket=$dir/munge/s
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$dir/jwt.key
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=$DBD_PORT
SlurmUser=root
PidFile=$dir/slurmdbd.pid
LogFile=$dir/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$db_port
StorageUser=root
StorageLoc=slurm_acct
CONF
  chmod 600 "$dir/slurmdbd.conf"
  SLURM_CONF="$dir/slurm.conf" slurmdbd || die "slurmdbd did not start (see $dir/slurmdbd.log)"
}

# slurm.conf's accounting lines: slurmdbd with associations enforced and fair-share, or none.
# AccountingStoragePass names the munge socket for slurmdbd connections (default /run/munge/…).
accounting_conf() {
  if [ "$1" = 1 ]; then
    printf '%s\n' AccountingStorageType=accounting_storage/slurmdbd AccountingStorageHost=localhost \
      "AccountingStoragePort=$2" "AccountingStoragePass=$3" AccountingStorageEnforce=associations PriorityType=priority/multifactor \
      PriorityWeightFairshare=10000 PriorityWeightAge=100
  else
    printf '%s\n' AccountingStorageType=accounting_storage/none PriorityType=priority/basic
  fi
}

start_cluster() {
  local dir=$1
  shift
  local specs=("$@")
  [ ${#specs[@]} -gt 0 ] || specs=(local-1:h100-80gb:4 local-2:h100-80gb:4)
  [ "$(id -u)" = 0 ] || die "must run as root (slurmd starts jobs as their users)"
  local tool
  for tool in munged slurmctld slurmd slurmrestd scontrol python3; do
    command -v "$tool" >/dev/null || die "$tool not found: apt-get install slurm-wlm slurmrestd munge"
  done
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  chmod 700 "$dir"
  mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/dev"
  chmod 700 "$dir/munge"

  # munge: its own key, socket and pid file. Short socket path: sun_path holds 107 bytes.
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$dir/munge/munge.key"
  local sock="$dir/munge/s"
  [ ${#sock} -lt 100 ] || die "folder path too long for a unix socket: $dir"
  munged --force --key-file="$dir/munge/munge.key" --socket="$sock" \
    --pid-file="$dir/munged.pid" --seed-file="$dir/munge/seed" --log-file="$dir/munged.log" ||
    die "munged did not start (see $dir/munged.log)"

  # JWT key for slurmrestd's clients (AuthAltTypes=auth/jwt).
  dd if=/dev/urandom of="$dir/jwt.key" bs=32 count=1 status=none
  chmod 600 "$dir/jwt.key"

  local ctld_port rest_port
  ctld_port=$(free_port)
  rest_port=$(free_port)

  local accounting=0 dbd_port=""
  if [ "${SLURM_ACCOUNTING:-1}" != 0 ] && command -v slurmdbd >/dev/null && command -v mariadbd >/dev/null &&
    command -v mariadb-install-db >/dev/null; then
    accounting=1
    start_accounting "$dir"
    dbd_port=$DBD_PORT
  elif [ "${SLURM_ACCOUNTING:-}" = 1 ]; then
    die "SLURM_ACCOUNTING=1 needs slurmdbd and mariadb-server"
  fi
  local nodes=() gres_lines=() node_lines=() spec name type count port
  for spec in "${specs[@]}"; do
    IFS=: read -r name type count <<<"$spec"
    [[ $name =~ ^[a-z][a-z0-9-]*$ && $type =~ ^[a-z0-9][a-z0-9_.-]*$ && $count =~ ^[1-9][0-9]*$ ]] ||
      die "bad node spec '$spec' (want NAME:TYPE:COUNT, e.g. local-1:h100-80gb:4)"
    port=$(free_port)
    nodes+=("$name")
    # Fake device files: gres/gpu only needs File= paths to exist.
    mkdir -p "$dir/dev/$name"
    local i
    for ((i = 0; i < count; i++)); do : >"$dir/dev/$name/nvidia$i"; done
    gres_lines+=("NodeName=$name Name=gpu Type=$type File=$dir/dev/$name/nvidia[0-$((count - 1))]")
    # CPUs are declared, not detected (config_overrides): one CPU per GPU and two spare, so a
    # node's GPUs, not this machine's cores, bound how many jobs it takes.
    node_lines+=("NodeName=$name NodeHostname=localhost NodeAddr=127.0.0.1 Port=$port CPUs=$((count + 2)) RealMemory=1024 Gres=gpu:$type:$count Features=$type State=UNKNOWN")
  done

  cat >"$dir/slurm.conf" <<EOF
ClusterName=gpuaas
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$dir/jwt.key
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd-%n.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
SlurmdParameters=config_overrides
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
$(accounting_conf "$accounting" "$dbd_port" "$sock")
MpiDefault=none
ReturnToService=2
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
GresTypes=gpu
SchedulerType=sched/backfill
SchedulerParameters=bf_interval=1,sched_min_interval=100000
MinJobAge=300
KillWait=2
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=30
$(printf '%s\n' "${node_lines[@]}")
PartitionName=gpu Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
  printf '%s\n' "AutoDetect=off" "${gres_lines[@]}" >"$dir/gres.conf"

  export SLURM_CONF="$dir/slurm.conf"
  if [ "$accounting" = 1 ]; then
    # The cluster must exist in the database before slurmctld registers with slurmdbd; slurmdbd
    # takes a moment to create its tables on a first start.
    local added=0
    for _ in $(seq 20); do
      timeout 10 sacctmgr -i add cluster gpuaas >/dev/null 2>&1 || true
      if timeout 10 sacctmgr -n -P list cluster format=cluster 2>/dev/null | grep -qx gpuaas; then
        added=1
        break
      fi
      sleep 0.2
    done
    [ "$added" = 1 ] || die "slurmdbd did not answer sacctmgr (see $dir/slurmdbd.log)"
  fi
  slurmctld -f "$SLURM_CONF" -i ||
    die "slurmctld did not start (see $dir/slurmctld.log)"
  for name in "${nodes[@]}"; do
    mkdir -p "$dir/spool/$name"
    slurmd -f "$SLURM_CONF" -N "$name" || die "slurmd $name did not start (see $dir/slurmd-$name.log)"
  done

  local rest_plugins=openapi/v0.0.36,openapi/v0.0.37,openapi/v0.0.38
  [ "$accounting" = 1 ] && rest_plugins+=,openapi/dbv0.0.38
  # slurmrestd refuses root unless told; it serves only loopback here. Without -s it loads the
  # slurmdbd plugins too and exits when there is no slurmdbd: name the slurmctld ones.
  SLURMRESTD_SECURITY=disable_user_check SLURM_JWT=daemon \
    setsid slurmrestd -f "$SLURM_CONF" -a rest_auth/jwt -s "${SLURMRESTD_PLUGINS:-$rest_plugins}" "127.0.0.1:$rest_port" \
    >"$dir/slurmrestd.log" 2>&1 </dev/null &
  echo $! >"$dir/slurmrestd.pid"

  # Ready: every node idle, a token minted, slurmrestd answering.
  local ready=0 token=""
  for _ in $(seq 300); do
    if [ -z "$token" ]; then
      token=$(scontrol token username=root lifespan=86400 2>/dev/null | sed -n 's/^SLURM_JWT=//p' || true)
    fi
    local idle
    idle=$(sinfo -h -N -o '%N %t' 2>/dev/null | awk '$2 == "idle" { n++ } END { print n + 0 }')
    if [ -n "$token" ] && [ "$idle" = "${#nodes[@]}" ] &&
      curl -fsS -o /dev/null -H "X-SLURM-USER-NAME: root" -H "X-SLURM-USER-TOKEN: $token" \
        "http://127.0.0.1:$rest_port/openapi/v3" 2>/dev/null; then
      ready=1
      break
    fi
    sleep 0.2
  done
  if [ "$ready" != 1 ]; then
    sinfo -N >&2 || true
    tail -n 20 "$dir"/*.log >&2 || true
    stop_cluster "$dir"
    die "the cluster did not become ready in 60 s (logs in $dir)"
  fi
  echo "SLURM_CONF=$SLURM_CONF"
  echo "SLURMRESTD_URL=http://127.0.0.1:$rest_port"
  echo "SLURM_JWT=$token"
  echo "SLURM_NODES=\"${nodes[*]}\""
}

case "${1:-}" in
  start)
    [ $# -ge 2 ] || die "usage: $0 start DIR [NODE:TYPE:COUNT ...]"
    dir=$2
    shift 2
    start_cluster "$dir" "$@"
    ;;
  stop)
    [ $# -eq 2 ] || die "usage: $0 stop DIR"
    stop_cluster "$2"
    ;;
  *) die "usage: $0 start DIR [NODE:TYPE:COUNT ...] | stop DIR" ;;
esac
