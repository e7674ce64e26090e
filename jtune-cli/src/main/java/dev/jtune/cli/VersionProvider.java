package dev.jtune.cli;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** {@code jtune --version}: the version from the jar (manifest, else Maven's pom.properties) and the Java runtime. */
public class VersionProvider implements IVersionProvider {
    static final String POM_PROPERTIES = "/META-INF/maven/dev.jtune/jtune-cli/pom.properties";

    @Override
    public String[] getVersion() {
        return new String[] {
            "jtune " + version(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch")
        };
    }

    /** The jtune version, or "dev" when running from classes rather than the built jar. */
    public static String version() {
        String v = JTune.class.getPackage() == null ? null : JTune.class.getPackage().getImplementationVersion();
        if (v != null && !v.isBlank()) return v;
        try (InputStream in = JTune.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                v = p.getProperty("version");
                if (v != null && !v.isBlank()) return v;
            }
        } catch (IOException ignored) {
            // fall through: the version is informational
        }
        return "dev (not running from the built jar)";
    }
}
