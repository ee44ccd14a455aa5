// ADM reference statistics (spec §7): `mu`, `sigma` (FID) and `mu_s`, `sigma_s` (sFID) of an ADM-style reference .npz.
package epg.metrics;

import epg.tensor.Npz;
import epg.tensor.Scope;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Either part is null when the file lacks it; {@code hasImages} tells whether arr_0 is there (precision/recall and
 * statistics the file lacks are computed from it). These statistics are Inception pool_3 / mixed_6/conv features.
 */
public record RefStats(FeatureStats pool, FeatureStats spatial, boolean hasImages) {
    public static RefStats read(Path npz) throws IOException {
        List<String> names = Npz.names(npz);
        try (Scope s = Scope.open()) {
            return new RefStats(pair(npz, names, "mu", "sigma"), pair(npz, names, "mu_s", "sigma_s"),
                    names.contains("arr_0"));
        }
    }

    private static FeatureStats pair(Path npz, List<String> names, String mu, String sigma) throws IOException {
        if (!names.contains(mu) || !names.contains(sigma)) return null;
        return new FeatureStats(Npz.read(npz, mu), Npz.read(npz, sigma));
    }

    /** The arrays `epg evaluate --make-ref` adds next to arr_0 for Inception features. */
    public static Map<String, Tensor> arrays(FeatureStats pool, FeatureStats spatial) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("mu", pool.mu());
        m.put("sigma", pool.sigma());
        m.put("mu_s", spatial.mu());
        m.put("sigma_s", spatial.sigma());
        return m;
    }
}
