package dev.parley.bench.server;

/** A process whose CPU time and memory a scenario reads around its measured window. */
public interface Measured {
    /** utime + stime of all its threads, in nanoseconds. */
    long cpuNanos();

    /** Resident set size in KiB. */
    long rssKb();

    /** Several processes together (the nodes of one cluster): their CPU time and memory added up. */
    static Measured sum(java.util.List<? extends Measured> parts) {
        java.util.List<Measured> all = java.util.List.copyOf(parts);
        return new Measured() {
            @Override
            public long cpuNanos() {
                return all.stream().mapToLong(Measured::cpuNanos).sum();
            }

            @Override
            public long rssKb() {
                return all.stream().mapToLong(Measured::rssKb).sum();
            }
        };
    }

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
