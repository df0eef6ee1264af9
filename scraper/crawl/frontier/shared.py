"""The crawl's shared state in Redis: who takes part, who is idle, when the crawl is over.

Keys, for one source (`BASE` = PREFIX:SOURCE, e.g. `bulletins:gyeonggi-en`):

- `BASE:requests`   the queue (sorted set; scrapy-redis's PriorityQueue layout)
- `BASE:seq`        a counter giving pushes an order within a priority
- `BASE:dupefilter` fingerprints of every request scheduled in this crawl (set)
- `BASE:alive`      workers, scored by when their heartbeat runs out (sorted set)
- `BASE:idle`       workers with nothing to do (set)
- `BASE:facts`      each worker's account of its part (hash: worker -> JSON), or that it was lost

A crawl is over when the queue is empty and every live worker is idle: new requests only come from
responses being processed, and an idle worker has none. Popping a request and leaving the idle set
are one step (a Lua script), so no worker can look idle while it holds work. The last worker to
leave deletes the keys; a worker joining when no live worker is left starts a new crawl (so a
crawl whose processes were all killed leaves nothing behind that could filter the next one).
Each script runs atomically on the server; times come from the server's clock.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

# Pruning workers whose heartbeat ran out (killed, or a machine gone): the requests they had
# taken are lost to this crawl, which their facts now say, so the crawl is not taken as complete.
_PRUNE = """
local now = tonumber(redis.call('TIME')[1])
for _, w in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)) do
  redis.call('ZREM', KEYS[3], w)
  redis.call('SREM', KEYS[4], w)
  redis.call('HSET', KEYS[5], w, '{"lost": true}')
end
"""

# KEYS: requests, dupefilter, alive, idle, facts, seq   ARGV: worker, ttl
_JOIN = _PRUNE + """
local fresh = 0
if redis.call('ZCARD', KEYS[3]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[4], KEYS[5], KEYS[6])
  fresh = 1
end
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), ARGV[1])
return {fresh, redis.call('ZCARD', KEYS[3])}
"""

# KEYS: requests, dupefilter, alive, idle, facts, seq   ARGV: worker, ttl, facts JSON
_IDLE = _PRUNE + """
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), ARGV[1])
redis.call('SADD', KEYS[4], ARGV[1])
redis.call('HSET', KEYS[5], ARGV[1], ARGV[3])
if redis.call('ZCARD', KEYS[1]) > 0 then
  return false
end
for _, w in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
  if redis.call('SISMEMBER', KEYS[4], w) == 0 then
    return false
  end
end
return redis.call('HVALS', KEYS[5])
"""

# KEYS: requests, dupefilter, alive, idle, facts, seq   ARGV: worker
_LEAVE = _PRUNE + """
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('SREM', KEYS[4], ARGV[1])
if redis.call('ZCARD', KEYS[3]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[4], KEYS[5], KEYS[6])
  return 1
end
return 0
"""

# KEYS: alive   ARGV: worker, ttl
_HEARTBEAT = """
local now = tonumber(redis.call('TIME')[1])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
"""

# KEYS: requests, seq   ARGV: priority, request
# Lower scores pop first: higher priority first, and within one priority the newest first, as
# Scrapy's own memory queue does (a listing's next page, yielded last, is fetched early).
_PUSH = """
local n = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], -tonumber(ARGV[1]) * 1e13 - n, ARGV[2])
"""

# KEYS: requests, idle   ARGV: worker
_POP = """
local first = redis.call('ZRANGE', KEYS[1], 0, 0)
if #first == 0 then
  return false
end
redis.call('ZREM', KEYS[1], first[1])
redis.call('SREM', KEYS[2], ARGV[1])
return first[1]
"""


@dataclass(frozen=True)
class Keys:
    requests: str
    dupefilter: str
    alive: str
    idle: str
    facts: str
    seq: str

    @classmethod
    def of(cls, prefix: str, source: str) -> "Keys":
        base = f"{prefix}:{source}"
        return cls(*(f"{base}:{name}" for name in ("requests", "dupefilter", "alive", "idle", "facts", "seq")))

    def all(self) -> list[str]:
        return [self.requests, self.dupefilter, self.alive, self.idle, self.facts, self.seq]


class SharedCrawl:
    """One worker's handle on the crawl's shared state (`server`: a redis-py client)."""

    def __init__(self, server, keys: Keys, worker: str, ttl: int):
        self.server = server
        self.keys = keys
        self.worker = worker
        self.ttl = ttl
        self._join = server.register_script(_JOIN)
        self._idle = server.register_script(_IDLE)
        self._leave = server.register_script(_LEAVE)
        self._heartbeat = server.register_script(_HEARTBEAT)
        self._push = server.register_script(_PUSH)
        self._pop = server.register_script(_POP)

    def join(self) -> tuple[bool, int]:
        """Take part: (whether this starts a new crawl, how many live workers now)."""
        fresh, workers = self._join(keys=self.keys.all(), args=[self.worker, self.ttl])
        return bool(fresh), int(workers)

    def heartbeat(self) -> None:
        self._heartbeat(keys=[self.keys.alive], args=[self.worker, self.ttl])

    def push(self, data: bytes, priority: int) -> None:
        self._push(keys=[self.keys.requests, self.keys.seq], args=[priority, data])

    def pop(self) -> bytes | None:
        """The next request, taken as busy (out of the idle set) in the same step; None if empty."""
        return self._pop(keys=[self.keys.requests, self.keys.idle], args=[self.worker])

    def idle(self, facts: dict) -> list[dict] | None:
        """Say this worker has nothing to do; when the whole crawl is over, every worker's facts."""
        done = self._idle(keys=self.keys.all(), args=[self.worker, self.ttl, json.dumps(facts)])
        if done is None:
            return None
        return [json.loads(value) for value in done]

    def leave(self) -> bool:
        """Stop taking part; True when this was the last worker (the keys are gone)."""
        return bool(self._leave(keys=self.keys.all(), args=[self.worker]))
