// Spec §3 and §4 (tests): a batch copied into libtorch tensors keeps shape, values and labels.
package epg.data;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
        }
        Batch fine = new Batch(b.position(), b.size(), b.channels(), b.resolution(), b.labels(), b.indices(), b.clean(), null, null);
        try (PointerScope scope = new PointerScope()) {
            assertNull(BatchTensors.of(fine).view1());
        }
    }
}
