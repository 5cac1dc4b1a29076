/**
 * The Netty adapter of failover4j: {@link io.github.failover4j.netty.FailoverClientHandler}
 * for a gateway's upstream channels, {@link io.github.failover4j.netty.NettyProber} for
 * health-check probes, {@link io.github.failover4j.netty.EventLoopScheduler} as the engine's
 * timer, and the {@code netty} transport ({@link io.github.failover4j.netty.NettyTransport}).
 */
package io.github.failover4j.netty;
