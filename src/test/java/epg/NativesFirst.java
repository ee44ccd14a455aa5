// Test-run set-up: libtorch's natives are loaded on the test thread before any test touches a native class.
package epg;

import epg.tensor.Natives;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test class (META-INF/services, junit-platform.properties): tests call libtorch directly
 * (torch.manual_seed, torch.rand), and with an empty native cache the first such call must not be JavaCPP's own
 * lazy, one-library-at-a-time extraction (see {@link Natives}).
 */
public final class NativesFirst implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        Natives.load();
    }
}
