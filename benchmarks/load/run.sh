#!/usr/bin/env bash
# The proxy under load, side by side with nginx (issue 14). Everything on loopback, on free
# ports, cleaned up on exit:
#
#   upstream   nginx, one worker, returning a fixed 350 B chat completion (when nginx is
#              installed), else LoadUpstream (one Netty event loop) from the benchmarks jar.
#              LoadUpstream also serves the SSE streams (50 events 10 ms apart) either way.
#   proxy      failover-proxy.jar with benchmarks/load/gateway.yaml (the seed's rules; the body
#              rule makes the proxy read every response body).
#   nginx      the same upstream through nginx proxy_pass, one worker, upstream keepalive 64
#              (setting the Authorization header as the proxy does). Skipped without nginx.
#   direct     the upstream itself, for reference.
#
# Each round runs every connection count against every target (wrk -t1, or the Java
# LoadGenerator when wrk is absent) and records throughput, p50/p99 latency, CPU per request
# (user+sys ticks of the target's processes from /proc/<pid>/stat, before and after, divided
# by the requests) and the largest RSS sampled during the run. Then the SSE test (SseClient):
# time to first byte and per-event one-way delay, direct / proxy / nginx, and what each adds.
#
# Usage: benchmarks/load/run.sh [options]
#   --smoke               a few seconds: 1 round, 2 s, 16 connections, short SSE (for CI)
#   --rounds N            rounds (default 3)
#   --duration S          seconds per run (default 10)
#   --warmup S            most seconds of warm-up per target before the rounds, in 5 s slices
#                         until two agree within 5 % on throughput (default 120)
#   --connections "A B"   connection counts (default "16 256")
#   --upstream auto|nginx|java   the JSON upstream (default auto: nginx if installed)
#   --client auto|wrk|java       the load generator (default auto: wrk if installed)
#   --no-nginx            no nginx proxy_pass baseline, even when nginx is installed
#   --no-sse              skip the SSE test
#   --sse-rounds N        recorded SSE rounds of 20 streams per target (default 5)
#   --sse-warmup N        unrecorded SSE rounds first (default 15: a fresh client JVM takes
#                         milliseconds per new stream until the JIT has compiled its paths)
#   --proxy-opts "..."    JVM options of the proxy (default: none, the default launch)
#   --proxy-jar FILE      the proxy jar to run (default: failover-proxy/target/failover-proxy.jar;
#                         e.g. a copy built from another commit, to compare two builds)
#   --body-bytes N        POST a chat completion of N bytes (default: the 120 B one), e.g.
#                         1048576 for 1 MiB request bodies; wrk only. nginx (both) then takes
#                         bodies up to 64 MiB and buffers up to N + 64 KiB of one in memory
#   --jfr FILE            after the rounds, one more proxy run at the first connection count,
#                         recorded with JFR (settings=profile, 1 ms execution samples) into
#                         FILE and summarised (JfrSummary: allocation sites, CPU, GC, B/request)
#   --out DIR             keep raw results and logs in DIR (default: a temporary directory,
#                         removed on exit)
# Needs: java 17+, and the jars (from the repository root):
#   ./mvnw -B -q package -DskipTests -pl failover-proxy,benchmarks -am
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
proxy_jar="$root/failover-proxy/target/failover-proxy.jar"
bench_jar="$root/benchmarks/target/benchmarks.jar"

rounds=3 duration=10 warmup=120 connections="16 256" upstream_kind=auto client=auto
client_warmup=3 sse_streams=20 use_nginx=1 sse=1 proxy_opts="" jfr="" out="" smoke=0
sse_rounds=5 sse_warmup=15 body_bytes=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) smoke=1; rounds=1; duration=2; warmup=4; connections="16"
             sse_streams=4; sse_rounds=1; sse_warmup=1 ;;
    --rounds) rounds="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --connections) connections="$2"; shift ;;
    --upstream) upstream_kind="$2"; shift ;;
    --client) client="$2"; shift ;;
    --no-nginx) use_nginx=0 ;;
    --no-sse) sse=0 ;;
    --sse-rounds) sse_rounds="$2"; shift ;;
    --sse-warmup) sse_warmup="$2"; shift ;;
    --proxy-opts) proxy_opts="$2"; shift ;;
    --proxy-jar) proxy_jar="$(realpath -m "$2")"; shift ;;
    --body-bytes) body_bytes="$2"; shift ;;
    --jfr) jfr="$(realpath -m "$2")"; shift ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: $1: unknown option (see --help)" >&2; exit 2 ;;
  esac
  shift
