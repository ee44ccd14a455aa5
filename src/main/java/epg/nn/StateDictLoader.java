// Loading checkpoints into networks by key (spec §2: parameter names are the released state-dict keys).
package epg.nn;

import epg.tensor.Scope;
import epg.tensor.TensorSource;
import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

final class StateDictLoader {
    private StateDictLoader() {}

    /**
     * Strict mode fails on any missing, unexpected or mis-shaped key, naming each; non-strict mode loads the
     * matching keys and reports the rest (e.g. an RCM encoder into an EPG model: decoder keys missing,
     * {@code projection_head.*} unexpected). A shape mismatch is an error in both modes. Every key and shape is
     * checked before the first value is copied; then each tensor is fetched, copied and freed in a scope of its own,
     * so a source that reads on demand never holds more than one tensor beside the network. A read that fails after
     * the checks (an I/O error: a file's header has been checked against its length) leaves the network partly
     * loaded; every caller then discards it or ends the run.
     */
    static LoadReport load(Module module, TensorSource source, boolean strict) throws IOException {
        Map<String, Tensor> target = module.stateDict();
        Map<String, long[]> shapes = source.shapes();
        List<String> loaded = new ArrayList<>(), missing = new ArrayList<>(), unexpected = new ArrayList<>(),
                mismatched = new ArrayList<>();
        for (String key : target.keySet()) {
            long[] got = shapes.get(key);
            if (got == null) { missing.add(key); continue; }
            long[] want = Torch.shape(target.get(key));
            if (!Arrays.equals(want, got))
                mismatched.add(key + " (expected " + Arrays.toString(want) + ", found " + Arrays.toString(got) + ")");
        }
        for (String key : shapes.keySet()) if (!target.containsKey(key)) unexpected.add(key);
        if (!mismatched.isEmpty())
            throw new IllegalArgumentException("checkpoint does not fit the model: shape mismatch at "
                    + String.join(", ", mismatched)
                    + ". Check the preset (size, patch, classes, channels) the checkpoint was trained with.");
        if (strict && (!missing.isEmpty() || !unexpected.isEmpty()))
            throw new IllegalArgumentException("checkpoint keys differ from the model: missing " + missing
                    + ", unexpected " + unexpected + ". To load only the matching keys (e.g. an RCM encoder into an"
                    + " EPG model), load non-strictly (--non-strict).");
        try (NoGradGuard g = new NoGradGuard()) {
            for (String key : target.keySet()) {
                if (!shapes.containsKey(key)) continue;
                try (Scope s = Scope.open()) {
                    Tensor dst = target.get(key);
                    dst.copy_(source.tensor(key).to(dst.scalar_type()));
                }
                loaded.add(key);
            }
        }
        return new LoadReport(loaded, missing, unexpected, mismatched);
    }
}
