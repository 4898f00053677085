-- wrk script for bench/load.sh: GETs the paths listed (one a line) in the file named by
-- $PKGSTATS_LOAD_URLS, round-robin from a random start per connection thread, and prints
-- one machine-readable summary line at the end.
local paths = {}
for line in io.lines(os.getenv("PKGSTATS_LOAD_URLS")) do paths[#paths + 1] = line end
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init()
  math.randomseed(id * 7919 + 1)
  index = math.random(#paths)
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "LOAD requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.1f " ..
    "connect_err=%d read_err=%d write_err=%d timeouts=%d non2xx3xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, e.status))
end
