package io.github.failover4j.benchmarks.load;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording of the proxy under load (JDK 17 has no {@code jfr view}): where
 * it allocates ({@code jdk.ObjectAllocationSample}, by weight), where its CPU goes ({@code
 * jdk.ExecutionSample}), its garbage collections, and the bytes its event-loop threads
 * allocated ({@code jdk.ThreadAllocationStatistics}, last minus first value per thread), per
 * request when the request count is given.
 *
 * <p>Each profile is shown twice: by the frame that allocates or runs (top frame), and by the
 * first failover4j frame of the stack (which of our methods the cost is under).
 *
 * <p>{@code java -cp benchmarks.jar io.github.failover4j.benchmarks.load.JfrSummary FILE.jfr
 * [--requests N] [--top 15] [--threads proxy-io]}
 */
public final class JfrSummary {
  private JfrSummary() {}

  /** Prints the summary. */
  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    long requests = 0;
    int top = 15;
    String threads = "proxy-io";
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--requests" -> requests = Long.parseLong(args[++i]);
        case "--top" -> top = Integer.parseInt(args[++i]);
        case "--threads" -> threads = args[++i];
        default -> throw new IllegalArgumentException(args[i] + ": unknown argument");
      }
    }
    Map<String, Double> allocTop = new HashMap<>();
    Map<String, Double> allocOurs = new HashMap<>();
    Map<String, Double> allocClass = new HashMap<>();
    Map<String, Double> allocOursCount = new HashMap<>();
    Map<String, Double> cpuTop = new HashMap<>();
    Map<String, Double> cpuOurs = new HashMap<>();
    double allocTotal = 0;
    long allocSamples = 0;
    double cpuTotal = 0;
    int gcs = 0;
    Duration gcPause = Duration.ZERO;
    Duration gcMax = Duration.ZERO;
    Map<Long, long[]> threadAlloc = new HashMap<>(); // tid -> {first, last}
    Map<Long, String> threadNames = new HashMap<>();
    try (RecordingFile f = new RecordingFile(file)) {
      while (f.hasMoreEvents()) {
        RecordedEvent e = f.readEvent();
        switch (e.getEventType().getName()) {
          case "jdk.ObjectAllocationSample" -> {
            double w = e.getLong("weight");
            allocTotal += w;
            allocSamples++;
            allocTop.merge(frame(e.getStackTrace(), false), w, Double::sum);
            allocOurs.merge(frame(e.getStackTrace(), true), w, Double::sum);
            allocClass.merge(e.getClass("objectClass").getName(), w, Double::sum);
            allocOursCount.merge(frame(e.getStackTrace(), true), 1.0, Double::sum);
          }
          case "jdk.ExecutionSample" -> {
            cpuTotal++;
            cpuTop.merge(frame(e.getStackTrace(), false), 1.0, Double::sum);
            cpuOurs.merge(frame(e.getStackTrace(), true), 1.0, Double::sum);
          }
          case "jdk.GarbageCollection" -> {
            gcs++;
            gcPause = gcPause.plus(e.getDuration("sumOfPauses"));
            if (e.getDuration("longestPause").compareTo(gcMax) > 0) {
              gcMax = e.getDuration("longestPause");
            }
          }
          case "jdk.ThreadAllocationStatistics" -> {
            RecordedThread t = e.getThread("thread");
            if (t != null) {
              long allocated = e.getLong("allocated");
              threadNames.put(t.getJavaThreadId(), t.getJavaName());
              threadAlloc.merge(t.getJavaThreadId(), new long[] {allocated, allocated},
                  (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
            }
          }
          default -> { }
        }
      }
    }
    System.out.printf(Locale.ROOT, "allocation samples: %d, %.1f MB by weight (shares below are "
        + "by weight)%n", allocSamples, allocTotal / 1e6);
    print("allocated by type", allocClass, allocTotal, top);
    print("allocated at (top frame)", allocTop, allocTotal, top);
    print("allocated under (first failover4j frame)", allocOurs, allocTotal, top);
    // A sample's weight is what its thread allocated since its previous sample, so a few
    // samples can carry most of the weight; the share of samples is the steadier view.
    print("allocation samples under (first failover4j frame), by count", allocOursCount,
        allocSamples, top);
    System.out.printf(Locale.ROOT, "%nexecution samples: %.0f%n", cpuTotal);
    print("CPU in (top frame)", cpuTop, cpuTotal, top);
    print("CPU under (first failover4j frame)", cpuOurs, cpuTotal, top);
    System.out.printf(Locale.ROOT, "%ngarbage collections: %d, pauses %.1f ms in all, longest "
        + "%.1f ms%n", gcs, gcPause.toNanos() / 1e6, gcMax.toNanos() / 1e6);
    long bytes = 0;
    for (Map.Entry<Long, long[]> t : threadAlloc.entrySet()) {
      String name = threadNames.get(t.getKey());
      if (name != null && name.startsWith(threads)) {
        bytes += t.getValue()[1] - t.getValue()[0];
      }
    }
    System.out.printf(Locale.ROOT, "allocated by threads %s*: %.1f MB", threads, bytes / 1e6);
    if (requests > 0) {
      System.out.printf(Locale.ROOT, ", %.0f B per request (%d requests)", bytes / (double) requests,
          requests);
    }
    System.out.println();
  }

  private static void print(String title, Map<String, Double> by, double total, int top) {
    System.out.println("  " + title + ":");
    List<Map.Entry<String, Double>> sorted = new ArrayList<>(by.entrySet());
    sorted.sort(Map.Entry.<String, Double>comparingByValue().reversed());
    for (int i = 0; i < Math.min(top, sorted.size()); i++) {
      System.out.printf(Locale.ROOT, "    %5.1f %%  %s%n",
          100 * sorted.get(i).getValue() / total, sorted.get(i).getKey());
    }
  }

  /** The top frame, or the first failover4j frame (with its caller's line) when {@code ours}. */
  private static String frame(RecordedStackTrace st, boolean ours) {
    if (st == null || st.getFrames().isEmpty()) {
      return "(no stack)";
    }
    List<RecordedFrame> frames = st.getFrames();
    for (RecordedFrame fr : frames) {
      String type = fr.getMethod().getType().getName();
      if (!ours || type.startsWith("io.github.failover4j.")) {
        return type.substring(type.lastIndexOf('.') + 1) + "." + fr.getMethod().getName()
            + ":" + fr.getLineNumber();
      }
    }
    return "(outside failover4j)";
  }
}
