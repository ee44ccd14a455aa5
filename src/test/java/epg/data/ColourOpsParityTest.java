// Spec §3.1: brightness, contrast, saturation, hue, grey, solarize and blur against torchvision 0.14 / PIL 9.4.
package epg.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ColourOpsParityTest {
    @Test
    void colourOperationsMatchTorchvisionOnPil() {
        ByteImage src = ImageDecoder.readRgb(Fixtures.file("rgb_33x33.png"));
        int cases = 0;
        for (JsonElement e : Fixtures.manifest().getAsJsonArray("colourOps")) {
            JsonObject c = e.getAsJsonObject();
            double f = c.get("factor").getAsDouble();
            ByteImage mine = switch (c.get("op").getAsString()) {
                case "brightness" -> ColorJitter.brightness(src, f);
                case "contrast" -> ColorJitter.contrast(src, f);
                case "saturation" -> ColorJitter.saturation(src, f);
                case "hue" -> ColorJitter.hue(src, f);
                case "grayscale" -> src.greyscaleKeepChannels();
                case "solarize" -> src.solarize((int) f);
                default -> throw new AssertionError(c);
            };
            int d = Fixtures.maxDiff(ImageDecoder.readRgb(Fixtures.file(c.get("expected").getAsString())), mine);
            assertTrue(d <= 1, c + ": max difference " + d);
            cases++;
        }
        assertTrue(cases >= 10);
    }

    @Test
    void gaussianBlurMatchesPilExactly() {
        int cases = 0;
        for (JsonElement e : Fixtures.manifest().getAsJsonArray("blurs")) {
            JsonObject c = e.getAsJsonObject();
            ByteImage mine = GaussianBlur.apply(ImageDecoder.readRgb(Fixtures.file(c.get("input").getAsString())),
                    c.get("sigma").getAsDouble());
            assertEquals(0, Fixtures.maxDiff(ImageDecoder.readRgb(Fixtures.file(c.get("expected").getAsString())),
                    mine), c.toString());
            cases++;
        }
        assertTrue(cases >= 7);
    }
}
