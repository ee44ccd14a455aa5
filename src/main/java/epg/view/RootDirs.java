// docs/view.md (safety): the directories `epg view` serves, and the only way a request names a file inside them.
package epg.view;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A request names a file as (root index, relative path). The path must be relative, made of plain names (no "." or
 * "..", no empty segment, no backslash or control character), and the file it reaches, with every symbolic link
 * followed, must still lie inside the root: anything else is refused before the file system is asked.
 */
public final class RootDirs {
    /** The longest relative path accepted. */
    public static final int MAX_PATH = 1024;

    /** @param shown the directory as given on the command line; @param real its real path */
    public record Root(int index, String shown, Path real) {
        /** The name in lists: the directory as given. */
        public String name() { return shown; }
    }

    private final List<Root> roots;

    public RootDirs(List<Path> dirs) throws IOException {
        if (dirs.isEmpty()) throw new IllegalArgumentException("no directory to serve");
        List<Root> list = new ArrayList<>();
        for (Path d : dirs) {
            if (!Files.isDirectory(d))
                throw new IllegalArgumentException(d + " is not a directory: give run directories (e.g. runs/demo)");
            list.add(new Root(list.size(), d.toString(), d.toRealPath()));
        }
        roots = List.copyOf(list);
    }

    public List<Root> all() { return roots; }

    /** The root of a request's "root" parameter (its index). */
    public Root root(String index) {
        if (index == null || !index.matches("\\d{1,4}") || Integer.parseInt(index) >= roots.size())
            throw HttpError.notFound("no served directory number '" + index + "' (there are " + roots.size() + ")");
        return roots.get(Integer.parseInt(index));
    }

    /**
     * The real path of {@code relative} inside root {@code index} ("" is the root itself): 400 for a malformed path,
     * 403 for one that leaves the root (by "..", an absolute path or a symbolic link), 404 when nothing is there.
     */
    public Path resolve(String index, String relative) throws IOException {
        Root root = root(index);
        Path candidate = root.real.resolve(checked(relative));
        if (!candidate.normalize().startsWith(root.real)) throw outside(relative);
        if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS) && !Files.exists(candidate))
            throw HttpError.notFound("nothing at '" + relative + "' in " + root.shown);
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (IOException e) {
            throw HttpError.notFound("nothing at '" + relative + "' in " + root.shown + " (a broken link?)");
        }
        if (!real.startsWith(root.real)) throw outside(relative);
        return real;
    }

    /** {@code relative} when it is a plain relative path; a 400 or 403 otherwise. */
    static String checked(String relative) {
        if (relative == null) throw HttpError.badRequest("missing path");
        if (relative.isEmpty()) return "";
        if (relative.length() > MAX_PATH)
            throw HttpError.badRequest("path longer than " + MAX_PATH + " characters");
        for (int i = 0; i < relative.length(); i++) {
            char c = relative.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\')
                throw HttpError.badRequest("path holds a control character or backslash");
        }
        if (relative.startsWith("/") || relative.startsWith("~") || relative.matches("^[A-Za-z]:.*"))
            throw outside(relative);
        for (String segment : relative.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) throw outside(relative);
            if (segment.isEmpty()) throw HttpError.badRequest("path '" + relative + "' has an empty segment");
        }
        return relative;
    }

    /** {@code real} (inside {@code root}) as a relative path with forward slashes. */
    public static String relative(Root root, Path real) {
        String rel = root.real.relativize(real).toString();
        return rel.replace(java.io.File.separatorChar, '/');
    }

    /** The file as the user would name it in a shell beside the server: the directory as given, then the path. */
    public static String shown(Root root, String relative) {
        return relative.isEmpty() ? root.shown : Path.of(root.shown).resolve(relative).toString();
    }

    private static HttpError outside(String relative) {
        return new HttpError(403, "'" + relative + "' lies outside the served directories: "
                + "only relative paths without '..' that stay inside them (links included) are served");
    }
}
