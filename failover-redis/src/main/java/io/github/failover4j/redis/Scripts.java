package io.github.failover4j.redis;

/**
 * The Lua scripts that keep the fleet's state consistent: each runs atomically on the server,
 * so a check and the write it guards cannot interleave with another replica's. Every key one
 * script touches shares the pool's hash tag, so the scripts run on Cluster too.
 */
final class Scripts {
  private Scripts() {}

  /** Outcome codes of {@link #WRITE}. */
  static final long WRITTEN = 1;
  static final long OLDER = 0;
  static final long NOT_LEASE_HOLDER = 2;

  /**
   * Writes a token's state unless the stored version is the same or newer ({@link #OLDER}), or
   * the state is a probe's restore and the writer's lease is no longer the live one ({@link
   * #NOT_LEASE_HOLDER}); both return the stored fields after the code. A state other than
   * {@code EJECTED} ends the token's probe lease. Publishes what it wrote.
   *
   * <p>KEYS: token hash, lease. ARGV: the 7 fields of {@link States#FIELDS}, TTL (ms), the
   * lease the writer must hold ({@code ""}: none), channel, fingerprint.
   */
  static final String WRITE = """
      local cur = redis.call('HMGET', KEYS[1], 'v', 's', 'a', 'u', 'l', 'p', 'r')
      local function stored(code)
        local out = {code}
        for i = 1, 7 do out[i + 1] = cur[i] or '' end
        return out
      end
      if cur[1] and tonumber(cur[1]) >= tonumber(ARGV[1]) then return stored(0) end
      if ARGV[9] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[9] then return stored(2) end
      redis.call('HSET', KEYS[1], 'v', ARGV[1], 's', ARGV[2], 'a', ARGV[3], 'u', ARGV[4],
          'l', ARGV[5], 'p', ARGV[6], 'r', ARGV[7])
      redis.call('PEXPIRE', KEYS[1], ARGV[8])
      if ARGV[2] ~= 'EJECTED' then redis.call('DEL', KEYS[2]) end
      redis.call('PUBLISH', ARGV[10], ARGV[11] .. '|' .. table.concat(ARGV, '|', 1, 7))
      return {1}
      """;

  /**
   * Reads the stored fields of every token hash in KEYS (7 per key, {@code ""} when absent)
   * and extends the TTL of those that exist (ARGV[1], ms): a pool some replica still runs
   * keeps its state; a retired pool's state expires.
   */
  static final String READ = """
      local out = {}
      for i, k in ipairs(KEYS) do
        local f = redis.call('HMGET', k, 'v', 's', 'a', 'u', 'l', 'p', 'r')
        if f[1] then redis.call('PEXPIRE', k, ARGV[1]) end
        for j = 1, 7 do out[(i - 1) * 7 + j] = f[j] or '' end
      end
      return out
      """;

  /**
   * Takes or renews a token's probe lease: {@code SET NX PX} with a value {@code
   * replica#fence}, the fence a counter that grows with every new lease, so a restore by an
   * earlier holder is told apart. Returns the live lease value when this replica holds it,
   * nil when another one does, or when the stored state says the token is back in rotation:
   * a replica whose probe timer fired with everyone's asks late, after the holder's restore
   * ended the lease, and must not start a lease (and a probe) on a token no longer out.
   *
   * <p>KEYS: lease, fence counter, token hash. ARGV: replica id, lease time (ms), TTL of the
   * counter (ms).
   */
  static final String LEASE = """
      local s = redis.call('HGET', KEYS[3], 's')
      if s and s ~= 'EJECTED' then return false end
      local v = redis.call('GET', KEYS[1])
      if v then
        if string.sub(v, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. '#' then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return v
        end
        return false
      end
      local n = redis.call('INCR', KEYS[2])
      redis.call('PEXPIRE', KEYS[2], ARGV[3])
      local val = ARGV[1] .. '#' .. n
      if redis.call('SET', KEYS[1], val, 'NX', 'PX', ARGV[2]) then return val end
      return false
      """;

  /** Ends a lease if ARGV[1] is still its value (a graceful release). KEYS: lease. */
  static final String RELEASE = """
      if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
      return 0
      """;
}