done

for jar in "$proxy_jar" "$bench_jar"; do
  if [[ ! -f "$jar" ]]; then
    echo "run.sh: $jar is missing; build with" \
      "./mvnw -B -q package -DskipTests -pl failover-proxy,benchmarks -am" >&2
    exit 2
  fi
done
have() { command -v "$1" >/dev/null 2>&1; }
nginx_bin="$(command -v nginx || true)"
[[ -z "$nginx_bin" && -x /usr/sbin/nginx ]] && nginx_bin=/usr/sbin/nginx
case "$upstream_kind" in
  auto) upstream_kind=$([[ -n "$nginx_bin" ]] && echo nginx || echo java) ;;
  nginx) [[ -n "$nginx_bin" ]] || { echo "run.sh: --upstream nginx: nginx is not installed" >&2; exit 2; } ;;
  java) ;;
  *) echo "run.sh: --upstream: auto, nginx or java" >&2; exit 2 ;;
esac
case "$client" in
  auto) client=$(have wrk && echo wrk || echo java) ;;
  wrk) have wrk || { echo "run.sh: --client wrk: wrk is not installed" >&2; exit 2; } ;;
  java) ;;
  *) echo "run.sh: --client: auto, wrk or java" >&2; exit 2 ;;
esac
[[ -z "$nginx_bin" ]] && use_nginx=0
if (( body_bytes > 0 )) && [[ $client != wrk ]]; then
  echo "run.sh: --body-bytes needs wrk (the Java load generator sends the 120 B body)" >&2; exit 2
fi
# Large request bodies: nginx refuses bodies over 1 MiB and spills those over 16 KiB to a
# temporary file by default; here it keeps one in memory, as the proxy does.
nginx_body=""
(( body_bytes > 0 )) && nginx_body="client_max_body_size 64m; client_body_buffer_size $(( body_bytes + 65536 ));"

if [[ -n "$out" ]]; then
  mkdir -p "$out"; work="$(cd "$out" && pwd)"; keep=1
else
  work="$(mktemp -d -t failover-load.XXXXXX)"; keep=0
