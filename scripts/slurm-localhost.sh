#!/usr/bin/env bash
# Start or stop a single-node SLURM "cluster" on this machine (for testing profiles/slurm).
#
#   sudo scripts/slurm-localhost.sh start    # munged + slurmctld + slurmd, partition "debug"
#   sudo scripts/slurm-localhost.sh status
#   sudo scripts/slurm-localhost.sh stop     # stops exactly the daemons it started, by PID,
#                                            # and removes the slurm.conf it wrote
#
# Needs the Debian packages slurm-wlm and munge (apt-get install -y slurm-wlm munge) and root.
# The config goes to /etc/slurm/slurm.conf because snakemake-executor-plugin-slurm does not pass
# SLURM_CONF into jobs. No accounting daemon (slurmdbd) runs, so Snakemake must be told
# `--slurm-status-command squeue` (MinJobAge is raised so finished jobs stay visible to squeue).
# An existing /etc/slurm/slurm.conf not written by this script is never overwritten.
set -euo pipefail

CONF=/etc/slurm/slurm.conf
MARK="# written by retrocohort scripts/slurm-localhost.sh"
RUN=/run/retrocohort-slurm
MUNGE_PID=/run/munge/munged.pid
CTLD_PID=$RUN/slurmctld.pid
SLURMD_PID=$RUN/slurmd.pid
LOGS=/var/log/retrocohort-slurm

need_root() { [ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }; }

write_conf() {
  if [ -f "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
    echo "$CONF exists and was not written by this script; leaving it alone" >&2
    exit 1
  fi
  local node; node=$(slurmd -C | head -1)   # NodeName=<host> CPUs=.. RealMemory=..
  mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd "$RUN" "$LOGS"
  cat > "$CONF" <<EOF
$MARK
ClusterName=retrocohort
SlurmctldHost=$(hostname -s)
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MinJobAge=600
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
$node State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
  need_root
  write_conf
  mkdir -p /run/munge && chown munge:munge /run/munge
  alive "$MUNGE_PID" || runuser -u munge -- /usr/sbin/munged
  alive "$CTLD_PID" || /usr/sbin/slurmctld
  alive "$SLURMD_PID" || /usr/sbin/slurmd
  for _ in $(seq 30); do
    if sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
      sinfo; return 0
    fi
    sleep 1
  done
  echo "SLURM did not become ready; see $LOGS" >&2
  exit 1
}

stop() {
  need_root
  for pidfile in "$SLURMD_PID" "$CTLD_PID" "$MUNGE_PID"; do
    if alive "$pidfile"; then
      pid=$(cat "$pidfile")
      kill "$pid"
      for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      echo "stopped $(basename "$pidfile" .pid) (pid $pid)"
    fi
  done
  # A slurm.conf whose controller is gone costs every later `snakemake` start ~9 s: the SLURM
  # executor plugin probes it with scontrol on start-up. Remove the one this script wrote.
  if [ -f "$CONF" ] && grep -qF "$MARK" "$CONF"; then
    rm -f "$CONF"
    echo "removed $CONF"
  fi
}

status() {
  for pidfile in "$MUNGE_PID" "$CTLD_PID" "$SLURMD_PID"; do
    if alive "$pidfile"; then echo "$(basename "$pidfile" .pid): running (pid $(cat "$pidfile"))"
    else echo "$(basename "$pidfile" .pid): not running"; fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
