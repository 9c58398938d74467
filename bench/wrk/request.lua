-- One fixed request, repeated: wrk -s bench/wrk/request.lua URL
--   BENCH_METHOD     GET or POST (default POST)
--   BENCH_BODY_FILE  file whose bytes are the request body (a SOAP envelope)
--   BENCH_OUT        where done() writes the summary as one JSON object
-- Headers (Content-Type, SOAPAction, the ASP.NET_SessionId cookie, Authorization) come from
-- wrk's -H options, so this script needs no knowledge of SOAP.

wrk.method = os.getenv("BENCH_METHOD") or "POST"
local body_file = os.getenv("BENCH_BODY_FILE")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
end

function done(summary, latency, requests)
  local path = os.getenv("BENCH_OUT")
  if not path or path == "" then return end
  local out = assert(io.open(path, "w"))
  local e = summary.errors
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
  out:close()
end