fi
chmod 755 "$work"   # nginx workers (user nobody when run as root) read their config here
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [[ $keep == 1 ]] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free TCP port on loopback: a random one that nothing listens on (checked again by bind),
# below the kernel's ephemeral range (outgoing connections' local ports, which a busy machine's
# other load tests hold by the thousand: nginx failed to bind such a port twice).
free_port() {
  local p low
  low="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
  (( low > 21000 )) || low=50000
  while :; do
    p=$(( 20000 + RANDOM % (low - 20000) ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
}
# Waits until something accepts on 127.0.0.1:$1 (deadline 60 s).
wait_port() {
  local i
  for ((i = 0; i < 600; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "run.sh: nothing listens on port $1 after 60 s" >&2; return 1
}
# Waits for a line matching $2 in file $1 and prints it (deadline 60 s).
wait_line() {
  local i line
  for ((i = 0; i < 600; i++)); do
    line="$(grep -m1 -E "$2" "$1" 2>/dev/null || true)"
    [[ -n "$line" ]] && { echo "$line"; return 0; }
    sleep 0.1
  done
  echo "run.sh: no '$2' in $1 after 60 s:" >&2; cat "$1" >&2; return 1
}

json_body="$(java -cp "$bench_jar" -XX:TieredStopAtLevel=1 \
  io.github.failover4j.benchmarks.load.LoadUpstream --print-chat-completion 2>/dev/null)"

# nginx in the foreground (daemon off) so that $! is its master; one worker.
start_nginx() { # name port body-of-http-block
  local name="$1" conf="$work/$1.conf"
  mkdir -p "$work/$name-tmp"
  cat > "$conf" <<EOF
worker_processes 1;
pid $work/$name.pid;
error_log $work/$name-error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $work/$name-tmp/body;
  proxy_temp_path $work/$name-tmp/proxy;
  fastcgi_temp_path $work/$name-tmp/fastcgi;
  uwsgi_temp_path $work/$name-tmp/uwsgi;
  scgi_temp_path $work/$name-tmp/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  $nginx_body
  $3
}
EOF
  "$nginx_bin" -c "$conf" -g 'daemon off;' >"$work/$name.out" 2>&1 &
  pids+=($!)
  wait_port "$2"
}

# The SSE upstream (and the JSON one without nginx): LoadUpstream.
java -cp "$bench_jar" -Xmx256m io.github.failover4j.benchmarks.load.LoadUpstream \
  >"$work/java-upstream.out" 2>&1 &
pids+=($!)
java_upstream_pid=$!
java_port="$(wait_line "$work/java-upstream.out" '^listening ' | awk '{print $2}')"
sse_port="$java_port"
if [[ $upstream_kind == nginx ]]; then
  json_port="$(free_port)"
  start_nginx upstream "$json_port" "
  server {
    listen 127.0.0.1:$json_port;
    location / { default_type application/json; return 200 '$json_body'; }
  }"
  upstream_pid="${pids[-1]}"
else
  json_port="$java_port"
  upstream_pid="$java_upstream_pid"
fi

# The failover proxy.
sed -e "s/@JSON_PORT@/$json_port/" -e "s/@SSE_PORT@/$sse_port/" "$here/gateway.yaml" \
  > "$work/gateway.yaml"
# shellcheck disable=SC2086 # word splitting of the JVM options is intended
java $proxy_opts -jar "$proxy_jar" --config "$work/gateway.yaml" --listen 127.0.0.1:0 \
  >"$work/proxy.out" 2>&1 &
pids+=($!)
proxy_pid=$!
proxy_port="$(wait_line "$work/proxy.out" 'listening on http://' | sed -E 's/.*:([0-9]+).*/\1/')"

# The nginx proxy_pass baseline.
if [[ $use_nginx == 1 ]]; then
  nginx_port="$(free_port)"
  start_nginx proxy "$nginx_port" "
  upstream json_up { server 127.0.0.1:$json_port; keepalive 64; }
  upstream sse_up { server 127.0.0.1:$sse_port; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
    proxy_http_version 1.1;
    proxy_set_header Connection \"\";
    proxy_set_header Authorization \"Bearer sk-bench-0123456789abcdef1000\";
    location / { proxy_pass http://json_up; }
    location /sse/ { proxy_pass http://sse_up; }
  }"
  nginx_pid="${pids[-1]}"
fi

targets=(direct proxy)
[[ $use_nginx == 1 ]] && targets+=(nginx)
port_of() { case "$1" in direct) echo "$json_port" ;; proxy) echo "$proxy_port" ;; nginx) echo "$nginx_port" ;; esac; }
# The processes whose CPU and memory count for a target: the JVM (with java -jar's default
# launch, the waiting parent JVM and the bounded child it re-launched), or nginx's master +
# workers. RSS is summed: pages the processes share (libjvm, the CDS archive) count twice.
procs_of() {
  case "$1" in
    proxy) echo "$proxy_pid" $(pgrep -P "$proxy_pid") ;; # java -jar: the waiting parent + the child
    nginx) echo "$nginx_pid" $(pgrep -P "$nginx_pid") ;;
    direct) echo "$upstream_pid" $(pgrep -P "$upstream_pid") ;;
  esac
}
ticks() { # user+sys clock ticks of the given pids
  local t=0 p f
  for p in "$@"; do
    f="$(cat "/proc/$p/stat" 2>/dev/null)" || continue
    f="${f##*) }" # fields after "(comm) ": state is field 3, utime 14, stime 15
    set -- $f
    t=$(( t + ${12} + ${13} ))
  done
  echo "$t"
}
rss_kb() {
  local t=0 p v
  for p in "$@"; do
    v="$(awk '/^VmRSS:/{print $2}' "/proc/$p/status" 2>/dev/null || true)"
    t=$(( t + ${v:-0} ))
  done
  echo "$t"
}
clk_tck="$(getconf CLK_TCK)"

