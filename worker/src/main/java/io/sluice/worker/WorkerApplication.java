package io.sluice.worker;

import io.micronaut.context.ApplicationContext;
import java.util.concurrent.CountDownLatch;

/** Entry point of the worker jar: runs until the process is asked to stop. */
public final class WorkerApplication {

  private WorkerApplication() {}

  public static void main(String[] args) throws InterruptedException {
    ApplicationContext context = ApplicationContext.builder().args(args).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  context.close();
                  stopped.countDown();
                },
                "sluice-worker-shutdown"));
    stopped.await();
  }
}
