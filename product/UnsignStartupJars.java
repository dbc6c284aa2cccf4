import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Run by the product's build (maven-antrun-plugin, Ant's {@code <java sourcefile>}) on the materialized products:
 * the Equinox launcher and framework jars, the two the JVM itself loads classes from, without their jar signatures.
 * <p>
 * The command line's start-up keeps the classes it loads in a class-data archive (see the launcher script), but the
 * JVM leaves out every class of a signed jar (its log: "Skipping …: Signed JAR", 544 classes of the framework), and
 * it checks each of those classes' digests against the signature on every start. Unsigned, they come from the archive:
 * a lab sample's analysis 0.95-1.00 s instead of 1.07-1.21 s (eight alternating pairs; releng/bench/RESULTS.md,
 * "Twenty-fourth session"). Equinox does not check bundle signatures (no {@code osgi.signedcontent.support}), and p2
 * checks the signatures of what it downloads, not of what is installed, so nothing else changes. The jars' other
 * entries are copied in their order, with their times; the p2 repositories keep the signed originals.
 *
 * <pre>
 *   java product/UnsignStartupJars.java product/target/products
 * </pre>
 */
public class UnsignStartupJars {
    /** The bundles the JVM's own class loaders load (the launcher's jar, and the framework it starts). */
    private static final Pattern STARTUP = Pattern.compile("org\\.eclipse\\.(osgi|equinox\\.launcher)_[^/]*\\.jar");
    /** A jar signature's files: META-INF/NAME.SF and the signature block beside it. */
    private static final Pattern SIGNATURE = Pattern.compile("META-INF/[^/]+\\.(SF|RSA|DSA|EC)",
            Pattern.CASE_INSENSITIVE);

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java UnsignStartupJars.java PRODUCTS-DIRECTORY");
            System.exit(2);
        }
        List<Path> jars = new ArrayList<>();
        try (Stream<Path> all = Files.walk(Path.of(args[0]))) {
            all.filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("plugins")
                    && STARTUP.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))
                    .forEach(jars::add);
        }
        if (jars.isEmpty()) {
            System.err.println("UnsignStartupJars: no launcher or framework jar under " + args[0]);
            System.exit(1);
        }
        for (Path jar : jars) {
            int removed = unsign(jar);
            System.out.println("UnsignStartupJars: " + jar + (removed > 0 ? ": " + removed + " signature files removed"
                    : ": not signed"));
        }
    }

    /** Rewrites {@code jar} without its signature files; returns how many there were (0: left as it was). */
    static int unsign(Path jar) throws IOException {
        Path tmp = jar.resolveSibling(jar.getFileName() + ".unsigned");
        int removed = 0;
        try (ZipFile in = new ZipFile(jar.toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
            Enumeration<? extends ZipEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (SIGNATURE.matcher(e.getName()).matches()) {
                    removed++;
                    continue;
                }
                ZipEntry copy = new ZipEntry(e.getName());
                copy.setTime(e.getTime());
                if (e.getComment() != null) {
                    copy.setComment(e.getComment());
                }
                if (e.getExtra() != null) {
                    copy.setExtra(e.getExtra());
                }
                out.putNextEntry(copy);
                try (InputStream data = in.getInputStream(e)) {
                    data.transferTo(out);
                }
                out.closeEntry();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        if (removed == 0) {
            Files.delete(tmp);
            return 0;
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
        return removed;
    }
}
