package dev.parley.bench.server;

/** A process whose CPU time and memory a scenario reads around its measured window. */
public interface Measured {
    /** utime + stime of all its threads, in nanoseconds. */
    long cpuNanos();

    /** Resident set size in KiB. */
    long rssKb();

    /** The process with this pid, read from /proc. */
    static Measured pid(long pid) {
        return new Measured() {
            @Override
            public long cpuNanos() {
                return Proc.cpuNanos(pid);
            }

            @Override
            public long rssKb() {
                return Proc.rssKb(pid);
            }
        };
    }
}
