package io.sluice.activities.support;

import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.jooq.impl.DataSourceConnectionProvider;

/** Runs tasks on up to n threads of their own and waits for all of them. */
public final class SideBySide {

  private SideBySide() {}

  /**
   * The most connections tasks side by side may take from {@code dsl}'s pool besides the caller's:
   * half the pool, so the worker's other activities still get theirs (Hikari makes a borrower wait,
   * then fails it); 1 when {@code dsl} is not on a pool.
   */
  public static int connections(DSLContext dsl) {
    if (dsl.configuration().connectionProvider() instanceof DataSourceConnectionProvider p
        && p.dataSource() instanceof HikariDataSource pool) {
      return Math.max(1, pool.getMaximumPoolSize() / 2);
    }
    return 1;
  }

  /**
   * The results of {@code tasks}, in their order. With one thread they run one after the other on
   * the caller's thread and the first failure ends the run; with more, every task runs to its end
   * and the first failure is thrown with the others suppressed in it.
   *
   * @param name the threads' name prefix, for thread dumps and logs
   */
  public static <T> List<T> run(String name, List<Callable<T>> tasks, int threads) {
    List<T> results = new ArrayList<>();
    if (threads <= 1 || tasks.size() <= 1) {
      for (Callable<T> t : tasks) {
        try {
          results.add(t.call());
        } catch (Exception e) {
          throw unchecked(e);
        }
      }
      return results;
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(threads, tasks.size()),
            r -> {
              Thread t = new Thread(r, name + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> t : tasks) {
        futures.add(pool.submit(t));
      }
      RuntimeException first = null;
      for (Future<T> f : futures) {
        try {
          results.add(f.get());
        } catch (ExecutionException e) {
          RuntimeException failure = unchecked(e.getCause());
          if (first == null) {
            first = failure;
          } else if (failure != first) {
            first.addSuppressed(failure);
          }
        }
      }
      if (first != null) {
        throw first;
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(name + ": interrupted while tasks ran", e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static RuntimeException unchecked(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t.getMessage(), t);
  }
}
