package io.sluice.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The parse helpers never raise: a value parses exactly or gives NULL, also in parallel plans. */
class ParseFunctionsTest {

  static HikariDataSource ds;
  static DSLContext dsl;

  @BeforeAll
  static void migrate() {
    ds = TestDatabases.fresh();
    dsl = DSL.using(ds, SQLDialect.POSTGRES);
  }

  @AfterAll
  static void close() {
    ds.close();
  }

  @ParameterizedTest
  @CsvSource({
    "2024-01-05T10:00:00Z, 2024-01-05T10:00:00Z",
    "2024-01-05T10:00:00z, 2024-01-05T10:00:00Z",
    "2024-01-05 10:00Z, 2024-01-05T10:00:00Z",
    "2024-01-05T10:00:00.123456+02:00, 2024-01-05T08:00:00.123456Z",
    "2024-02-29T23:59:59-0130, 2024-03-01T01:29:59Z",
    "2024-01-05T10:00:00+05, 2024-01-05T05:00:00Z",
    "2020-12-31T23:59:59Z, 2020-12-31T23:59:59Z",
    "2000-02-29T00:00:00Z, 2000-02-29T00:00:00Z"
  })
  void validInstantsParse(String text, String utc) {
    OffsetDateTime parsed =
        dsl.select(DSL.field("meta.try_instant({0})", OffsetDateTime.class, DSL.inline(text)))
            .fetchOne(0, OffsetDateTime.class);
    assertThat(parsed.withOffsetSameInstant(ZoneOffset.UTC)).isEqualTo(OffsetDateTime.parse(utc));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2024-13-45T99:00:00Z",
        "2023-02-29T10:00:00Z",
        "1900-02-29T10:00:00Z",
        "2024-04-31T10:00:00Z",
        "2024-01-05T24:00:00Z",
        "2024-01-05T10:60:00Z",
        "2024-01-05T10:00:61Z",
        "2024-01-05T10:00:00",
        "2024-01-05T10:00:00+16:00",
        "2024-01-05T10:00:00+02:75",
        "0000-01-05T10:00:00Z",
        "2024-01-05",
        "yesterday",
        ""
      })
  void anythingElseIsNullNotAnError(String text) {
    // literal and column forms: constant folding must not evaluate the cast either
    assertThat(
            dsl.fetchValue(
                DSL.select(
                    DSL.field("meta.try_instant({0})", OffsetDateTime.class, DSL.inline(text)))))
        .isNull();
    assertThat(dsl.fetchValue("select meta.try_instant(v) from (values (?)) t(v)", (Object) text))
        .isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"off", "on"})
  void worksInParallelPlans(String parallel) {
    dsl.execute("set max_parallel_workers_per_gather = 2");
    dsl.execute("set parallel_setup_cost = 0");
    dsl.execute("set parallel_tuple_cost = 0");
    dsl.execute("set min_parallel_table_scan_size = 0");
    dsl.execute("set force_parallel_mode = " + parallel);
    Long n =
        dsl.fetchOne(
                "select count(meta.try_instant(case when g % 3 = 0 then 'bad' else"
                    + " '2024-01-05T10:00:00Z' end)) from generate_series(1, 100000) g")
            .get(0, Long.class);
    assertThat(n).isEqualTo(66667L);
  }

  /**
   * The parse of every declared column type (V24): a value that parses gives its text form as
   * PostgreSQL prints it, anything else gives NULL ("null" here), never an error, in the literal
   * and the column form.
   */
  @ParameterizedTest(name = "{0}({1}) = {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "meta.try_bigint({0})|9223372036854775|9223372036854775",
        "meta.try_bigint({0})|-12|-12",
        "meta.try_bigint({0})|+7|7",
        "meta.try_bigint({0})|1234567890123456789|null",
        "meta.try_bigint({0})|1.0|null",
        "meta.try_bigint({0})|1e3|null",
        "meta.try_double({0})|1.5e3|1500",
        "meta.try_double({0})|-.25|-0.25",
        "meta.try_double({0})|2.|2",
        "meta.try_double({0})|1e309|null",
        "meta.try_double({0})|1e-301|null",
        "meta.try_double({0})|0.000000000000000000000000000001e-300|null",
        "meta.try_double({0})|999999999999999999999999999999e300|null",
        "meta.try_double({0})|-999999999999999999999999999999.5e280|null",
        "meta.try_double({0})|99e300|9.9e+301",
        "meta.try_double({0})|-0.1e-300|-1e-301",
        "meta.try_double({0})|0.0e-300|0",
        "meta.try_double({0})|999999999999999999999999999999|1e+30",
        "meta.try_double({0})|NaN|null",
        "meta.try_double({0})|Infinity|null",
        "meta.try_double({0})|0x10|null",
        "meta.try_boolean({0})|TRUE|true",
        "meta.try_boolean({0})|y|true",
        "meta.try_boolean({0})|0|false",
        "meta.try_boolean({0})|No|false",
        "meta.try_boolean({0})|maybe|null",
        "meta.try_boolean({0})|2|null",
        "meta.try_date({0})|2024-02-29|2024-02-29",
        "meta.try_date({0})|2023-02-29|null",
        "meta.try_date({0})|2024-04-31|null",
        "meta.try_date({0})|0000-01-01|null",
        "meta.try_date({0})|2024-1-5|null",
        "meta.try_date({0})|2024-01-05T00:00:00Z|null",
        "meta.try_decimal_sized({0}, 3, 2)|123.45|123.45",
        "meta.try_decimal_sized({0}, 3, 2)|-0.5|-0.5",
        "meta.try_decimal_sized({0}, 3, 2)|1234.5|null",
        "meta.try_decimal_sized({0}, 3, 2)|1.234|null",
        "meta.try_decimal_sized({0}, 3, 0)|12|12",
        "meta.try_decimal_sized({0}, 3, 0)|12.0|null",
        "meta.try_local_instant({0}, 'Europe/Berlin')|2024-07-01 12:00|2024-07-01 10:00:00+00",
        "meta.try_local_instant({0}, 'Europe/Berlin')|2024-01-01T12:00:30.5|2024-01-01 11:00:30.5+00",
        "meta.try_local_instant({0}, 'UTC')|2024-02-30 12:00|null",
        "meta.try_local_instant({0}, 'UTC')|2024-01-01 25:00|null",
        "meta.try_local_instant({0}, 'UTC')|2024-01-01T12:00:00Z|null"
      })
  void everyDeclaredTypeParsesOrGivesNull(String function, String text, String expected) {
    dsl.execute("set timezone = 'UTC'");
    Object literal =
        dsl.fetchValue(
            DSL.select(DSL.field(function, String.class, DSL.inline(text)).cast(String.class)));
    Object column =
        dsl.fetchValue(
            "select (" + function.replace("{0}", "v") + ")::text from (values (?)) t(v)",
            (Object) text);
    String want = "null".equals(expected) ? null : expected;
    assertThat(literal).as("literal").isEqualTo(want);
    assertThat(column).as("column").isEqualTo(want);
  }
}
