package io.sluice.activities.config;

import java.util.List;

/** The text columns of {@code raw.orders}, in their canonical order. No dependencies on purpose. */
public final class OrdersSchema {

  public static final List<String> COLUMNS =
      List.of(
          "order_id",
          "customer_id",
          "order_ts",
          "amount",
          "currency",
          "status",
          "category",
          "country",
          "channel",
          "quantity");

  private OrdersSchema() {}
}
