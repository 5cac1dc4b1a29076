package io.github.failover4j.proxy;

import io.github.failover4j.core.ConfigException;
import io.github.failover4j.core.internal.SecretRefs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Reloads the proxy's config file: on demand ({@code POST /_failover/reload}), on {@code
 * SIGHUP}, and when the file changes. The new file is validated first: when it has a problem,
 * nothing changes and every problem is logged (and returned). Otherwise {@link
 * FailoverProxy#reload} applies it: tokens that stay keep their state, requests in flight
 * finish on the old configuration. One reload at a time.
 */
final class Reloader implements AutoCloseable {
  /** How long the file must stay quiet after a change before it is read (editors write twice). */
  static final Duration DEBOUNCE = Duration.ofMillis(300);

  /**
   * What a reload did.
   *
   * @param ok whether the new configuration is in force
   * @param problems why it was refused (empty when ok)
   * @param warnings what is probably not meant, in a configuration that was applied
   */
  record Result(boolean ok, List<String> problems, List<String> warnings) {}

  private final FailoverProxy proxy;
  private final Path file;
  private final Function<String, String> env;
  private final Consumer<String> log;
  /** The content last read (applied or refused), so a watch event without change is skipped. */
  private byte[] lastSeen;
  private volatile WatchService watcher;

  Reloader(FailoverProxy proxy, Path file, Function<String, String> env, Consumer<String> log) {
    this.proxy = proxy;
    this.file = file.toAbsolutePath();
    this.env = Objects.requireNonNull(env, "env");
    this.log = log;
    try {
      lastSeen = KeyDigest.sha256(Files.readString(this.file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      lastSeen = null;
    }
  }

  /** Reads, validates and applies the file; {@code why} names the trigger in the log. */
  synchronized Result reload(String why) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return refused(why, List.of("--config: " + file + " does not exist"));
    } catch (IOException e) {
      return refused(why, List.of("--config: cannot read " + file + ": " + e.getMessage()));
    }
    lastSeen = KeyDigest.sha256(text);
    GatewayConfig next;
    try {
      next = GatewayConfig.parse(text, new SecretRefs(env, file.getParent()));
    } catch (ConfigException e) {
      return refused(why, e.problems());
    }
    List<String> problems = new ArrayList<>(Checks.problems(next));
    String exposure = Checks.exposure(next, proxy.address());
    if (exposure != null) {
      problems.add(exposure);
    }
    if (!problems.isEmpty()) {
      return refused(why, problems);
    }
    List<String> warnings = new ArrayList<>(Checks.warnings(next));
    if (!Objects.equals(next.listen(), proxy.routing().config().listen())) {
      warnings.add("listen: changed; a running proxy keeps its address until it is restarted");
    }
    proxy.reload(next);
    log.accept("reloaded " + file + " (" + why + "): " + next.providers().size()
        + " providers");
    warnings.forEach(w -> log.accept("warning: " + w));
    return new Result(true, List.of(), List.copyOf(warnings));
  }

  private Result refused(String why, List<String> problems) {
    log.accept("reload of " + file + " (" + why + ") refused, nothing changed: "
        + problems.size() + (problems.size() == 1 ? " problem" : " problems"));
    problems.forEach(p -> log.accept("  " + p));
    return new Result(false, List.copyOf(problems), List.of());
  }

  /**
   * Watches the file's folder (the file itself may be replaced, e.g. by an editor or a
   * Kubernetes ConfigMap swap) and reloads once the file's content changed and the folder has
   * been quiet for {@code debounce}. Runs on a daemon thread until {@link #close()}.
   */
  void watch(Duration debounce) throws IOException {
    WatchService ws = file.getFileSystem().newWatchService();
    file.getParent().register(ws, StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
    watcher = ws;
    Thread t = new Thread(() -> watchLoop(ws, debounce), "failover-config-watch");
    t.setDaemon(true);
    t.start();
  }

  private void watchLoop(WatchService ws, Duration debounce) {
    try {
      while (true) {
        drain(ws.take());
        WatchKey more;
        while ((more = ws.poll(debounce.toMillis(), TimeUnit.MILLISECONDS)) != null) {
          drain(more); // still changing: wait until it is quiet
        }
        if (changed()) {
          reload("file changed");
        }
      }
    } catch (ClosedWatchServiceException | InterruptedException e) {
      // closed: the proxy stops
    } catch (RuntimeException e) {
      log.accept("config watch stopped: " + e);
    }
  }

  private static void drain(WatchKey key) {
    key.pollEvents();
    key.reset();
  }

  private synchronized boolean changed() {
    try {
      return !Arrays.equals(lastSeen, KeyDigest.sha256(Files.readString(file,
          StandardCharsets.UTF_8)));
    } catch (IOException e) {
      return false; // gone for the moment (being replaced): the next event tells
    }
  }

  /** Reloads on {@code SIGHUP} (a process-wide handler: install it only in the real CLI). */
  void reloadOnSighup() {
    sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> {
      Thread t = new Thread(() -> reload("SIGHUP"), "failover-reload");
      t.setDaemon(true);
      t.start();
    });
  }

  @Override
  public void close() {
    WatchService ws = watcher;
    if (ws != null) {
      try {
        ws.close();
      } catch (IOException e) {
        // nothing more to do
      }
    }
  }
}
