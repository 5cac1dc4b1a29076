package io.github.failover4j.core;

import java.util.ArrayList;
import java.util.List;

/**
 * An immutable snapshot of what selection needs: the handles of the healthy tokens, the
 * weighted wheel over them, and every token that is not disabled (for panic mode). Rebuilt
 * after every state transition; {@link #version} orders snapshots so an older rebuild never
 * replaces a newer one.
 */
final class Healthy {
  final long version;
  final TokenHandle[] handles;
  /** Indexes into {@link #handles}, each as often as its weight, interleaved smoothly. */
  final int[] wheel;
  /** Every token that is not disabled or removed, for {@link WhenAllEjected#USE_ALL}. */
  final TokenHandle[] usable;

  private Healthy(long version, TokenHandle[] handles, int[] wheel, TokenHandle[] usable) {
    this.version = version;
    this.handles = handles;
    this.wheel = wheel;
    this.usable = usable;
  }

  static Healthy of(long version, Slot[] slots) {
    List<TokenHandle> healthy = new ArrayList<>(slots.length);
    List<TokenHandle> usable = new ArrayList<>(slots.length);
    List<Integer> weights = new ArrayList<>(slots.length);
    for (Slot s : slots) {
      long w = s.word();
      TokenHandle h = s.handle;
      if (h.epoch != Slot.epoch(w)) {
        // a restore that lost its race published a handle of an epoch that never began
        h = new TokenHandle(h.pool(), s, Slot.epoch(w));
      }
      int state = Slot.state(w);
      if (state == Slot.HEALTHY) {
        healthy.add(h);
        weights.add(s.weight);
      }
      if (state == Slot.HEALTHY || state == Slot.EJECTED) {
        usable.add(h);
      }
    }
    return new Healthy(version, healthy.toArray(new TokenHandle[0]), wheel(weights),
        usable.toArray(new TokenHandle[0]));
  }

  /**
   * Smooth weighted round-robin (as in nginx): each step, every entry gains its weight, the
   * richest is picked and pays the total. Weights {5, 1, 1} give {0, 0, 1, 0, 2, 0, 0} rather
   * than five 0s in a row.
   */
  static int[] wheel(List<Integer> weights) {
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int[] wheel = new int[total];
    int[] current = new int[weights.size()];
    for (int step = 0; step < total; step++) {
      int best = 0;
      for (int i = 0; i < current.length; i++) {
        current[i] += weights.get(i);
        if (current[i] > current[best]) {
          best = i;
        }
      }
      current[best] -= total;
      wheel[step] = best;
    }
    return wheel;
  }
}
