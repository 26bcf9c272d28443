-- wrk script for scripts/bench-server.sh: each request is PATH with %FROM% replaced by a uniformly
-- random step in [0, MAXSTEP) (a page of history, or memory, from anywhere in the trace); at the end
-- prints the requests, the failures and the latency percentiles in milliseconds.
--   wrk -c N -d S -s random-step.lua URL -- PATH MAXSTEP
local template, max_step

function init(args)
  template = args[1]
  max_step = tonumber(args[2])
  -- each wrk thread has its own Lua state: seed them apart
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
end

function request()
  return wrk.format("GET", (template:gsub("%%FROM%%", tostring(math.random(0, max_step - 1)))))
end

function done(summary, latency, requests)
  local failed = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout
  io.write(string.format("requests %d in %.1f s: %.0f/s, %.1f KiB per answer, errors %d\n", summary.requests,
    summary.duration / 1e6, summary.requests / (summary.duration / 1e6), summary.bytes / 1024 / math.max(1, summary.requests), failed))
  io.write(string.format("latency ms: p50 %.1f  p95 %.1f  p99 %.1f  max %.1f\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