load() { # target connections seconds -> RESULT line
  local url="http://127.0.0.1:$(port_of "$1")/v1/chat/completions"
  if [[ $client == wrk ]]; then
    BODY_BYTES="$body_bytes" wrk -t1 -c"$2" -d"${3}s" --timeout 10s -s "$here/post.lua" "$url" \
      | grep '^RESULT'
  else
    # A fresh JVM each run: its first seconds are its own JIT warm-up, so it warms up for
    # ${client_warmup}s and prints MEASURING when the measured window opens (run() reads the
    # CPU counters then).
    java -cp "$bench_jar" -XX:+UseSerialGC io.github.failover4j.benchmarks.load.LoadGenerator \
      "$url" --connections "$2" --duration-s "$3" --warmup-s "$client_warmup" 2>/dev/null \
      | grep --line-buffered -E '^(RESULT|MEASURING)'
  fi
}
field() { sed -E "s/.* $1=([^ ]+).*/\1/" <<<"$2"; }

echo "# $(date -u '+%Y-%m-%d %H:%M:%S UTC') $(uname -m), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# upstream: $upstream_kind (port $json_port), SSE upstream: LoadUpstream (port $sse_port)," \
  "client: $client, proxy JVM options: ${proxy_opts:-(none)}, request body: \
$( (( body_bytes > 0 )) && echo "$body_bytes B" || echo "the 120 B chat completion")"
echo "# proxy jar: $proxy_jar"
echo "# $(java -version 2>&1 | head -1); $( [[ -n "$nginx_bin" ]] && "$nginx_bin" -v 2>&1 || echo 'no nginx')"

results="$work/results.tsv"
printf 'round\tconns\ttarget\trequests\trps\tp50_us\tp99_us\terrors\tcpu_us_per_req\trss_mb\n' > "$results"
# Warm-up (JIT, connection pools) at the largest connection count, in 5 s slices until two
# slices in a row agree within 5 % on throughput, for at most --warmup seconds per target: the
# JVM's JIT needs tens of seconds on a busy 2-core machine, and a cold proxy measures the JIT.
warm_c=0
for c in $connections; do (( c > warm_c )) && warm_c=$c; done
for t in "${targets[@]}"; do
  prev=0 spent=0 slice=5
  (( warmup < slice )) && slice=$warmup
  while (( spent < warmup )); do
    rps="$(field rps "$(load "$t" "$warm_c" "$slice" | grep '^RESULT' || true)")"
    spent=$(( spent + slice ))
    rps="${rps%.*}"; rps="${rps:-0}"
    if (( prev > 0 && rps > 0 && rps * 100 >= prev * 95 && rps * 100 <= prev * 105 )); then break; fi
    prev=$rps
  done
  echo "# warm-up $t: ${spent} s, last ${rps:-0} req/s"
