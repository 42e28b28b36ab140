package io.sluice.activities.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.activities.ActivityHarness;
import io.sluice.activities.config.PipelineConfigLoader;
import io.sluice.activities.dataset.DatasetSchema;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/** The two ways validation reads raw fields, as the SQL they render. */
class RawReadsTest {

  static final DatasetSchema ORDERS =
      new PipelineConfigLoader(ActivityHarness.repoFile("pipelines")).load("orders").schema();

  private static String sql(org.jooq.QueryPart part) {
    return DSL.using(SQLDialect.POSTGRES).renderInlined(part);
  }

  @Test
  void onceComputesEachReadOnceHoweverOftenItIsUsed() {
    RawReads once = RawReads.once(ORDERS);
    Field<?> amount = once.decimal("amount");
    assertThat(once.decimal("amount")).isEqualTo(amount);
    once.cleaned("amount");
    once.cleaned("amount");
    once.instant("order_ts");
    once.received("currency");

    String table = sql(DSL.selectFrom(once.table(DSL.trueCondition())));
    assertThat(table.split("try_decimal", -1)).hasSize(2);
    assertThat(table.split("try_instant", -1)).hasSize(2);
    assertThat(table).contains("offset 0");
    assertThat(once.table(DSL.trueCondition()).fields()).hasSize(4);
    // a read is a column of the derived table, not the expression again
    assertThat(sql(amount)).isEqualTo("\"reads\".\"r0\"");
  }

  @Test
  void inlineWritesTheExpressionWhereItIsUsed() {
    RawReads inline = RawReads.inline(ORDERS);
    assertThat(sql(inline.decimal("amount")))
        .contains("try_decimal")
        .contains(
            "nullif(trim(coalesce(\"raw\".\"orders\".\"amount\","
                + " (\"raw\".\"orders\".\"extra\"->>'amount'))), '')");
    // a row ingested before the column was declared has the field in extra
    assertThat(sql(inline.received("currency")))
        .isEqualTo(
            "coalesce(\"raw\".\"orders\".\"currency\", (\"raw\".\"orders\".\"extra\"->>'currency'))");
    assertThatThrownBy(() -> inline.table(DSL.trueCondition()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aColumnTheDatasetDoesNotDeclareIsNamed() {
    assertThatThrownBy(() -> RawReads.once(ORDERS).cleaned("no_such"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no_such");
  }
}
