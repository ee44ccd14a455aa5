// Spec §6 (seeding): each image's noise depends only on its own seed, never on batch size or composition.
package epg.sample;

import epg.tensor.Rng;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Standard normal noise for the images of a batch, one generator per image: the initial noise comes from a generator
 * seeded with the image's seed, the fresh noise of stochastic step k from one seeded with
 * {@code Rng.derive(seed, k + 1)}.
 *
 * @param seeds      one seed per image of the batch
 * @param imageShape [C, H, W]
 */
public record SeedNoise(long[] seeds, long[] imageShape) {
    public SeedNoise {
        if (imageShape.length != 3) throw new IllegalArgumentException("image shape must be [C, H, W]");
    }

    public int batch() { return seeds.length; }

    /** ε [B, C, H, W] (float32, CPU) that starts sampling. */
    public Tensor initial() { return draw(-1); }

    /** Fresh ε [B, C, H, W] for stochastic step {@code step} (0-based), in the dtype and device of {@code like}. */
    public Tensor step(int step, Tensor like) { return draw(step).to(like); }

    private Tensor draw(int step) {
        Torch.init();
        TensorVector per = new TensorVector();
        for (long seed : seeds) {
            // freed with the caller's scope
            Generator g = torch.make_generator_cpu(step < 0 ? seed : Rng.derive(seed, step + 1));
            // [C, H, W]
            per.push_back(torch.randn(imageShape, new GeneratorOptional(g), Torch.options(ScalarType.Float)));
        }
        return torch.stack(per, 0);                                                                   // [B, C, H, W]
    }
}
