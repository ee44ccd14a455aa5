// Spec §3 and §4 (tests): a batch copied into libtorch tensors keeps shape, values and labels.
package epg.data;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchTensorsTest {
    @Test
    void batchBecomesTensors() {
        Batch b;
        try (Loader l = new Loader(LoaderTest.TOY, LoaderTest.cfg(1))) {
            b = l.next();
        }
        try (PointerScope scope = new PointerScope()) {
            BatchTensors t = BatchTensors.of(b);
            assertArrayEquals(b.shape(), t.view1().sizes().vec().get());
            assertEquals(b.view2()[123], new FloatPointer(t.view2().data_ptr()).get(123));
            float[] back = new float[b.clean().length];
            new FloatPointer(t.clean().data_ptr()).get(back);
            assertArrayEquals(b.clean(), back);
            assertEquals(b.labels()[3], new LongPointer(t.labels().data_ptr()).get(3));
            assertEquals(4, t.labels().numel());
            // and back: the clean images of the batch, as the loader made them
            java.util.List<ByteImage> images = BatchTensors.toImages(t.clean(), Normalization.IMAGENET);
            assertEquals(4, images.size());
            for (int k = 0; k < 4; k++)
                assertArrayEquals(Normalization.IMAGENET.denormalize(b.clean(), k * b.sampleLength(), 3, 16, 16)
                        .pixels(), images.get(k).pixels());
            ByteImage first = CenterCrop.adm(LoaderTest.TOY.image(b.indices()[0]), 16);
            assertTrue(Fixtures.maxDiff(first, images.get(0)) == 0 || Fixtures.maxDiff(first.flip(),
                    images.get(0)) == 0);
        }
        Batch fine = new Batch(b.position(), b.size(), b.channels(), b.resolution(), b.labels(), b.indices(), b.clean(),
                null, null);
        try (PointerScope scope = new PointerScope()) {
            assertNull(BatchTensors.of(fine).view1());
        }
    }
}
