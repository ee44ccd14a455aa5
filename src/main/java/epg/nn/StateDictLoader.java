// Loading checkpoints into networks by key (spec §2: parameter names are the released state-dict keys).
package epg.nn;

import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

final class StateDictLoader {
    private StateDictLoader() {}

    /**
     * Strict mode fails on any missing, unexpected or mis-shaped key, naming each; non-strict mode loads the
     * matching keys and reports the rest (e.g. an RCM encoder into an EPG model: decoder keys missing,
     * {@code projection_head.*} unexpected). A shape mismatch is an error in both modes.
     */
    static LoadReport load(Module module, Map<String, Tensor> source, boolean strict) {
        Map<String, Tensor> target = module.stateDict();
        List<String> loaded = new ArrayList<>(), missing = new ArrayList<>(), unexpected = new ArrayList<>(),
                mismatched = new ArrayList<>();
        for (String key : target.keySet()) {
            Tensor src = source.get(key);
            if (src == null) { missing.add(key); continue; }
            long[] want = Torch.shape(target.get(key)), got = Torch.shape(src);
            if (!Arrays.equals(want, got))
                mismatched.add(key + " (expected " + Arrays.toString(want) + ", found " + Arrays.toString(got) + ")");
        }
        for (String key : source.keySet()) if (!target.containsKey(key)) unexpected.add(key);
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
                Tensor src = source.get(key);
                if (src == null) continue;
                Tensor dst = target.get(key);
                dst.copy_(src.to(dst.scalar_type()));
                loaded.add(key);
            }
        }
        return new LoadReport(loaded, missing, unexpected, mismatched);
    }
}
