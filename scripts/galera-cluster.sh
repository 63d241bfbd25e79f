#!/usr/bin/env bash
# A local three-node MariaDB Galera cluster in a scratch directory, for trying and testing several
# yesgraph instances over a multi-primary cluster (test/cluster/, bench/cluster.ts, README
# "Running several instances"). Not for production: no passwords, loopback only, relaxed flushing.
#
#   scripts/galera-cluster.sh start       start the cluster (a running one is left as is), print its URLs
#   scripts/galera-cluster.sh status      one line per node; exits 0 only when all three are synced
#   scripts/galera-cluster.sh stop        stop every node and remove the scratch directory
#   scripts/galera-cluster.sh kill N      SIGKILL node N's mariadbd (N = 1, 2 or 3), as a crash would
#   scripts/galera-cluster.sh restart N   start node N again; it rejoins (IST, or SST by rsync) and is waited for
#   scripts/galera-cluster.sh urls        print the three URLs
#
# Environment:
#   GALERA_DIR        scratch directory (default ${TMPDIR:-/tmp}/yesgraph-galera); a lock file
#                     beside it (GALERA_DIR.lock) serialises concurrent calls (flock)
#   GALERA_PORT       first SQL port (default 4406): node i listens on GALERA_PORT+i-1 (4406, 4407, 4408)
#   GALERA_REPL_PORT  first replication port (default 4567): node i uses, with R = GALERA_REPL_PORT+10·(i-1),
#                     R for group communication (4567, 4577, 4587), R+1 for IST (4568, 4578, 4588)
#                     and R+2 for SST by rsync (4569, 4579, 4589)
#   GALERA_WAIT       seconds to wait for a node to be synced (default 90)
#
# Reads are causal (wsrep_sync_wait=1): a read on one node sees what was committed on any node
# before it began, as callers of several instances expect (a table defined through one instance
# is there for the next call, whichever instance it reaches).
#
# Each node has its own datadir (mariadb-install-db), socket, pid file and error log under
# GALERA_DIR/nodeN. Root connects from 127.0.0.1 without a password; database `test` exists.
# On failure `start` prints one line saying why, stops what it started and exits 1 (the logs stay
# in GALERA_DIR for reading).
set -euo pipefail

DIR="${GALERA_DIR:-${TMPDIR:-/tmp}/yesgraph-galera}"
SQL_BASE="${GALERA_PORT:-4406}"
REPL_BASE="${GALERA_REPL_PORT:-4567}"
WAIT="${GALERA_WAIT:-90}"
PROVIDER=/usr/lib/galera/libgalera_smm.so
MARIADBD=/usr/sbin/mariadbd
NODES=(1 2 3)
# mariadbd drops to this user. Not root: the rsync daemon that receives a state transfer, started
# by a root mariadbd, would run as "nobody" and could not write the datadir.
if id mysql >/dev/null 2>&1; then RUN_AS=mysql; else RUN_AS=root; fi

fail() {
  echo "galera-cluster: $*" >&2
  exit 1
}

sql_port() { echo $((SQL_BASE + $1 - 1)); }
repl_port() { echo $((REPL_BASE + 10 * ($1 - 1))); }
node_dir() { echo "$DIR/node$1"; }
url() { echo "mysql://root@127.0.0.1:$(sql_port "$1")/test"; }

cluster_address() {
  local addrs=() i
  for i in "${NODES[@]}"; do addrs+=("127.0.0.1:$(repl_port "$i")"); done
  local IFS=,
  echo "gcomm://${addrs[*]}"
}

# The pid of node N's mariadbd when it is alive, else nothing.
node_pid() {
  local f pid
  f="$(node_dir "$1")/launch.pid"
  [[ -f $f ]] || return 0
  pid="$(cat "$f")"
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && grep -qa mariadbd "/proc/$pid/cmdline" 2>/dev/null; then echo "$pid"; fi
}

# A statement on node N through its socket, as root; tab-separated answer, no headers.
node_sql() {
  mariadb --no-defaults --protocol=socket -S "$(node_dir "$1")/mariadbd.sock" -u root -N -B --connect-timeout=2 -e "$2" 2>/dev/null
}

# "size ready state" of node N, or nothing when it does not answer.
node_wsrep() {
  node_sql "$1" "SELECT MAX(IF(VARIABLE_NAME='WSREP_CLUSTER_SIZE',VARIABLE_VALUE,NULL)), MAX(IF(VARIABLE_NAME='WSREP_READY',VARIABLE_VALUE,NULL)), MAX(IF(VARIABLE_NAME='WSREP_LOCAL_STATE_COMMENT',VARIABLE_VALUE,NULL)) FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN ('WSREP_CLUSTER_SIZE','WSREP_READY','WSREP_LOCAL_STATE_COMMENT')" || true
}

