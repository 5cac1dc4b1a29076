package io.github.failover4j.proxy;

import io.github.failover4j.core.FailoverRegistry;
import io.github.failover4j.core.TokenPool;
import io.github.failover4j.netty.EventLoopScheduler;
import io.github.failover4j.netty.NettyProber;
import io.github.failover4j.netty.internal.ClientChannels;
import io.github.failover4j.netty.internal.Endpoint;
import io.github.failover4j.spi.Scheduler;
import io.github.failover4j.spi.Ticker;
import io.github.failover4j.spi.TokenListener;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The OpenAI-compatible failover proxy: routes each request by path prefix to a provider,
 * sends it upstream with one of the provider's healthy tokens, retries failures on other
 * tokens, probes ejected tokens and restores them, and shows every token's state at {@code
 * GET /_failover/status}.
 *
 * <pre>{@code
 * try (FailoverProxy proxy = FailoverProxy.builder(GatewayConfig.load(path))
 *     .listen(new InetSocketAddress("127.0.0.1", 8080)).start()) {
 *   proxy.terminated().join();
 * }
 * }</pre>
 *
 * <p>Engine time is injectable ({@link Builder#scheduler}, {@link Builder#ticker}) so tests
 * drive probes and restores with a manual clock.
 */
public final class FailoverProxy implements AutoCloseable {
  /** How long {@link #close()} lets requests in flight finish. */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Transport transport;
  private final FailoverRegistry registry = new FailoverRegistry();
  // ---- service hooks (ops): the configuration in force, swapped whole on reload
  private volatile Routing routing;
  private final io.github.failover4j.core.Outages outages;
  private final Service service;
  // ----
  private final UpstreamConnections connections;
  private final Scheduler scheduler;
  private final Ticker ticker;
  private final Limits limits;
  private final RetryMemory retryMemory;
  private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private final Channel server;
  private final java.util.function.Function<ProviderConfig, TokenPool> newPool;
  private final ClientGuard guard;
  private final ProxyFleet fleet; // fleet hook: one RedisFleet for the proxy's life
  private volatile boolean closing;

  private FailoverProxy(Builder b) throws InterruptedException {
    transport = b.transport != null ? b.transport : Transport.choose();
    boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("proxy-accept"),
        transport.ioHandlerFactory());
    workers = new MultiThreadIoEventLoopGroup(b.threads, new DefaultThreadFactory("proxy-io"),
        transport.ioHandlerFactory());
    ProxyFleet started = null;
    try {
      SslContext ssl = b.ssl == null ? ClientChannels.defaultSslContext() : b.ssl;
      limits = b.config.limits();
      retryMemory = new RetryMemory(limits.retryBufferBytes());
      ticker = b.ticker;
      scheduler = b.scheduler == null ? new EventLoopScheduler(workers) : b.scheduler;
      connections = new UpstreamConnections(ssl, limits, ticker, scheduler, transport);
      service = new Service(this, b.configFile, b.operatorLog, b.accessLogSink);
      List<TokenListener> listeners = new ArrayList<>(b.listeners);
      listeners.addAll(service.listeners());
      fleet = started = ProxyFleet.start(b.config.service().fleet());
      newPool = p -> {
        TokenPool.Builder pool = p.poolBuilder()
            .prober(NettyProber.builder(workers).channelType(transport.socketChannel())
                .sslContext(ssl).build())
            .scheduler(scheduler)
            .ticker(b.ticker);
        listeners.forEach(pool::listener);
        return fleet.attach(pool).build();
      };
      io.github.failover4j.core.Outages.Builder outageBuilder =
          io.github.failover4j.core.Outages.builder().outageCooldown(b.config.outageCooldown());
      b.outageListeners.forEach(outageBuilder::listener);
      outages = outageBuilder.build();
      routing = Routing.build(b.config, newPool, registry, outages);
      service.metrics().refresh(); // the pools' token meters
      service.metrics().outages(outages);
      ClientLimits clientLimits = b.clientLimits != null ? b.clientLimits : b.config.clientLimits();
      guard = new ClientGuard(clientLimits);
      HttpDecoderConfig decoding = new HttpDecoderConfig()
          .setMaxChunkSize(MAX_BODY_CHUNK_BYTES)
          .setMaxInitialLineLength(MAX_REQUEST_LINE_BYTES)
          .setMaxHeaderSize(clientLimits.maxHeaderBytes());
      ChannelFuture bound = new ServerBootstrap()
          .group(boss, workers)
          .channel(transport.serverChannel())
          .handler(new AcceptBackoff())
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              if (!guard.admit(ch)) {
                return;
              }
              clients.add(ch);
              ClientGuard.Tracker tracker = guard.tracker();
              ch.pipeline().addLast(tracker.first(), new HttpServerCodec(decoding), tracker,
                  new HttpServerKeepAliveHandler(), new HttpServerExpectContinueHandler(),
                  new RequestObserver(service), // ops hook: metrics and access log
                  new FrontendHandler(FailoverProxy.this, tracker));
            }
          })
          .bind(b.address).await();
      if (!bound.isSuccess()) {
        throw new IllegalStateException("cannot listen on " + show(b.address) + ": "
            + describe(bound.cause()), bound.cause());
      }
      server = bound.channel();
    } catch (Throwable e) {
      shutdownGroups();
      registry.close();
      if (started != null) {
        started.close();
      }
      throw e;
    }
  }

  /** The longest request line (method, target, version) accepted; longer gets 414. */
  static final int MAX_REQUEST_LINE_BYTES = 8192;

  /**
   * The largest piece a request body is decoded in (Netty's default is 8 KiB): a socket read
   * of up to 64 KiB becomes one chunk, relayed upstream in one write.
   */
  static final int MAX_BODY_CHUNK_BYTES = 64 * 1024;

  private static String show(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  /** A failure's message, or what it is when it has none (e.g. an unresolved address). */
  static String describe(Throwable t) {
    if (t instanceof java.nio.channels.UnresolvedAddressException) {
      return "the host name cannot be resolved";
    }
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      return t.getClass().getSimpleName();
    }
    // epoll says "bind(..) failed with error(-98): Address already in use": keep what NIO says
    return m.replaceFirst("^\\w+\\(\\.\\.\\) failed with error\\(-?\\d+\\): ", "");
  }

  /** Client connections open now. */
  int openConnections() {
    return guard.open();
  }

  /** A builder for a proxy of {@code config}'s providers. */
  public static Builder builder(GatewayConfig config) {
    return new Builder(config);
  }

  /** The address the proxy listens on (with the actual port when it was 0). */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** The pool of every provider, by provider name. */
  public FailoverRegistry registry() {
    return registry;
  }

  /** Completes when the proxy has shut down. */
  public CompletableFuture<Void> terminated() {
    return terminated;
  }

  List<Route> routes() {
    return routing.routes();
  }

  /** The configuration in force; read it once per request. */
  Routing routing() {
    return routing;
  }

  /** The proxy's fleet (a no-op without {@code fleet:}). */
  ProxyFleet fleet() {
    return fleet;
  }

  /** The proxy's service side: client keys, admin endpoints, metrics, access log, reload. */
  Service service() {
    return service;
  }

  /**
   * Applies a new configuration without a restart: tokens that stay keep their state, removed
   * ones stop being probed, new ones start healthy; providers are added and removed; requests
   * in flight finish on the old configuration. The listen address is not changed. The
   * configuration must be valid ({@link GatewayConfig#parse} checks it).
   */
  public void reload(GatewayConfig config) {
    Objects.requireNonNull(config, "config");
    synchronized (newPool) {
      if (!config.outageCooldown().equals(outages.outageCooldown())) {
        service.log("outageCooldown: a change takes effect on restart; it stays "
            + outages.outageCooldown());
      }
      routing = routing.apply(config, newPool, registry, outages, service::log);
      fleet.reloaded(config.service().fleet(), service::log);
      service.metrics().refresh();
    }
  }

  /** The outage state of every route target (SPEC §9). */
  io.github.failover4j.core.Outages outages() {
    return outages;
  }

  UpstreamConnections connections() {
    return connections;
  }

  Scheduler scheduler() {
    return scheduler;
  }

  /** The clock of the engine and of the upstream timeouts. */
  /** The transport of its event loops: epoll or NIO. */
  Transport transport() {
    return transport;
  }

  Ticker ticker() {
    return ticker;
  }

  Limits limits() {
    return limits;
  }

  /** Request bodies kept for retries, all requests together. */
  RetryMemory retryMemory() {
    return retryMemory;
  }

  boolean closing() {
    return closing;
  }

  /**
   * Stops accepting connections, lets requests in flight finish for up to {@code grace}, then
   * closes everything. Idempotent; returns {@link #terminated()}.
   */
  public CompletableFuture<Void> shutdown(Duration grace) {
    synchronized (terminated) {
      if (closing) {
        return terminated;
      }
      closing = true;
    }
    server.close().addListener(f -> {
      for (Channel ch : clients) {
        FrontendHandler front = ch.pipeline().get(FrontendHandler.class);
        ch.eventLoop().execute(() -> {
          if (front != null) {
            front.closeIfIdle();
          }
        });
      }
      GlobalEventExecutor.INSTANCE.schedule(this::forceClose, grace.toMillis(),
          TimeUnit.MILLISECONDS);
      watchClients();
    });
    return terminated;
  }

  /** Finishes once the last client connection is closed. */
  private void watchClients() {
    if (clients.isEmpty()) {
      finish();
      return;
    }
    for (Channel ch : clients) {
      ch.closeFuture().addListener(f -> {
        if (clients.isEmpty()) {
          finish();
        }
      });
    }
  }

  private void forceClose() {
    clients.close().addListener(f -> finish());
  }

  private void finish() {
    if (terminated.isDone()) {
      return;
    }
    service.close();
    outages.close();
    registry.close();
    fleet.close(); // after the pools: their links are closed
    connections.closeIdle();
    shutdownGroups().addListener(f -> terminated.complete(null));
  }

  private io.netty.util.concurrent.Future<?> shutdownGroups() {
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    return workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** Shuts down with {@link #DEFAULT_GRACE} and waits for it. */
  @Override
  public void close() {
    shutdown(DEFAULT_GRACE).join();
  }

  @Override
  public String toString() {
    return "FailoverProxy[" + server.localAddress() + ", " + routing.routes().size()
        + " providers]";
  }

  /** Builds and starts a {@link FailoverProxy}. */
  public static final class Builder {
    private final GatewayConfig config;
    private InetSocketAddress address;
    private Scheduler scheduler;
    private Ticker ticker = Ticker.SYSTEM;
    private Transport transport;
    private final List<TokenListener> listeners = new ArrayList<>();
    private final List<java.util.function.Consumer<io.github.failover4j.core.Outages.Event>>
        outageListeners = new ArrayList<>();
    private SslContext ssl;
    private int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    private ClientLimits clientLimits;
    private java.nio.file.Path configFile;
    private java.util.function.Consumer<String> operatorLog;
    private java.util.function.Consumer<String> accessLogSink;

    private Builder(GatewayConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      this.address = config.listen() == null ? new InetSocketAddress("127.0.0.1", 8080)
          : Listen.parse(config.listen());
    }

    /** Where to listen; default the config's {@code listen}, else 127.0.0.1:8080. */
    public Builder listen(InetSocketAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The engine's timer for probes and deadlines; default the proxy's event loops. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** The transport (tests); default {@link Transport#choose()}: epoll when available. */
    Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** The engine's clock; default {@link Ticker#SYSTEM}. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Adds a listener to every provider's pool. */
    public Builder listener(TokenListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Hears every route target entering or leaving outage (SPEC §9), e.g. the demo's view. */
    Builder outageListener(
        java.util.function.Consumer<io.github.failover4j.core.Outages.Event> listener) {
      outageListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * The TLS context toward https upstreams (requests and probes); default the JDK trust
     * store. Host names are verified either way, also when the context does not ask for it.
     */
    public Builder sslContext(SslContext ssl) {
      this.ssl = Objects.requireNonNull(ssl, "ssl");
      return this;
    }

    /** What clients are allowed; default the config's {@link GatewayConfig#clientLimits()}. */
    public Builder clientLimits(ClientLimits limits) {
      this.clientLimits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** Event loop threads; default the number of processors, at least 2. */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads: " + threads + " is less than 1");
      }
      this.threads = threads;
      return this;
    }

    /**
     * The file the configuration was loaded from: {@code POST /_failover/reload}, SIGHUP and a
     * change of the file read it again; default none (reload answers 409).
     */
    public Builder configFile(java.nio.file.Path file) {
      this.configFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * Where operator messages go (reloads, their problems, warnings); default the {@code
     * System.Logger} of this class at INFO.
     */
    public Builder operatorLog(java.util.function.Consumer<String> sink) {
      this.operatorLog = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * Where access log lines go when the configuration turns the access log on ({@code
     * accessLog:}); default standard output.
     */
    public Builder accessLog(java.util.function.Consumer<String> sink) {
      this.accessLogSink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * Builds the pools and starts listening.
     *
     * @throws IllegalStateException or IllegalArgumentException when a pool cannot be built,
     *     or the address cannot be listened on (the message says why, in one line)
     * @throws InterruptedException when interrupted while binding
     */
    public FailoverProxy start() throws InterruptedException {
      return new FailoverProxy(this);
    }
  }
}
