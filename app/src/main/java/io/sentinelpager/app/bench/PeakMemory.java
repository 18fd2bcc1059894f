package io.sentinelpager.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's peak resident set (VmHWM in /proc/PID/status), in MB: what the machine had to give it at its worst,
 * which a heap reading would understate (the broker's page cache use, metaspace, threads, direct buffers).
 */
final class PeakMemory {

    private PeakMemory() {
    }

    /** 0 where there is no /proc (not Linux) or the process is gone. */
    static long peakRssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** This machine's memory, MB (MemTotal in /proc/meminfo); 0 where there is no /proc. */
    static long machineMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
