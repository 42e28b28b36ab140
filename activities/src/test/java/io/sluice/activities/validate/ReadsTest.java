package io.sluice.activities.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.activities.ActivityHarness;
import io.sluice.activities.config.LoadedConfig;
import io.sluice.activities.config.PipelineConfigLoader;
import io.sluice.activities.stage.Candidates;
import io.sluice.db.jooq.meta.tables.records.PartitionVersionsRecord;
import java.time.LocalDate;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/** The two ways validation reads a partition's judged rows, as the SQL they render. */
class ReadsTest {

  static final LoadedConfig ORDERS =
      new PipelineConfigLoader(ActivityHarness.repoFile("pipelines")).load("orders");

  static final Candidates CANDIDATES = Candidates.of(ORDERS, version());

  private static PartitionVersionsRecord version() {
    PartitionVersionsRecord v = new PartitionVersionsRecord();
    v.setDataset("orders");
    v.setPartitionDate(LocalDate.of(2024, 1, 5));
    v.setVersion(2);
    v.setFileIds(new Long[] {7L});
    return v;
  }

  private static String sql(org.jooq.QueryPart part) {
    return DSL.using(SQLDialect.POSTGRES).renderInlined(part);
  }

  @Test
  void onceComputesEachReadOnceHoweverOftenItIsUsed() {
    Reads once = Reads.once(CANDIDATES);
    Field<?> ts = once.instant("customer_id");
    assertThat(once.instant("customer_id")).isEqualTo(ts);
    once.cleaned("amount");
    once.cleaned("amount");
    once.decimal("amount");
    once.received("currency");

    String table = sql(DSL.selectFrom(once.table()));
    assertThat(table.split("try_instant", -1)).hasSize(2);
    assertThat(table).doesNotContain("try_decimal");
    // a read that parses is fenced off, so that it is parsed once per row
    assertThat(table).contains("offset 0 rows");
    // a read is a column of the derived table, not the expression again
    assertThat(sql(ts)).isEqualTo("\"reads\".\"r0\"");
  }

  @Test
  void readsThatDoNotParseAreNotFenced() {
    // PostgreSQL aggregates a folded table with parallel workers, a fenced one in one process
    Reads once = Reads.once(CANDIDATES);
    once.decimal("amount");
    once.cleaned("status");
    once.received("currency");
    assertThat(sql(DSL.selectFrom(once.table()))).doesNotContain("offset");
  }

  @Test
  void typedValuesAreReadAsTheJudgeStoredThem() {
    Reads inline = Reads.inline(CANDIDATES);
    String table = sql(CANDIDATES.name());
    assertThat(table).startsWith("\"judged\".\"orders_20240105_");
    // declared types: the stored value, no parse
    assertThat(sql(inline.decimal("amount"))).isEqualTo(table + ".\"amount\"");
    assertThat(sql(inline.instant("order_ts"))).isEqualTo(table + ".\"order_ts\"");
    // a text column's cleaned text is its typed value; another's is kept beside it
    assertThat(sql(inline.cleaned("currency"))).isEqualTo(table + ".\"currency\"");
    assertThat(sql(inline.cleaned("amount"))).isEqualTo(table + ".\"cleaned 3\"");
    // a matches expectation reads currency as received
    assertThat(sql(inline.received("currency"))).isEqualTo(table + ".\"received 4\"");
    assertThatThrownBy(() -> inline.received("amount"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("amount");
    assertThatThrownBy(inline::table).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aColumnTheDatasetDoesNotDeclareIsNamed() {
    assertThatThrownBy(() -> Reads.once(CANDIDATES).cleaned("no_such"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no_such");
  }
}
