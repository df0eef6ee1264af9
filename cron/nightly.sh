#!/usr/bin/env bash
# Nightly crawl of every configured source, for cron (see cron/crontab).
#
# - one run at a time: a second run while one holds the lock logs that and exits 0;
# - settings from cron/env when present (BULLETINS_DATABASE_URL, BULLETINS_WARC_DIR,
#   BULLETINS_CONTACT, BULLETINS_LOG_DIR, BULLETINS_SOURCES, BULLETINS_CRAWL_ARGS, BULLETINS);
# - one dated log per day, appended to: $BULLETINS_LOG_DIR/nightly-YYYY-MM-DD.log; logs of
#   earlier days are gzipped, and removed after BULLETINS_LOG_KEEP_DAYS (default 90);
# - every source crawled side by side in one process (`bulletins crawl --all`, or the sources
#   BULLETINS_SOURCES names): each site keeps its own politeness, each source its own run record,
#   summary, WARC files and package; the log gets `crawl SOURCE: ok` or `crawl SOURCE: FAILED (...)`
#   per source, read from the crawl's summary (its `== SOURCE` block and status line);
# - exit status 0 when every crawl succeeded, 1 when any failed (cron mails the operator);
# - the log ends with `bulletins status`, one line of health per source.
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

if [ -n "${BULLETINS_SOURCES:-}" ]; then
  sources=$BULLETINS_SOURCES
  # shellcheck disable=SC2206
  which=($sources)
else
  sources=$($bulletins sources --runnable) || { echo "$(stamp) nightly: cannot list sources" | tee -a "$log" >&2; exit 1; }
  which=(--all)  # the same list, as the crawl itself reads it
fi
for source in $sources; do
  echo "$(stamp) crawl $source: start" >>"$log"
done

# One process for every source; its summary (stdout) is kept to read each source's status from.
summary=$(mktemp "${TMPDIR:-/tmp}/nightly-summary.XXXXXX") || { echo "$(stamp) nightly: cannot make a temporary file" | tee -a "$log" >&2; exit 1; }
trap 'rm -f "$summary"' EXIT
# shellcheck disable=SC2086
$bulletins crawl "${which[@]}" ${BULLETINS_CRAWL_ARGS:-} >"$summary" 2>>"$log"
code=$?
cat "$summary" >>"$log"

# `== SOURCE` opens a source's block, `status: ...` ends it: "SOURCE<TAB>STATUS LINE" per source
outcomes=$(awk '/^== / { source = substr($0, 4); next }
                /^status: / && source != "" { print source "\t" $0; source = "" }' "$summary")
failed=()
for source in $sources; do
  status=$(printf '%s\n' "$outcomes" | awk -F '\t' -v s="$source" '$1 == s { print $2; exit }')
  if [ "$status" = "status: ok" ]; then
    echo "$(stamp) crawl $source: ok" >>"$log"
  elif [ -n "$status" ]; then
    echo "$(stamp) crawl $source: FAILED ($status)" >>"$log"
    failed+=("$source")
  else
    echo "$(stamp) crawl $source: FAILED (no summary; bulletins crawl exited $code)" >>"$log"
    failed+=("$source")
  fi
done
# The health of every source (ok, failed, drift, stale, never: `bulletins status --help`) ends
# the log; it does not change the night's exit status (a stale board is news, not a failed night).
status_args=()
for source in ${BULLETINS_SOURCES:-}; do status_args+=(--source "$source"); done
echo "$(stamp) nightly: source health (bulletins status):" >>"$log"
$bulletins status ${status_args[@]+"${status_args[@]}"} >>"$log" 2>&1
if [ ${#failed[@]} -eq 0 ] && [ $code -ne 0 ]; then
  echo "$(stamp) nightly: bulletins crawl exited $code" | tee -a "$log" >&2
  exit 1
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "$(stamp) nightly: failed sources: ${failed[*]} (log: $log)" | tee -a "$log" >&2
  exit 1
fi
echo "$(stamp) nightly: all sources ok" >>"$log"
exit 0
