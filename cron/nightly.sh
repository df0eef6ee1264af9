#!/usr/bin/env bash
# Nightly crawl of every configured source, for cron (see cron/crontab).
#
# - one run at a time: a second run while one holds the lock logs that and exits 0;
# - settings from cron/env when present (BULLETINS_DATABASE_URL, BULLETINS_WARC_DIR,
#   BULLETINS_CONTACT, BULLETINS_LOG_DIR, BULLETINS_SOURCES, BULLETINS_CRAWL_ARGS, BULLETINS);
# - one dated log per day, appended to: $BULLETINS_LOG_DIR/nightly-YYYY-MM-DD.log; logs of
#   earlier days are gzipped, and removed after BULLETINS_LOG_KEEP_DAYS (default 90);
# - exit status 0 when every crawl succeeded, 1 when any failed (cron mails the operator).
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
home=${BULLETINS_HOME:-$(dirname "$here")}
cd "$home" || { echo "nightly: cannot enter $home" >&2; exit 1; }
# shellcheck disable=SC1091
[ -f "$here/env" ] && . "$here/env"

bulletins=${BULLETINS:-bulletins}
log_dir=${BULLETINS_LOG_DIR:-$home/data/logs}
mkdir -p "$log_dir" || { echo "nightly: cannot create log folder $log_dir" >&2; exit 1; }
log="$log_dir/nightly-$(date -u +%Y-%m-%d).log"
stamp() { date -u +%Y-%m-%dT%H:%M:%SZ; }

exec 9>"$log_dir/nightly.lock"
if ! flock -n 9; then
  echo "$(stamp) nightly: another run holds $log_dir/nightly.lock; this one exits" | tee -a "$log" >&2
  exit 0
fi

# Rotation: yesterday's logs compressed, old ones dropped (only under the lock: one rotator).
find "$log_dir" -maxdepth 1 -name 'nightly-*.log' ! -name "$(basename "$log")" -exec gzip -qf {} +
find "$log_dir" -maxdepth 1 -name 'nightly-*.log.gz' -mtime +"${BULLETINS_LOG_KEEP_DAYS:-90}" -delete

sources=${BULLETINS_SOURCES:-$($bulletins sources --runnable)} || { echo "$(stamp) nightly: cannot list sources" | tee -a "$log" >&2; exit 1; }
failed=()
for source in $sources; do
  echo "$(stamp) crawl $source: start" >>"$log"
  # shellcheck disable=SC2086
  $bulletins crawl "$source" ${BULLETINS_CRAWL_ARGS:-} >>"$log" 2>&1
  code=$?
  if [ $code -eq 0 ]; then
    echo "$(stamp) crawl $source: ok" >>"$log"
  else
    echo "$(stamp) crawl $source: FAILED (exit $code)" >>"$log"
    failed+=("$source")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "$(stamp) nightly: failed sources: ${failed[*]} (log: $log)" | tee -a "$log" >&2
  exit 1
fi
echo "$(stamp) nightly: all sources ok" >>"$log"
exit 0
