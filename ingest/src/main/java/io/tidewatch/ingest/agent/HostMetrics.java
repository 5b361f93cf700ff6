package io.tidewatch.ingest.agent;

import io.tidewatch.model.metric.MetricPoint;
import io.tidewatch.model.metric.SeriesId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HWDiskStore;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.hardware.VirtualMemory;
import oshi.software.os.FileSystem;
import oshi.software.os.OSFileStore;

/**
 * Host metrics read with OSHI, named after the OpenTelemetry host-metrics semantic conventions.
 * Ratios are 0..1 (unit {@code 1}), sizes in bytes ({@code By}). Counters ({@code system.disk.*},
 * {@code system.network.*}) are sent as the amount since the previous collection, so the first
 * collection has none of them. Every point has the {@code host} dimension and the configured ones.
 *
 * <ul>
 *   <li>{@code system.cpu.utilization} (busy share: total, and per core with {@code cpu}); {@code
 *       system.cpu.load_average.1m|5m|15m}
 *   <li>{@code system.memory.usage} ({@code state} = used | free, free being what is available to
 *       new processes), {@code system.memory.utilization} ({@code state} = used); {@code
 *       system.paging.usage} ({@code state} = used | free)
 *   <li>{@code system.filesystem.usage} ({@code device}, {@code mountpoint}, {@code type}, {@code
 *       state} = used | free), {@code system.filesystem.utilization}
 *   <li>{@code system.disk.io} (bytes), {@code system.disk.operations} ({@code device}, {@code
 *       direction} = read | write)
 *   <li>{@code system.network.io}, {@code system.network.packets}, {@code system.network.errors}
 *       ({@code device}, {@code direction} = receive | transmit)
 * </ul>
 *
 * <p>Not thread-safe: one collector thread.
 */
public final class HostMetrics {

  /** The metrics sent as amounts per interval (the rest are gauges). */
  static final Set<String> COUNTERS =
      Set.of(
          "system.disk.io",
          "system.disk.operations",
          "system.network.io",
          "system.network.packets",
          "system.network.errors");

  private final String namespace;
  private final Map<String, String> baseDimensions;
  private final HardwareAbstractionLayer hardware;
  private final FileSystem fileSystem;
  private final CentralProcessor processor;
  private long[] cpuTicks;
  private long[][] coreTicks;
  private final Map<String, Long> previousCounters = new HashMap<>();

  public HostMetrics(String namespace, String host, Map<String, String> dimensions) {
    this.namespace = namespace;
    Map<String, String> base = new LinkedHashMap<>(dimensions);
    base.put("host", host);
    this.baseDimensions = Map.copyOf(base);
    SystemInfo system = new SystemInfo();
    this.hardware = system.getHardware();
    this.fileSystem = system.getOperatingSystem().getFileSystem();
    this.processor = hardware.getProcessor();
    this.cpuTicks = processor.getSystemCpuLoadTicks();
    this.coreTicks = processor.getProcessorCpuLoadTicks();
  }

  /** Collects one set of points stamped {@code now}. */
  public List<MetricPoint> collect(Instant now) {
    List<MetricPoint> points = new ArrayList<>();
    Emitter emit = new Emitter(now, points);
    cpu(emit);
    memory(emit);
    filesystems(emit);
    disks(emit);
    networks(emit);
    return points;
  }

  private void cpu(Emitter emit) {
    emit.gauge("system.cpu.utilization", processor.getSystemCpuLoadBetweenTicks(cpuTicks), "1");
    cpuTicks = processor.getSystemCpuLoadTicks();
    double[] cores = processor.getProcessorCpuLoadBetweenTicks(coreTicks);
    coreTicks = processor.getProcessorCpuLoadTicks();
    for (int i = 0; i < cores.length; i++) {
      emit.gauge("system.cpu.utilization", cores[i], "1", "cpu", Integer.toString(i));
    }
    double[] load = processor.getSystemLoadAverage(3);
    String[] names = {"1m", "5m", "15m"};
    for (int i = 0; i < load.length; i++) {
      if (load[i] >= 0) {
        emit.gauge("system.cpu.load_average." + names[i], load[i], "{run_queue_item}");
      }
    }
  }

