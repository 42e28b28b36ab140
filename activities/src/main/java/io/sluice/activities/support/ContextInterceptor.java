package io.sluice.activities.support;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;

/** An activity interceptor that keeps the attempt's context for its {@code execute}. */
abstract class ContextInterceptor extends ActivityInboundCallsInterceptorBase {

  protected ActivityExecutionContext context;

  ContextInterceptor(ActivityInboundCallsInterceptor next) {
    super(next);
  }

  @Override
  public void init(ActivityExecutionContext context) {
    this.context = context;
    super.init(context);
  }
}
