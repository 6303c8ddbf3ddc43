-- wrk script for the portal benchmark.
--
-- * If BENCH_PATHS_FILE names a file of paths (one per line), requests cycle through them, so
--   an uncached run does not keep hitting one URL (and one set of warm database pages).
-- * Counts responses that are not 2xx: wrk itself only counts >= 400 as errors, and a redirect
--   or an error page served quickly would otherwise look like a fast page.
-- * done() writes a JSON summary (req/s and p50/p95/p99 latency in ms) to BENCH_WRK_OUT,
--   because wrk's --latency output has no p95.

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- Per-thread globals (each wrk thread has its own Lua state; done() reads them via thread:get).
non2xx = 0
first_bad_status = 0
paths = nil
npaths = 1
position = 0

function init(args)
  local file = os.getenv("BENCH_PATHS_FILE")
  if file ~= nil and file ~= "" then
    local list = {}
    for line in io.lines(file) do
      if line ~= "" then
        table.insert(list, line)
      end
    end
    if #list > 0 then
      paths = list
      npaths = #list
      -- Threads start at different offsets so they do not walk the list in lockstep.
      position = ((id - 1) * math.floor(#list / 2)) % #list
    end
  end
end

function request()
  if paths ~= nil then
    position = position % #paths + 1
    return wrk.format(nil, paths[position])
  end
  return wrk.format(nil, wrk.path)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_bad_status == 0 then
      first_bad_status = status
    end
  end
end

function done(summary, latency, requests)
  local bad = 0
  local bad_status = 0
  local visited = 1
  for _, thread in ipairs(threads) do
    visited = thread:get("npaths") or visited
    bad = bad + (thread:get("non2xx") or 0)
    local status = thread:get("first_bad_status") or 0
    if bad_status == 0 and status ~= 0 then
      bad_status = status
    end
  end
  local seconds = summary.duration / 1e6
  local function ms(us)
    return us / 1000.0
  end
  local p50, p95, p99, max, mean = 0, 0, 0, 0, 0
  if summary.requests > 0 then
    p50 = ms(latency:percentile(50))
    p95 = ms(latency:percentile(95))
    p99 = ms(latency:percentile(99))
    max = ms(latency.max)
    mean = ms(latency.mean)
  end
  local e = summary.errors
  local json = string.format(
    '{"requests": %d, "duration_s": %.3f, "rps": %.2f, "bytes": %d, '
      .. '"p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "mean_ms": %.3f, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"non_2xx": %d, "first_bad_status": %d, "paths": %d}',
    summary.requests, seconds, summary.requests / seconds, summary.bytes,
    p50, p95, p99, max, mean,
    e.connect, e.read, e.write, e.status, e.timeout,
    bad, bad_status, visited
  )
  local out = os.getenv("BENCH_WRK_OUT")
  if out ~= nil and out ~= "" then
    local f = assert(io.open(out, "w"))
    f:write(json, "\n")
    f:close()
  end
  io.write(string.format("p95 latency: %.2f ms\n", p95))
end
