-- The read benchmark's requests for wrk (make bench, issue 7):
--   wrk -s bench/read.lua URL -- TOKEN ID,ID,...
-- Every request reads one person, GET /api/v1/persons/{id}, as the caseworker
-- whose session TOKEN is; the ids (persons of that caseworker's organisation)
-- are taken in turn, each thread from its own starting point. The same
-- requests go to the bare baseline server, which ignores them.
-- At the end, one line of JSON on standard output for bench/run.

local token, ids, pos = nil, {}, 0
local threads = {}

function setup(thread)
	thread:set("start", #threads * 7919)
	table.insert(threads, thread)
end

function init(args)
	token = args[1]
	for id in string.gmatch(args[2] or "", "%d+") do
		ids[#ids + 1] = id
	end
	if token == nil or #ids == 0 then
		error("usage: wrk -s read.lua URL -- TOKEN ID,ID,...")
	end
	pos = (tonumber(start) or 0) % #ids
	wrk.headers["Authorization"] = "Bearer " .. token
end

function request()
	pos = pos % #ids + 1
	return wrk.format("GET", "/api/v1/persons/" .. ids[pos])
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		'BENCH-JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,' ..
		'"write_errors":%d,"status_errors":%d,"timeouts":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
		summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
		latency:percentile(50), latency:percentile(99), latency.max))
end
