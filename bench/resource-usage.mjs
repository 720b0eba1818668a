// Preloaded into a measured process with `node --import <this file>`. At exit it writes the process's own
// resource usage to the file named by BENCH_USAGE_FILE: peak resident set size (getrusage's ru_maxrss, kept
// by the kernel since exec, so Node's startup is included) and CPU time. Nothing else changes in the process.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    // maxRSS is in kilobytes on every platform Node supports; CPU times are in microseconds.
    writeFileSync(file, JSON.stringify({ peakRssBytes: usage.maxRSS * 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
  });
}
