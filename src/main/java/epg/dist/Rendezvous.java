// Spec §3 "multi-process runs": where a process stands in a data-parallel job, from torchrun's or SLURM's variables.
package epg.dist;

import java.util.Map;

/**
 * This process's rank among {@code worldSize}, its rank on its machine, and the address of rank 0's store.
 * Read from torchrun's variables (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT), else SLURM's
 * (SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID, with MASTER_ADDR/MASTER_PORT exported by the batch script);
 * neither: a single process. EPG_DIST_TIMEOUT (seconds, default 300) bounds every collective and the rendezvous.
 *
 * @param timeoutSeconds how long a collective waits for the other ranks before the job stops with an error
 */
public record Rendezvous(int rank, int worldSize, int localRank, String masterAddr, int masterPort,
        int timeoutSeconds) {
    public static final int DEFAULT_PORT = 29500, DEFAULT_TIMEOUT_S = 300;

    public Rendezvous {
        if (worldSize < 1) throw new IllegalArgumentException("WORLD_SIZE must be >= 1, got " + worldSize);
        if (rank < 0 || rank >= worldSize)
            throw new IllegalArgumentException("RANK " + rank + " is outside 0.." + (worldSize - 1));
        if (localRank < 0) throw new IllegalArgumentException("LOCAL_RANK must be >= 0, got " + localRank);
        if (masterPort <= 0 || masterPort > 65535)
            throw new IllegalArgumentException("MASTER_PORT " + masterPort + " is not a TCP port");
        if (timeoutSeconds <= 0)
            throw new IllegalArgumentException("EPG_DIST_TIMEOUT must be > 0 seconds, got " + timeoutSeconds);
        if (worldSize > 1 && (masterAddr == null || masterAddr.isBlank()))
            throw new IllegalArgumentException("a job of " + worldSize
                    + " processes needs MASTER_ADDR (the host of rank 0)");
    }

    public static Rendezvous single() { return new Rendezvous(0, 1, 0, "127.0.0.1", DEFAULT_PORT, DEFAULT_TIMEOUT_S); }

    public static Rendezvous fromEnvironment() { return fromEnvironment(System.getenv()); }

    /** torchrun's variables win over SLURM's; a variable that is set but malformed is an error naming it. */
    public static Rendezvous fromEnvironment(Map<String, String> env) {
        boolean torchrun = env.containsKey("WORLD_SIZE");
        boolean slurm = !torchrun && env.containsKey("SLURM_NTASKS") && env.containsKey("SLURM_PROCID");
        int timeout = integer(env, "EPG_DIST_TIMEOUT", DEFAULT_TIMEOUT_S);
        if (!torchrun && !slurm) return new Rendezvous(0, 1, 0, "127.0.0.1", DEFAULT_PORT, timeout);
        int world = integer(env, torchrun ? "WORLD_SIZE" : "SLURM_NTASKS", 1);
        int rank = integer(env, torchrun ? "RANK" : "SLURM_PROCID", world == 1 ? 0 : -1);
        if (rank < 0) throw new IllegalArgumentException("WORLD_SIZE is " + world + " but RANK is not set");
        int local = integer(env, torchrun ? "LOCAL_RANK" : "SLURM_LOCALID", 0);
        return new Rendezvous(rank, world, local, env.getOrDefault("MASTER_ADDR", world == 1 ? "127.0.0.1" : null),
                integer(env, "MASTER_PORT", DEFAULT_PORT), timeout);
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) return fallback;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("environment variable " + name + "='" + v + "' is not an integer");
        }
    }

    /** The variables a launcher sets for rank {@code rank} of this job. */
    public Map<String, String> environment(int rank, int localRank) {
        return Map.of("RANK", Integer.toString(rank), "WORLD_SIZE", Integer.toString(worldSize),
                "LOCAL_RANK", Integer.toString(localRank), "MASTER_ADDR", masterAddr,
                "MASTER_PORT", Integer.toString(masterPort), "EPG_DIST_TIMEOUT", Integer.toString(timeoutSeconds));
    }

    public boolean isLoopback() {
        return masterAddr.equals("127.0.0.1") || masterAddr.equals("localhost") || masterAddr.equals("::1");
    }
}
