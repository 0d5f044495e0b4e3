-- wrk script for tests/faults/test_signup_load.py.
-- Each request posts a new address (thread id + counter) to /newsletter/ for
-- the first POST_SECONDS (first script argument); then requests turn into
-- GETs of /healthz (JSON, where every answer to a post is HTML), so the
-- requests wrk cuts off when it is stopped change nothing. Once every post of a thread has its answer, the thread leaves a
-- `finished-<id>` file in the directory given as second argument, and the
-- test stops wrk (SIGINT). Accepted addresses (read back from the answer
-- page) go to one file per thread there too; done() prints the counts.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  post_until = os.time() + tonumber(args[1])
  out_dir = args[2]
  accepted_file = io.open(out_dir .. "/accepted-" .. id .. ".txt", "w")
  finished, checked = false, false
  counter, posted, answered_posts = 0, 0, 0
  s2xx, s3xx, s4xx, s5xx = 0, 0, 0, 0
end

function request()
  -- wrk calls request() once on the first thread to check the script, and
  -- never sends that one: the first request of each thread posts nothing.
  if not checked or os.time() >= post_until then
    checked = true
    return wrk.format("GET", "/healthz")
  end
  counter = counter + 1
  posted = posted + 1
  local email = "carico-" .. id .. "-" .. counter .. "@example.org"
  local body = "email=" .. email:gsub("@", "%%40") .. "&consent=on&page=%2F"
  return wrk.format(
    "POST", "/newsletter/", { ["Content-Type"] = "application/x-www-form-urlencoded" }, body
  )
end

function response(status, headers, body)
  if status >= 500 then s5xx = s5xx + 1
  elseif status >= 400 then s4xx = s4xx + 1
  elseif status >= 300 then s3xx = s3xx + 1
  else s2xx = s2xx + 1 end
  if body:sub(1, 1) ~= "{" then
    answered_posts = answered_posts + 1
    local email = body:match("indirizzo <strong[^>]*>([^<]+)</strong>")
    if email and status < 300 then
      accepted_file:write(email, "\n")
      accepted_file:flush()
    end
  end
  if not finished and os.time() >= post_until and answered_posts == posted then
    finished = true
    io.open(out_dir .. "/finished-" .. id, "w"):close()
  end
end

function done(summary, latency, requests)
  local total = { posted = 0, answered_posts = 0, s2xx = 0, s3xx = 0, s4xx = 0, s5xx = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(total) do
      total[name] = total[name] + thread:get(name)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_ms": %.2f, "p99_ms": %.2f, '
      .. '"posted": %d, "answered_posts": %d, "2xx": %d, "3xx": %d, "4xx": %d, "5xx": %d, '
      .. '"socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, total.posted, total.answered_posts, total.s2xx, total.s3xx,
    total.s4xx, total.s5xx, e.connect + e.read + e.write + e.timeout
  ))
end