done
failed=0
for ((r = 1; r <= rounds; r++)); do
  for c in $connections; do
    for t in "${targets[@]}"; do
      # shellcheck disable=SC2046
      procs=($(procs_of "$t"))
      : > "$work/run.out"
      before=""
      [[ $client == wrk ]] && before="$(ticks "${procs[@]}")"
      load "$t" "$c" "$duration" > "$work/run.out" &
      loader=$!
      max_rss=0
      while kill -0 "$loader" 2>/dev/null; do
        if [[ -z "$before" ]] && grep -q '^MEASURING' "$work/run.out"; then
          before="$(ticks "${procs[@]}")"
        fi
        sleep 0.2
        [[ -z "$before" ]] && continue
        now_rss="$(rss_kb "${procs[@]}")"
        (( now_rss > max_rss )) && max_rss=$now_rss
      done
      wait "$loader" || true
      after="$(ticks "${procs[@]}")"
      [[ -n "$before" ]] || before="$after"
      line="$(grep '^RESULT' "$work/run.out" || true)"
      if [[ -z "$line" ]]; then
        echo "run.sh: no result from $t at $c connections" >&2; failed=1; continue
      fi
      req="$(field requests "$line")"
      cpu="-"; rss="-"
      if [[ $req -gt 0 ]]; then
        cpu="$(awk -v d=$((after - before)) -v n="$req" -v hz="$clk_tck" 'BEGIN{printf "%.1f", d*1e6/hz/n}')"
      fi
      rss="$(awk -v k="$max_rss" 'BEGIN{printf "%.0f", k/1024}')"
      errors="$(field errors "$line")"
      [[ $req -gt 0 && $errors == 0 ]] || failed=1
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$c" "$t" "$req" \
        "$(field rps "$line")" "$(field p50_us "$line")" "$(field p99_us "$line")" "$errors" \
        "$cpu" "$rss" >> "$results"
    done
  done
done

# The JFR profile: one more proxy run at the first connection count, after the rounds and
# not counted in them (recording with 1 ms samples costs the proxy CPU).
if [[ -n "$jfr" ]]; then
  c="${connections%% *}"
  # 1 ms execution samples and more allocation samples than the profile's default
  jvm_pid="$(pgrep -P "$proxy_pid" || echo "$proxy_pid")" # the serving JVM: the child if re-launched
  jcmd "$jvm_pid" JFR.start name=load settings=profile method-profiling=max \
    allocation-profiling=high filename="$jfr" >/dev/null
  line="$(load proxy "$c" "$duration" | grep '^RESULT' || true)"
  jcmd "$jvm_pid" JFR.stop name=load >/dev/null
  jfr_requests="$(field requests "$line")"
  echo "# JFR recording of an extra proxy run at $c connections: $jfr ($line)"
fi