node_synced() {
  local s
  s="$(node_wsrep "$1")"
  [[ $s == 3$'\t'ON$'\t'Synced ]]
}

all_synced() {
  local i
  for i in "${NODES[@]}"; do node_synced "$i" || return 1; done
}

# Waits until node N is synced in a cluster of three (with "any": synced, whatever the size).
wait_node() {
  local n=$1 mode=${2:-} deadline=$((SECONDS + WAIT)) s
  while ((SECONDS < deadline)); do
    [[ -n $(node_pid "$n") ]] || fail "node $n exited while starting; see $(node_dir "$n")/error.log: $(grep -E '\[ERROR\]' "$(node_dir "$n")/error.log" 2>/dev/null | tail -n 1 | cut -c1-200)"
    s="$(node_wsrep "$n")"
    if [[ $mode == any ]]; then
      [[ $s == *$'\t'ON$'\t'Synced ]] && return 0
    else
      [[ $s == 3$'\t'ON$'\t'Synced ]] && return 0
    fi
    sleep 0.5
  done
  fail "node $n was not synced after ${WAIT} s (state: ${s:-no answer}); see $(node_dir "$n")/error.log"
}

init_node() {
  local d
  d="$(node_dir "$1")"
  mkdir -p "$d/data" "$d/tmp"
  chown -R "$RUN_AS:" "$d"
  # Without a mysql user the joiner's rsync daemon runs as nobody: let it write.
  [[ $RUN_AS == root ]] && chmod -R a+rwX "$d"
  mariadb-install-db --no-defaults --user="$RUN_AS" --datadir="$d/data" --auth-root-authentication-method=normal \
    --skip-test-db --skip-name-resolve --tmpdir="$d/tmp" >"$d/install.log" 2>&1 || fail "mariadb-install-db failed for node $1; see $d/install.log"
}

# Starts node N's mariadbd in the background; extra arguments are passed on.
launch_node() {
  local n=$1 d r
  shift
  d="$(node_dir "$n")"
  r="$(repl_port "$n")"
  local position=()
  # After a crash the datadir's Galera position is unknown (seqno -1): recover it from InnoDB so
  # that the node can rejoin by IST (the missing write sets) rather than a full copy.
  if [[ -f $d/data/grastate.dat ]] && grep -q '^seqno: *-1' "$d/data/grastate.dat"; then
    local recovered
    "$MARIADBD" --no-defaults --user="$RUN_AS" --datadir="$d/data" --wsrep-provider="$PROVIDER" --wsrep-on=ON \
      --wsrep-cluster-address="$(cluster_address)" --binlog-format=ROW --wsrep-recover --innodb-buffer-pool-size=32M --tmpdir="$d/tmp" \
      --socket="$d/recover.sock" --skip-networking </dev/null >"$d/recover.log" 2>&1 9>&- || true
    recovered="$({ grep -o 'Recovered position: .*' "$d/recover.log" 2>/dev/null || true; } | tail -n 1 | sed 's/Recovered position: //')"
    [[ $recovered =~ ^[0-9a-f-]+:[0-9]+$ ]] && position=(--wsrep-start-position="$recovered")
  fi
  setsid "$MARIADBD" --no-defaults --user="$RUN_AS" \
    --datadir="$d/data" --tmpdir="$d/tmp" --socket="$d/mariadbd.sock" --pid-file="$d/mariadbd.pid" \
    --log-error="$d/error.log" --port="$(sql_port "$n")" --bind-address=127.0.0.1 --skip-name-resolve \
    --wsrep-on=ON --wsrep-provider="$PROVIDER" --wsrep-cluster-address="$(cluster_address)" \
    --wsrep-cluster-name=yesgraph-local --wsrep-node-name="node$n" --wsrep-node-address="127.0.0.1:$r" \
    --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$r;ist.recv_addr=127.0.0.1:$((r + 1));gcache.size=128M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S" \
    --wsrep-sst-method=rsync --wsrep-sst-receive-address="127.0.0.1:$((r + 2))" \
    --wsrep-sync-wait=1 --binlog-format=ROW --innodb-autoinc-lock-mode=2 --default-storage-engine=InnoDB \
    --innodb-buffer-pool-size=96M --innodb-log-file-size=32M --innodb-flush-log-at-trx-commit=0 \
    --performance-schema=OFF --max-connections=400 --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    "${position[@]}" "$@" </dev/null >>"$d/stdout.log" 2>&1 9>&- &
  local pid=$!
  echo "$pid" >"$d/launch.pid"
  # The background shell becomes mariadbd once it has exec'd: wait for that, so node_pid knows it.
  for _ in $(seq 1 100); do
    grep -qa mariadbd "/proc/$pid/cmdline" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.02
  done
}

