-- wrk script for the screen-pop benchmark (bench/run.sh).
--   wrk ... -s bench/lookup.lua URL -- MODE LINES_FILE API_KEY
-- MODE "lookup": GET /api/v1/lookup?phone=<next line>, rotating through LINES_FILE (phone
--                numbers, one a line); each thread starts at a different offset.
-- MODE "static": GET /lookup-sample.json with the same headers (the baseline).
-- MODE "search": GET /api/v1/search?q=<next line> (URL-encoded queries, one a line).
-- All send the X-API-Key header. done() prints "WRK key=value" lines for run.sh.

local counter = 1
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1] or "lookup"
  lines = {}
  for line in io.lines(args[2]) do
    if #line > 0 then lines[#lines + 1] = line end
  end
  if #lines == 0 then error("no lines in " .. tostring(args[2])) end
  headers = { ["X-API-Key"] = args[3], ["Accept"] = "application/json" }
  counter = ((id or 1) - 1) * math.floor(#lines / 2) + 1
end

function request()
  local path
  if mode == "static" then
    path = "/lookup-sample.json"
  else
    local prefix = mode == "search" and "/api/v1/search?q=" or "/api/v1/lookup?phone="
    path = prefix .. lines[(counter - 1) % #lines + 1]
    counter = counter + 1
  end
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("WRK requests=%d\n", summary.requests))
  io.write(string.format("WRK seconds=%.3f\n", seconds))
  io.write(string.format("WRK rps=%.1f\n", summary.requests / seconds))
  io.write(string.format("WRK p50_ms=%.3f\n", latency:percentile(50) / 1000))
  io.write(string.format("WRK p99_ms=%.3f\n", latency:percentile(99) / 1000))
  io.write(string.format("WRK max_ms=%.3f\n", latency.max / 1000))
  io.write(string.format("WRK errors=%d\n", e.connect + e.read + e.write + e.status + e.timeout))
  io.write(string.format("WRK status_errors=%d\n", e.status))
end
