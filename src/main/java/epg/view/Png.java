// docs/view.md (playground): images as PNG bytes, encoded exactly as `epg sample` writes its files.
package epg.view;

import epg.data.ByteImage;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The same encoder as {@code ImageDecoder.writePng}, into memory: equal images give equal bytes. */
public final class Png {
    private Png() {}

    public static byte[] encode(ByteImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image.toBufferedImage(), "png", out)) throw new IOException("no PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a PNG: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
