package io.tidewatch.bench;

import java.lang.management.ManagementFactory;

/**
 * What this whole process (broker, clients and the code measured alike) spent: CPU time, and time
 * the JIT compilers spent compiling. Per item, CPU varies less than a rate on a shared machine;
 * compilation time shows how far from warm a run still was.
 */
record ProcessUsage(long cpuNanos, long compilationMillis) {

  static ProcessUsage now() {
    return new ProcessUsage(
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime(),
        ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
  }

  ProcessUsage minus(ProcessUsage earlier) {
    return new ProcessUsage(
        cpuNanos - earlier.cpuNanos, compilationMillis - earlier.compilationMillis);
  }

  /** {@code "1.52 µs of CPU per point, 310 ms compiling"}. */
  String describe(long items, String item) {
    return String.format(
        "%.2f µs of CPU per %s, %,d ms compiling", cpuNanos / 1e3 / items, item, compilationMillis);
  }
}
