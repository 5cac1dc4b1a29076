/**
 * The JDK {@link java.net.http.HttpClient} adapter of failover4j. The public types are {@link
 * io.github.failover4j.http.jdk.FailoverHttpClient} (the request path), {@link
 * io.github.failover4j.http.jdk.JdkTransport} (probes, scheduler and ticker for a {@link
 * io.github.failover4j.core.TokenPool}) and {@link
 * io.github.failover4j.http.jdk.JdkTransportProvider} (the {@code jdk} transport found by
 * {@link java.util.ServiceLoader}); everything else is package-private.
 */
package io.github.failover4j.http.jdk;