# SIGTERM, then SIGKILL after 20 s, of node N; waits until it is gone.
stop_node() {
  local pid i
  pid="$(node_pid "$1")"
  [[ -n $pid ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 80); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.25
  done
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

stop_all() {
  local i
  for i in 3 2 1; do stop_node "$i"; done
}

# Ports another program already holds: a clear refusal rather than a node failing to bind.
check_ports() {
  local i p
  for i in "${NODES[@]}"; do
    for p in "$(sql_port "$i")" "$(repl_port "$i")" $(($(repl_port "$i") + 1)) $(($(repl_port "$i") + 2)); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then fail "port $p is already in use (set GALERA_PORT / GALERA_REPL_PORT)"; fi
    done
  done
}

do_start() {
  if all_synced; then
    for i in "${NODES[@]}"; do url "$i"; done
    return 0
  fi
  [[ -x $MARIADBD ]] || fail "$MARIADBD is not installed"
  [[ -f $PROVIDER ]] || fail "the Galera provider $PROVIDER is not installed"
  command -v rsync >/dev/null || fail "rsync is not installed (state transfer uses it)"
  command -v mariadb-install-db >/dev/null || fail "mariadb-install-db is not installed"
  # Whatever is left of an earlier cluster (a node killed, a crashed run) is started afresh.
  stop_all
  rm -rf "$DIR"
  check_ports
  mkdir -p "$DIR"
  # Any exit by `fail` from here on stops what was started.
  trap 'rc=$?; if ((rc != 0)); then stop_all; fi' EXIT
  local i
  local installs=()
  for i in "${NODES[@]}"; do
    init_node "$i" &
    installs+=($!)
  done
  for i in "${installs[@]}"; do wait "$i" || fail "mariadb-install-db failed; see $DIR/node*/install.log"; done
  launch_node 1 --wsrep-new-cluster
  wait_node 1 any
  node_sql 1 "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''; GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION; CREATE DATABASE IF NOT EXISTS test" ||
    fail "could not grant root@127.0.0.1 on node 1"
  # One joiner at a time: a donor serves one state transfer at once.
  launch_node 2
  wait_node 2 any
  launch_node 3
  for i in "${NODES[@]}"; do wait_node "$i"; done
  trap - EXIT
  for i in "${NODES[@]}"; do url "$i"; done
}

do_status() {
  local i pid ok=0
  for i in "${NODES[@]}"; do
    pid="$(node_pid "$i")"
    if [[ -z $pid ]]; then
      echo "node $i: down ($(url "$i"))"
      ok=1
      continue
    fi
    local s
    s="$(node_wsrep "$i")"
    IFS=$'\t' read -r size ready state <<<"${s:-? ? ?}"
    echo "node $i: pid $pid, cluster size ${size:-?}, ready ${ready:-?}, ${state:-no answer} ($(url "$i"))"
    node_synced "$i" || ok=1
  done
  return $ok
}

node_arg() {
  [[ ${1:-} =~ ^[123]$ ]] || fail "usage: $0 $2 N (N = 1, 2 or 3)"
}

main() {
  local cmd=${1:-}
  mkdir -p "$(dirname "$DIR")"
  exec 9>"$DIR.lock"
  flock 9
  case $cmd in
    start) do_start ;;
    stop)
      stop_all
      rm -rf "$DIR"
      ;;
    status) do_status ;;
    urls) for i in "${NODES[@]}"; do url "$i"; done ;;
    kill)
      node_arg "${2:-}" kill
      local pid
      pid="$(node_pid "$2")"
      [[ -n $pid ]] || fail "node $2 is not running"
      kill -KILL "$pid"
      while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
      ;;
    restart)
      node_arg "${2:-}" restart
      [[ -d $(node_dir "$2")/data ]] || fail "node $2 has no datadir; run start first"
      if [[ -z $(node_pid "$2") ]]; then launch_node "$2"; fi
      wait_node "$2"
      ;;
    *)
      echo "usage: $0 start|stop|status|urls|kill N|restart N" >&2
      exit 2
      ;;
  esac
}

main "$@"
