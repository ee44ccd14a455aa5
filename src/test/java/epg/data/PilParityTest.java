// Spec §8 and §3.1 (tests): decode, ADM centre crop and torchvision-on-PIL resized crops against PIL 9.4 outputs.
package epg.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PilParityTest {
    static final int TOLERANCE = 1;

    @Test
    void decodingMatchesPilConvertRgbExactly() {
        for (JsonElement e : Fixtures.manifest().getAsJsonArray("crops")) {
            JsonObject c = e.getAsJsonObject();
            ByteImage mine = ImageDecoder.readRgb(Fixtures.file(c.get("input").getAsString()));
            ByteImage pil = ImageDecoder.readRgb(Fixtures.file(c.get("rgb").getAsString()));
            assertEquals(0, Fixtures.maxDiff(pil, mine), c.get("input") + " (PIL mode " + c.get("mode") + ")");
        }
    }

    @Test
    void admCentreCropMatchesPil() {
        int worst = 0, cases = 0;
        for (JsonElement e : Fixtures.manifest().getAsJsonArray("crops")) {
            JsonObject c = e.getAsJsonObject();
            ByteImage mine = CenterCrop.adm(ImageDecoder.readRgb(Fixtures.file(c.get("input").getAsString())),
                    c.get("resolution").getAsInt());
            int d = Fixtures.maxDiff(ImageDecoder.readRgb(Fixtures.file(c.get("expected").getAsString())), mine);
            assertTrue(d <= TOLERANCE, c + ": max difference " + d);
            worst = Math.max(worst, d);
            cases++;
        }
        assertTrue(cases >= 10);
        System.out.println("ADM centre crop vs PIL: " + cases + " cases, max |difference| " + worst);
    }

    @Test
    void resizedCropMatchesTorchvisionOnPil() {
        ByteImage src = ImageDecoder.readRgb(Fixtures.file("rgb_97x61.png"));
        int worst = 0;
        for (JsonElement e : Fixtures.manifest().getAsJsonArray("resizedCrops")) {
            JsonObject c = e.getAsJsonObject();
            int size = c.get("size").getAsInt();
            ByteImage mine = Resample.resize(src, c.get("left").getAsInt(), c.get("top").getAsInt(),
                    c.get("width").getAsInt(), c.get("height").getAsInt(), size, size, Resample.Filter.BILINEAR);
            int d = Fixtures.maxDiff(ImageDecoder.readRgb(Fixtures.file(c.get("expected").getAsString())), mine);
            assertTrue(d <= TOLERANCE, c + ": max difference " + d);
            worst = Math.max(worst, d);
        }
        System.out.println("resized crop (bilinear) vs torchvision/PIL: max |difference| " + worst);
    }
}
