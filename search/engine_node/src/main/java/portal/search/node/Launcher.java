package portal.search.node;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.transport.Netty4Plugin;

/**
 * Runs one OpenSearch 2.19 node in this JVM, with the modules loaded from the class path
 * instead of a distribution's modules/ folder (as OpenSearch's own MockNode does).
 *
 * <p>Arguments are settings as {@code key=value}; they override the defaults below. The node
 * runs until the process gets SIGTERM/SIGINT, then closes cleanly (flushes, releases the lock).
 */
public final class Launcher {

    /** A Node whose plugins are classes on the class path. */
    static final class ClasspathNode extends Node {
        ClasspathNode(Settings settings) {
            super(
                InternalSettingsPreparer.prepareEnvironment(
                    settings, java.util.Map.of(), null, () -> settings.get("node.name")),
                List.of(Netty4Plugin.class, CommonAnalysisPlugin.class),
                true);
        }
    }

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        Settings.Builder builder = Settings.builder()
            .put("cluster.name", "portal-search")
            .put("node.name", "portal-search-0")
            .put("path.home", "/tmp/portal-opensearch")
            .put("network.host", "127.0.0.1")
            .put("http.port", "9250")
            .put("transport.port", "9350")
            .put("http.type", "netty4")
            .put("transport.type", "netty4")
            .put("discovery.type", "single-node")
            // A full disk on a developer's laptop must not turn indices read-only mid-test.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("action.auto_create_index", false);
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got " + arg);
            }
            builder.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Settings settings = builder.build();
        if (!settings.hasValue("path.data")) {
            settings = Settings.builder().put(settings)
                .put("path.data", Path.of(settings.get("path.home"), "data").toString()).build();
        }
        if (!settings.hasValue("path.logs")) {
            settings = Settings.builder().put(settings)
                .put("path.logs", Path.of(settings.get("path.home"), "logs").toString()).build();
        }

        Node node = new ClasspathNode(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "portal-search-shutdown"));
        node.start();
        System.out.println("portal-search node started");
        stopped.await();
    }
}
