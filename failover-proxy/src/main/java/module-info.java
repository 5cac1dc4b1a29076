/**
 * The failover4j proxy: an OpenAI-compatible reverse proxy with token failover, run with
 * {@code java -jar failover-proxy.jar}. An application, not a library: it exports nothing.
 */
module io.github.failover4j.proxy {
  requires io.github.failover4j.netty;
  requires io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.codec.http;
  requires io.netty.transport;
  requires io.netty.transport.classes.epoll; // Transport: epoll when available
  requires com.fasterxml.jackson.databind;
  requires java.logging;
  requires java.management; // Relaunch: the JVM's input arguments
  requires java.net.http;
  requires jdk.unsupported; // sun.misc.Signal: reload on SIGHUP
  requires io.github.failover4j.micrometer;
  requires io.github.failover4j.redis;
  requires micrometer.core;
  requires micrometer.registry.prometheus;
}
