// Spec §3 and §4 (tests): deterministic batches, sharding, resumption, normalisation and the fine-tuning mode.
package epg.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoaderTest {
    /** 50 small RGB images whose pixels encode their index; label = index % 5. */
    static final Dataset TOY = new Dataset() {
        public int size() { return 50; }
        public int numClasses() { return 5; }
        public int label(int i) { return i % 5; }
        public int channels() { return 3; }
        public ByteImage image(int i) {
            ByteImage img = ByteImage.blank(20, 12, 3);
            for (int k = 0; k < img.pixels().length; k++) img.pixels()[k] = (byte) (i * 5 + k % 7 * 3 + k / 60);
            return img;
        }
    };

    static Loader.Config cfg(int workers) {
        return new Loader.Config(4, 16, Loader.Mode.PRETRAIN, Normalization.IMAGENET, 42, 0, 1, workers, 3);
    }

    static List<Batch> take(Loader l, int n) {
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(l.next());
        return out;
    }

    static void assertSame(List<Batch> a, List<Batch> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).position(), b.get(i).position());
            assertArrayEquals(a.get(i).indices(), b.get(i).indices());
            assertArrayEquals(a.get(i).labels(), b.get(i).labels());
            assertArrayEquals(a.get(i).clean(), b.get(i).clean());
            assertArrayEquals(a.get(i).view1(), b.get(i).view1());
            assertArrayEquals(a.get(i).view2(), b.get(i).view2());
        }
    }

    @Test
    void sameSeedSameBatchesWhateverTheThreadCount() {
        List<Batch> one, three;
        try (Loader a = new Loader(TOY, cfg(1)); Loader b = new Loader(TOY, cfg(3))) {
            one = take(a, 30);
            three = take(b, 30);
        }
        assertSame(one, three);
        assertEquals(12, new Loader(TOY, cfg(1)).batchesPerEpoch());
        // an epoch visits 48 distinct samples (drop-last of 50 / 4) and the next epoch is shuffled differently
        Set<Integer> epoch0 = new HashSet<>();
        for (int i = 0; i < 12; i++) for (int idx : one.get(i).indices()) epoch0.add(idx);
        assertEquals(48, epoch0.size());
        assertEquals(new Loader.Position(1, 0), one.get(12).position());
        assertFalse(Arrays.equals(one.get(0).indices(), one.get(12).indices()));
        // the two views and the clean image differ; labels follow indices
        assertFalse(Arrays.equals(one.get(0).view1(), one.get(0).view2()));
        for (int k = 0; k < 4; k++) assertEquals(one.get(0).indices()[k] % 5, one.get(0).labels()[k]);
    }

    @Test
    void differentSeedsDiffer() {
        try (Loader a = new Loader(TOY, cfg(1)); Loader b = new Loader(TOY, new Loader.Config(4, 16,
                Loader.Mode.PRETRAIN, Normalization.IMAGENET, 43, 0, 1, 1, 3))) {
            assertNotEquals(Arrays.toString(a.next().indices()) + Arrays.toString(a.next().indices()),
                    Arrays.toString(b.next().indices()) + Arrays.toString(b.next().indices()));
        }
    }

    @Test
    void shardsAreDisjointAndCoverTheEpoch() {
        Dataset d = TOY.map(3, img -> img);
        Set<Integer> s0 = new HashSet<>(), s1 = new HashSet<>();
        Loader.Config c = new Loader.Config(5, 8, Loader.Mode.FINETUNE, Normalization.SIMPLE, 7, 0, 2, 2, 2);
        try (Loader a = new Loader(d, c); Loader b = new Loader(d, c.shard(1, 2))) {
            assertEquals(5, a.batchesPerEpoch());
            for (int i = 0; i < 5; i++) {
                for (int idx : a.next().indices()) assertTrue(s0.add(idx), "repeat " + idx);
                for (int idx : b.next().indices()) assertTrue(s1.add(idx), "repeat " + idx);
            }
        }
        Set<Integer> both = new HashSet<>(s0);
        both.retainAll(s1);
        assertTrue(both.isEmpty(), "shards overlap: " + both);
        s0.addAll(s1);
        assertEquals(50, s0.size(), "25 per rank, 5 batches of 5: the whole set");
    }

    @Test
    void ranksHoldConsecutiveBlocksOfTheGlobalBatchOfOneProcess() {
        Dataset d = TOY.map(3, img -> img);
        Loader.Config global = new Loader.Config(10, 8, Loader.Mode.PRETRAIN, Normalization.SIMPLE, 7, 0, 1, 1, 1);
        try (Loader one = new Loader(d, global); Loader r0 = new Loader(d, global.split(0, 2));
                Loader r1 = new Loader(d, global.split(1, 2))) {
            assertEquals(one.batchesPerEpoch(), r0.batchesPerEpoch());
            for (int i = 0; i < 7; i++) { // crosses an epoch (5 global batches of 10)
                Batch all = one.next(), a = r0.next(), b = r1.next();
                assertArrayEquals(Arrays.copyOfRange(all.indices(), 0, 5), a.indices());
                assertArrayEquals(Arrays.copyOfRange(all.indices(), 5, 10), b.indices());
                int len = all.sampleLength();
                assertArrayEquals(Arrays.copyOfRange(all.view2(), 5 * len, 10 * len), b.view2(), 0f,
                        "augmentations depend on the sample, not the rank");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> global.split(0, 3));
    }

    @Test
    void resumingGivesTheSameFollowingBatches() {
        List<Batch> straight;
        Loader.Position saved;
        try (Loader a = new Loader(TOY, cfg(2))) {
            straight = take(a, 20);
        }
        try (Loader a = new Loader(TOY, cfg(2))) {
            take(a, 9);
            saved = a.position();
        }
        assertEquals(new Loader.Position(0, 9), saved);
        try (Loader b = new Loader(TOY, cfg(2), saved)) {
            assertSame(straight.subList(9, 20), take(b, 11));
        }
    }

    @Test
    void fineTuningBatchesCarryTheFlippedCleanImageOnly() {
        Loader.Config c = new Loader.Config(10, 12, Loader.Mode.FINETUNE, Normalization.SIMPLE, 1, 0, 1, 1, 1);
        Dataset same = TOY.map(3, img -> TOY.image(0));
        try (Loader l = new Loader(same, c)) {
            Batch b = l.next();
            assertNull(b.view1());
            assertNull(b.view2());
            assertArrayEquals(new long[]{10, 3, 12, 12}, b.shape());
            ByteImage base = CenterCrop.adm(TOY.image(0), 12);
            int flipped = 0;
            for (int k = 0; k < 10; k++) {
                ByteImage got = Normalization.SIMPLE.denormalize(b.clean(), k * b.sampleLength(), 3, 12, 12);
                boolean isFlip = Fixtures.maxDiff(base.flip(), got) == 0;
                assertTrue(isFlip || Fixtures.maxDiff(base, got) == 0, "sample " + k
                        + " is neither the image nor its mirror");
                if (isFlip) flipped++;
            }
            assertTrue(flipped > 0 && flipped < 10, "flips in 10 draws: " + flipped);
        }
    }

    @Test
    void tooSmallDatasetIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Loader(TOY, new Loader.Config(30, 8, Loader.Mode.FINETUNE, Normalization.SIMPLE, 1, 0, 2, 1,
                        1)));
        assertTrue(e.getMessage().contains("no full batch"), e.getMessage());
    }
}
