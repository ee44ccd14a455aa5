// Gives tests in other packages the golden fixture's configuration.
package epg.nn;

import epg.config.ModelConfig;

public final class GoldenNetworkTestAccess {
    private GoldenNetworkTestAccess() {}

    public static ModelConfig epgConfig() { return GoldenNetworkTest.epg(true); }

    public static ModelConfig rcmConfig() { return GoldenNetworkTest.rcm(true); }
}
