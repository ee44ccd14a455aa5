// Spec §2.3: parameter counts of every preset and the paper's compute figures.
package epg.config;

import epg.nn.EpgModel;
import epg.nn.RcmEncoder;
import epg.tensor.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelSizeTest {
    /**
     * The spec's table gives millions to two decimals (EPG-G: one); both resolutions share the counts but pos_embed.
     */
    @ParameterizedTest
    @CsvSource({"EPG-S/16,115.53", "EPG-B/16,228.91", "EPG-L/16,540.22", "EPG-XL/16,582.99", "EPG-XXL/16,788.92",
            "RCM-S/16,64.29", "RCM-B/16,106.81", "RCM-L/16,224.58"})
    void parameterCountsMatchTheSpecTable(String preset, double millions) {
        long n = ModelSize.parameters(Presets.get(preset));
        assertEquals(millions, Math.round(n / 1e4) / 100.0, 1e-9, preset + " has " + n + " parameters");
    }

    @Test
    void epgGiantMatchesToOneDecimal() {
        assertEquals(1391.9, Math.round(ModelSize.parameters(Presets.get("EPG-G/16")) / 1e5) / 10.0, 1e-9);
    }

    @ParameterizedTest
    @CsvSource({"EPG-XL/16,128", "EPG-XXL/16,176", "EPG-G/16,321", "EPG-L/32,113"})
    void computeMatchesThePaperWithin1p5Percent(String preset, double gflops) {
        double g = ModelSize.gflops(Presets.get(preset));
        assertTrue(Math.abs(g - gflops) / gflops < 0.015, preset + ": " + g + " GFLOPs vs " + gflops);
    }

    /**
     * The analytic count equals the parameters actually allocated (small and medium presets; EPG-B is 229 M floats).
     */
    @ParameterizedTest
    @ValueSource(strings = {"EPG-T", "RCM-T", "EPG-M", "RCM-S/16", "EPG-S/32"})
    void analyticCountEqualsAllocatedModel(String preset) {
        ModelConfig c = Presets.get(preset);
        try (Scope s = Scope.open()) {
            long allocated = c.kind() == ModelConfig.Kind.EPG ? new EpgModel(c).parameterCount()
                    : new RcmEncoder(c).parameterCount();
            assertEquals(ModelSize.parameters(c), allocated, preset);
        }
    }

    @Test
    void badConfigurationsAreRejectedWithTheFieldName() {
        ModelConfig t = Presets.get("EPG-T");
        var e = assertThrows(IllegalArgumentException.class, () -> t.withData(30, 3, 10));
        assertTrue(e.getMessage().contains("imageSize 30"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> t.withDropout(1.5, 0));
        assertTrue(e.getMessage().contains("decoderDropout"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Presets.get("EPG-Q"));
        assertTrue(e.getMessage().contains("EPG-XL/16"), e.getMessage());
    }
}
