package dev.turnout.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs one action per item on its own thread and waits for all of them: servers start and stop
 * in parallel. Plain threads, not a shared pool, because it also runs from a shutdown hook.
 */
final class Parallel {

    private Parallel() {}

    /**
     * Applies {@code action} to every item concurrently and waits for all; rethrows the first
     * failure (in item order) with the others suppressed.
     */
    static <T> void forEach(List<T> items, Consumer<T> action) {
        if (items.size() == 1) {
            action.accept(items.get(0));
            return;
        }
        List<Thread> threads = new ArrayList<>();
        RuntimeException[] failures = new RuntimeException[items.size()];
        for (int i = 0; i < items.size(); i++) {
            int index = i;
            Thread thread = new Thread(
                    () -> {
                        try {
                            action.accept(items.get(index));
                        } catch (RuntimeException e) {
                            failures[index] = e;
                        }
                    },
                    "sandbox-" + items.get(i));
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        boolean interrupted = false;
        for (Thread thread : threads) {
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        RuntimeException first = null;
        for (RuntimeException failure : failures) {
            if (failure == null) {
                continue;
            }
            if (first == null) {
                first = failure;
            } else {
                first.addSuppressed(failure);
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
