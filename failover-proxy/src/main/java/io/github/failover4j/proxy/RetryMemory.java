package io.github.failover4j.proxy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory all requests together may keep for retries ({@code limits.retryBufferBytes}):
 * bytes are reserved before a body chunk is kept and given back when the exchange ends. A
 * request whose body does not fit is sent once, not retried. Lock-free.
 */
final class RetryMemory {
  private final long capacity;
  private final AtomicLong used = new AtomicLong();

  RetryMemory(long capacity) {
    this.capacity = capacity;
  }

  /** Reserves {@code bytes}; false, reserving nothing, when they do not fit. */
  boolean reserve(long bytes) {
    long u;
    do {
      u = used.get();
      if (bytes > capacity - u) {
        return false;
      }
    } while (!used.compareAndSet(u, u + bytes));
    return true;
  }

  /** Gives back {@code bytes} reserved earlier. */
  void release(long bytes) {
    if (bytes != 0) {
      used.addAndGet(-bytes);
    }
  }

  /** Bytes reserved now. */
  long used() {
    return used.get();
  }
}
