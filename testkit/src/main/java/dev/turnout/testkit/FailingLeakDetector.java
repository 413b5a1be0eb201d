package dev.turnout.testkit;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ResourceLeakDetector} that, besides logging, remembers every leak it reports so that
 * {@link LeakCheckExtension} can fail the test class that leaked.
 *
 * <p>Installed in every test JVM by the parent POM through Netty's own hook,
 * {@code -Dio.netty.customResourceLeakDetector=dev.turnout.testkit.FailingLeakDetector}, with
 * {@code -Dio.netty.leakDetection.level=paranoid} so that every buffer is tracked. Called from any
 * thread that allocates a buffer; the record is synchronised.
 */
public final class FailingLeakDetector<T> extends ResourceLeakDetector<T> {

    private static final List<String> LEAKS = new ArrayList<>();

    public FailingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval, maxActive);
    }

    public FailingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        record("LEAK: " + resourceType + " was released by the garbage collector without release()." + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        record("LEAK: " + resourceType + " was released by the garbage collector without release().");
        super.reportUntracedLeak(resourceType);
    }

    private static void record(String leak) {
        synchronized (LEAKS) {
            LEAKS.add(leak);
        }
    }

    /** Returns and forgets the leaks reported so far. */
    public static List<String> drain() {
        synchronized (LEAKS) {
            List<String> copy = List.copyOf(LEAKS);
            LEAKS.clear();
            return copy;
        }
    }
}
