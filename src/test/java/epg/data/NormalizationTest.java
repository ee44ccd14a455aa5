// Spec §1 (tests): the two normalisation modes against hand-computed values, and their inverse.
package epg.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class NormalizationTest {
    @Test
    void imagenetAndSimpleByHand() {
        ByteImage px = new ByteImage(1, 1, 3, new byte[]{(byte) 255, 0, (byte) 128});
        float[] out = new float[3];
        Normalization.IMAGENET.normalize(px, out, 0);
        // (1 - 0.485) / 0.458, (0 - 0.456) / 0.448, (128/255 - 0.406) / 0.45
        assertArrayEquals(new float[]{1.1244541f, -1.0178571f, 0.21324619f}, out, 1e-5f);
        Normalization.SIMPLE.normalize(px, out, 0);
        assertArrayEquals(new float[]{1f, -1f, 0.003921569f}, out, 1e-6f);
        assertEquals(Normalization.SIMPLE, Normalization.IMAGENET.forChannels(1));
        assertEquals(Normalization.IMAGENET, Normalization.parse("ImageNet"));
    }

    @Test
    void inverseRoundTripsAndClamps() {
        ByteImage img = LoaderTest.TOY.image(3);
        for (Normalization n : Normalization.values()) {
            float[] f = new float[img.pixels().length + 2];
            n.normalize(img, f, 2);
            assertArrayEquals(img.pixels(), n.denormalize(f, 2, 3, img.height(), img.width()).pixels(), n.name());
        }
        ByteImage clamped = Normalization.SIMPLE.denormalize(new float[]{-3f, 7f, 0f}, 0, 3, 1, 1);
        assertArrayEquals(new byte[]{0, (byte) 255, (byte) 128}, clamped.pixels());
    }
}