  private void memory(Emitter emit) {
    GlobalMemory memory = hardware.getMemory();
    long total = memory.getTotal();
    long available = memory.getAvailable();
    emit.gauge("system.memory.usage", total - available, "By", "state", "used");
    emit.gauge("system.memory.usage", available, "By", "state", "free");
    if (total > 0) {
      emit.gauge(
          "system.memory.utilization", (double) (total - available) / total, "1", "state", "used");
    }
    VirtualMemory swap = memory.getVirtualMemory();
    emit.gauge("system.paging.usage", swap.getSwapUsed(), "By", "state", "used");
    emit.gauge(
        "system.paging.usage", swap.getSwapTotal() - swap.getSwapUsed(), "By", "state", "free");
  }

  private void filesystems(Emitter emit) {
    for (OSFileStore store : fileSystem.getFileStores(true)) {
      long total = store.getTotalSpace();
      if (total <= 0) {
        continue;
      }
      long free = store.getUsableSpace();
      long used = total - store.getFreeSpace();
      String[] where = {
        "device", store.getVolume(), "mountpoint", store.getMount(), "type", store.getType()
      };
      emit.gauge("system.filesystem.usage", used, "By", with(where, "state", "used"));
      emit.gauge("system.filesystem.usage", free, "By", with(where, "state", "free"));
      emit.gauge("system.filesystem.utilization", (double) used / total, "1", where);
    }
  }

  private void disks(Emitter emit) {
    for (HWDiskStore disk : hardware.getDiskStores()) {
      disk.updateAttributes();
      String device = disk.getName();
      emit.counter(
          "system.disk.io", disk.getReadBytes(), "By", "device", device, "direction", "read");
      emit.counter(
          "system.disk.io", disk.getWriteBytes(), "By", "device", device, "direction", "write");
      emit.counter(
          "system.disk.operations",
          disk.getReads(),
          "{operation}",
          "device",
          device,
          "direction",
          "read");
      emit.counter(
          "system.disk.operations",
          disk.getWrites(),
          "{operation}",
          "device",
          device,
          "direction",
          "write");
    }
  }

  private void networks(Emitter emit) {
    for (NetworkIF network : hardware.getNetworkIFs(true)) {
      network.updateAttributes();
      String device = network.getName();
      emit.counter(
          "system.network.io",
          network.getBytesRecv(),
          "By",
          "device",
          device,
          "direction",
          "receive");
      emit.counter(
          "system.network.io",
          network.getBytesSent(),
          "By",
          "device",
          device,
          "direction",
          "transmit");
      emit.counter(
          "system.network.packets",
          network.getPacketsRecv(),
          "{packet}",
          "device",
          device,
          "direction",
          "receive");
      emit.counter(
          "system.network.packets",
          network.getPacketsSent(),
          "{packet}",
          "device",
          device,
          "direction",
          "transmit");
      emit.counter(
          "system.network.errors",
          network.getInErrors(),
          "{error}",
          "device",
          device,
          "direction",
          "receive");
      emit.counter(
          "system.network.errors",
          network.getOutErrors(),
          "{error}",
          "device",
          device,
          "direction",
          "transmit");
    }
  }

  private static String[] with(String[] pairs, String key, String value) {
    String[] all = java.util.Arrays.copyOf(pairs, pairs.length + 2);
    all[pairs.length] = key;
    all[pairs.length + 1] = value;
    return all;
  }

  /** Turns values into points with the base dimensions. */
  private final class Emitter {
    private final Instant now;
    private final List<MetricPoint> points;

    Emitter(Instant now, List<MetricPoint> points) {
      this.now = now;
      this.points = points;
    }

    void gauge(String name, double value, String unit, String... dimensions) {
      if (!Double.isFinite(value)) {
        return;
      }
      points.add(new MetricPoint(series(name, dimensions), now, value, unit));
    }

    /** Emits the increase since the previous reading; none on the first or after a reset. */
    void counter(String name, long cumulative, String unit, String... dimensions) {
      SeriesId series = series(name, dimensions);
      Long previous = previousCounters.put(series.key(), cumulative);
      if (previous != null && cumulative >= previous) {
        points.add(new MetricPoint(series, now, cumulative - previous, unit));
      }
    }

    private SeriesId series(String name, String... dimensions) {
      Map<String, String> all = new HashMap<>(baseDimensions);
      for (int i = 0; i + 1 < dimensions.length; i += 2) {
        all.put(dimensions[i], dimensions[i + 1] == null ? "" : dimensions[i + 1]);
      }
      return SeriesId.of(namespace, name, all);
    }
  }
}
