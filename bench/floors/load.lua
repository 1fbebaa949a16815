-- The listener bench's load under wrk: signed Zadarma NOTIFY_END callbacks, each with a unique ?n= number.
-- wrk -t1 -cC -dS -s bench/floors/load.lua URL -- FIRST BODY SIGNATURE
-- The signature covers the body's fields only, so one body and one signature serve every request; the number
-- rides in the query. done() prints one JSON line: sent (requests made), ok (answered below 400, as wrk counts),
-- the first number and the errors wrk saw.

first, counter = 0, 0  -- globals: done() reads them from each thread
local body, signature = "", ""

index = 0  -- set per thread by setup(): each thread numbers its own block

function init(args)
  first = tonumber(args[1]) + index * 10000000
  counter = first
  body = args[2]
  signature = args[3]
end

function request()
  counter = counter + 1
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Signature"] = signature }
  return wrk.format("POST", wrk.path .. "?n=" .. counter, headers, body)
end

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local sent, lowest = 0, nil
  for _, thread in ipairs(threads) do
    local made = thread:get("counter") - thread:get("first")
    sent = sent + made
    lowest = lowest or thread:get("first")
  end
  local e = summary.errors
  local failed = e.connect + e.read + e.write + e.timeout + e.status
  io.write(string.format(
    '{"sent": %d, "completed": %d, "ok": %d, "first": %d, "seconds": %.6f, "errors": %d}\n',
    sent, summary.requests, summary.requests - e.status, lowest or 0, summary.duration / 1e6, failed))
end
