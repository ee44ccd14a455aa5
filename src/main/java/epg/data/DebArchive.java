// Spec §8 data sources: the files of one folder of a Debian package (.deb: an ar archive holding data.tar.*).
package epg.data;

import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Reads a .deb with Apache Commons Compress: ar → data.tar.{xz,gz,zst,bz2} or data.tar → the wanted entries. */
public final class DebArchive {
    private static final Map<String, String> COMPRESSORS = Map.of(".xz", CompressorStreamFactory.XZ,
            ".gz", CompressorStreamFactory.GZIP, ".zst", CompressorStreamFactory.ZSTANDARD,
            ".bz2", CompressorStreamFactory.BZIP2);

    private DebArchive() {}

    /**
     * Copies the regular files {@code dataDir/NAME} for each of {@code names} out of {@code deb} into {@code dest}.
     *
     * @param dataDir folder inside the package, relative to "/" ("usr/share/datasets/fashion-mnist")
     * @throws IOException when the archive is not a .deb or lacks one of the files (the message names them)
     */
    public static void extract(Path deb, String dataDir, Set<String> names, Path dest) throws IOException {
        try (var ar = new ArArchiveInputStream(new BufferedInputStream(Files.newInputStream(deb), 1 << 16))) {
            for (ArArchiveEntry e; (e = ar.getNextEntry()) != null; ) {
                if (e.getName().startsWith("data.tar")) {
                    Set<String> missing = copy(tar(e.getName(), ar), dataDir, names, dest);
                    if (!missing.isEmpty())
                        throw new IOException(deb.getFileName() + " has no " + dataDir + "/" + missing);
                    return;
                }
            }
        }
        throw new IOException(deb.getFileName() + " holds no data.tar member: not a Debian package");
    }

    private static TarArchiveInputStream tar(String member, InputStream in) throws IOException {
        String ext = member.substring("data.tar".length());
        if (ext.isEmpty()) return new TarArchiveInputStream(in);
        String kind = COMPRESSORS.get(ext);
        if (kind == null) throw new IOException("unknown compression of " + member);
        try {
            return new TarArchiveInputStream(new BufferedInputStream(
                    CompressorStreamFactory.getSingleton().createCompressorInputStream(kind, in), 1 << 16));
        } catch (CompressorException | LinkageError e) {
            throw new IOException("cannot decompress " + member + " (" + e.getMessage() + ")", e);
        }
    }

    /** The names not found. */
    private static Set<String> copy(TarArchiveInputStream tar, String dataDir, Set<String> names, Path dest)
            throws IOException {
        Set<String> missing = new HashSet<>(names);
        String prefix = dataDir.endsWith("/") ? dataDir : dataDir + "/";
        for (TarArchiveEntry t; (t = tar.getNextEntry()) != null && !missing.isEmpty(); ) {
            String path = t.getName().startsWith("./") ? t.getName().substring(2) : t.getName();
            if (!t.isFile() || !path.startsWith(prefix)) continue;
            String name = path.substring(prefix.length());
            if (missing.remove(name)) Files.copy(tar, dest.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        return missing;
    }
}
