// docs/distributed.md: the rendezvous read from torchrun's and SLURM's variables, and bad values named.
package epg.dist;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RendezvousTest {
    @Test
    void torchrunVariables() {
        Rendezvous r = Rendezvous.fromEnvironment(Map.of("RANK", "3", "WORLD_SIZE", "8", "LOCAL_RANK", "1",
                "MASTER_ADDR", "node7", "MASTER_PORT", "29400",
                "SLURM_PROCID", "5", "SLURM_NTASKS", "16"));
        assertEquals(new Rendezvous(3, 8, 1, "node7", 29400, 300), r);
    }

    @Test
    void slurmVariablesWhenTorchrunsAreAbsent() {
        Rendezvous r = Rendezvous.fromEnvironment(Map.of("SLURM_PROCID", "5", "SLURM_NTASKS", "16", "SLURM_LOCALID",
                "1", "MASTER_ADDR", "n1", "EPG_DIST_TIMEOUT", "30"));
        assertEquals(new Rendezvous(5, 16, 1, "n1", Rendezvous.DEFAULT_PORT, 30), r);
    }

    @Test
    void noVariablesIsOneProcess() {
        Rendezvous r = Rendezvous.fromEnvironment(Map.of());
        assertEquals(1, r.worldSize());
        assertEquals(0, r.rank());
    }

    @Test
    void badValuesAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rendezvous.fromEnvironment(Map.of("WORLD_SIZE",
                "two", "RANK", "0")))
                .getMessage().contains("WORLD_SIZE='two'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rendezvous.fromEnvironment(Map.of("WORLD_SIZE",
                "2", "RANK", "2", "MASTER_ADDR", "a")))
                .getMessage().contains("RANK 2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rendezvous.fromEnvironment(Map.of("WORLD_SIZE",
                "2", "RANK", "1")))
                .getMessage().contains("MASTER_ADDR"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rendezvous.fromEnvironment(Map.of("WORLD_SIZE",
                "2")))
                .getMessage().contains("RANK is not set"));
    }

    @Test
    void theLauncherSetsWhatTheRanksRead() {
        Rendezvous job = new Rendezvous(0, 2, 0, "127.0.0.1", 1234, 9);
        assertEquals(new Rendezvous(1, 2, 1, "127.0.0.1", 1234, 9), Rendezvous.fromEnvironment(job.environment(1, 1)));
    }
}