echo
echo "## Per run"
column -t -s $'\t' "$results"
echo
echo "## Summary: median of $rounds round(s) (min-max); ratios per round, proxy / nginx"
awk -F'\t' -v targets="${targets[*]}" -v conns="$connections" '
  NR == 1 { next }
  { k = $2 SUBSEP $3; n[k]++; rps[k, n[k]] = $5; p50[k, n[k]] = $6; p99[k, n[k]] = $7
    cpu[k, n[k]] = $9; rss[k, n[k]] = $10; byround[$1, $2, $3] = $0 }
  function med(a, k, m,   i, j, t, v) {
    for (i = 1; i <= m; i++) v[i] = a[k, i] + 0
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    lo = v[1]; hi = v[m]
    return (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
  }
  function range(a, k, m, fmt,   x) { x = med(a, k, m); return sprintf(fmt " (" fmt "-" fmt ")", x, lo, hi) }
  END {
    split(targets, T, " "); split(conns, C, " ")
    printf "%-6s %-7s %-26s %-22s %-22s %-14s %s\n", "conns", "target", "req/s", "p50 ms", "p99 ms", "CPU us/req", "RSS MB (max)"
    for (ci = 1; ci in C; ci++) for (ti = 1; ti in T; ti++) {
      k = C[ci] SUBSEP T[ti]; m = n[k]; if (!m) continue
      for (i = 1; i <= m; i++) { p50ms[k, i] = p50[k, i] / 1000; p99ms[k, i] = p99[k, i] / 1000 }
      c = (T[ti] == "direct") ? "-" : range(cpu, k, m, "%.1f")
      med(rss, k, m); r = (T[ti] == "direct") ? "-" : sprintf("%d", hi)
      printf "%-6s %-7s %-26s %-22s %-22s %-14s %s\n", C[ci], T[ti], range(rps, k, m, "%.0f"),
        range(p50ms, k, m, "%.2f"), range(p99ms, k, m, "%.2f"), c, r
    }
    if (targets !~ /nginx/) exit
    print ""
    printf "%-6s %-22s %-22s %-22s %s\n", "conns", "throughput ratio", "p99 ratio", "CPU/req ratio", "p50 ratio"
    for (ci = 1; ci in C; ci++) {
      m = 0
      for (key in byround) {
        split(key, kk, SUBSEP)
        if (kk[2] != C[ci] || kk[3] != "proxy" || !((kk[1], C[ci], "nginx") in byround)) continue
        split(byround[key], a, "\t"); split(byround[kk[1], C[ci], "nginx"], b, "\t")
        m++; q[1, m] = a[5] / b[5]; q[2, m] = a[7] / b[7]; q[3, m] = (b[9] > 0) ? a[9] / b[9] : 0; q[4, m] = a[6] / b[6]
      }
      if (!m) continue
      printf "%-6s %-22s %-22s %-22s %s\n", C[ci], range(q, 1, m, "%.2f"), range(q, 2, m, "%.2f"), range(q, 3, m, "%.2f"), range(q, 4, m, "%.2f")
    }
  }' "$results"

if [[ $sse == 1 ]]; then
  sse_args=(--streams "$sse_streams" --rounds "$sse_rounds" --warmup "$sse_warmup")
  echo
  echo "## SSE: ${sse_args[*]}, 50 events 10 ms apart per stream (microseconds)"
  sse_targets=(direct proxy)
  [[ $use_nginx == 1 ]] && sse_targets+=(nginx)
  sse_urls=()
  for t in "${sse_targets[@]}"; do
    case "$t" in direct) p="$sse_port" ;; *) p="$(port_of "$t")" ;; esac
    sse_urls+=("$t=http://127.0.0.1:$p/sse/v1/chat/completions")
  done
  java -cp "$bench_jar" -XX:+UseSerialGC io.github.failover4j.benchmarks.load.SseClient \
    "${sse_urls[@]}" "${sse_args[@]}" 2>/dev/null | grep '^SSE' > "$work/sse.out" || true
  declare -A sse_line
  for t in "${sse_targets[@]}"; do
    sse_line[$t]="$(grep " target=$t " "$work/sse.out" || true)"
    if [[ -z "${sse_line[$t]}" ]]; then echo "run.sh: no SSE result from $t" >&2; failed=1; continue; fi
    [[ "$(field errors "${sse_line[$t]}")" == 0 ]] || failed=1
  done
  printf '%-7s %-10s %-10s %-11s %-11s %-16s %-16s %-16s %-16s %s\n' target ttfb_p50 ttfb_p99 event_p50 event_p99 \
    added_ttfb_p50 added_ttfb_p99 added_event_p50 added_event_p99 "streams/events/errors"
  d="${sse_line[direct]:-}"
  for t in "${sse_targets[@]}"; do
    l="${sse_line[$t]:-}"; [[ -n "$l" ]] || continue
    add() { if [[ -n "$d" && $t != direct ]]; then echo $(( $(field "$1" "$l") - $(field "$1" "$d") )); else echo -; fi; }
    printf '%-7s %-10s %-10s %-11s %-11s %-16s %-16s %-16s %-16s %s\n' "$t" \
      "$(field ttfb_p50_us "$l")" "$(field ttfb_p99_us "$l")" "$(field event_p50_us "$l")" "$(field event_p99_us "$l")" \
      "$(add ttfb_p50_us)" "$(add ttfb_p99_us)" "$(add event_p50_us)" "$(add event_p99_us)" \
      "$(field streams "$l")/$(field events "$l")/$(field errors "$l")"
  done
fi

if [[ -n "$jfr" && -n "${jfr_requests:-}" ]]; then
  echo
  echo "## JFR: the proxy, an extra run at ${connections%% *} connections ($jfr)"
  java -cp "$bench_jar" io.github.failover4j.benchmarks.load.JfrSummary "$jfr" \
    --requests "$jfr_requests" 2>/dev/null
fi

echo
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
[[ $keep == 1 ]] && echo "# raw results and logs: $work"
if [[ $failed != 0 ]]; then
  echo "run.sh: some runs failed or saw errors (see above)" >&2
  exit 1
fi
