-- wrk script for the rating-form benchmark (bench/surveys_bench.py submit).
--
-- * Every request POSTs one rating to wrk.path with the CSRF cookie and token of one earlier
--   GET; the bodies come from BENCH_BODIES_FILE (one urlencoded form per line) in turn, so the
--   answers vary (a few poor ratings open cases, some comments are masked).
-- * Each request carries a User-Agent of its own: a distinct client for the rate limit and for
--   the one-rating-a-day rule, as hundreds of residents' phones would be.
-- * A stored rating answers 302 (to the thank-you page); anything else is counted as refused.
-- * done() writes a JSON summary to BENCH_WRK_OUT: req/s, stored (302) and refused counts,
--   p50/p95/p99 latency in ms.

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

stored = 0
refused = 0
first_refusal = 0
sent = 0
bodies = {}

function init(args)
  for line in io.lines(os.getenv("BENCH_BODIES_FILE")) do
    if line ~= "" then
      table.insert(bodies, line)
    end
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
end

function request()
  sent = sent + 1
  local body = bodies[(sent + id) % #bodies + 1]
  wrk.headers["User-Agent"] = string.format("Mozilla/5.0 (bench resident %d-%d)", id, sent)
  return wrk.format("POST", wrk.path, wrk.headers, body)
end

function response(status, headers, body)
  if status == 302 then
    stored = stored + 1
  else
    refused = refused + 1
    if first_refusal == 0 then
      first_refusal = status
    end
  end
end

function done(summary, latency, requests)
  local ok, bad, first = 0, 0, 0
  for _, thread in ipairs(threads) do
    ok = ok + (thread:get("stored") or 0)
    bad = bad + (thread:get("refused") or 0)
    local status = thread:get("first_refusal") or 0
    if first == 0 and status ~= 0 then
      first = status
    end
  end
  local seconds = summary.duration / 1e6
  local p50, p95, p99 = 0, 0, 0
  if summary.requests > 0 then
    p50 = latency:percentile(50) / 1000.0
    p95 = latency:percentile(95) / 1000.0
    p99 = latency:percentile(99) / 1000.0
  end
  local e = summary.errors
  local json = string.format(
    '{"requests": %d, "duration_s": %.3f, "rps": %.2f, "stored": %d, "stored_per_s": %.2f, '
      .. '"refused": %d, "first_refusal": %d, "p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, '
      .. '"socket_errors": %d}',
    summary.requests, seconds, summary.requests / seconds, ok, ok / seconds,
    bad, first, p50, p95, p99, e.connect + e.read + e.write + e.timeout
  )
  local f = assert(io.open(os.getenv("BENCH_WRK_OUT"), "w"))
  f:write(json, "\n")
  f:close()
  io.write(string.format("stored %d ratings, %.1f/s\n", ok, ok / seconds))
end
