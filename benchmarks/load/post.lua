-- wrk script of benchmarks/load/run.sh: the chat-completion POST an OpenAI client sends, and
-- one machine-readable line at the end (latencies in microseconds), the same line the Java
-- load generator (io.github.failover4j.benchmarks.load.LoadGenerator) prints.
wrk.method = "POST"
wrk.body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hi in five words."}],"max_tokens":16}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["User-Agent"] = "OpenAI/Python 1.54.0"
wrk.headers["Authorization"] = "Bearer sk-client-load-test"

-- run.sh --body-bytes N: the same request padded to N bytes (the user message grows)
local n = tonumber(os.getenv("BODY_BYTES") or "0") or 0
if n > 0 then
  local head = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"'
  local tail = '"}],"max_tokens":16}'
  wrk.body = head .. string.rep("a", math.max(0, n - #head - #tail)) .. tail
end

done = function(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d seconds=%.3f rps=%.1f p50_us=%d p99_us=%d errors=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50),
    latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
