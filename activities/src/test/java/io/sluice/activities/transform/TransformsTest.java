package io.sluice.activities.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sluice.activities.ActivityHarness;
import io.sluice.activities.config.PipelineConfig.StepConfig;
import io.sluice.activities.config.PipelineConfig.TransformConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jooq.Condition;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transforms fitted on a hand-made table whose training rows and expected parameters are written
 * here: the fit reads the training rows only, and the spec alone says how to compute every exported
 * value.
 */
class TransformsTest {

  @TempDir Path tmp;
  ActivityHarness h;
  Table<Record> table = DSL.table(DSL.name("hand_made"));
  Condition train = DSL.field(DSL.name("feature_date")).le(DSL.date("2024-01-31"));

  @BeforeEach
  void setUp() {
    h = new ActivityHarness(tmp);
    h.dsl.execute(
        "create table hand_made (feature_date date, amount numeric, cat text, label smallint)");
    // training rows: amount 1, 2, 3, 4, null, 10; cat a, a, b, b, c, null
    h.dsl.execute(
        "insert into hand_made values"
            + " ('2024-01-01', 1, 'a', 0), ('2024-01-01', 2, 'b', 1),"
            + " ('2024-01-02', 3, 'a', 0), ('2024-01-02', 4, 'b', 1),"
            + " ('2024-01-03', null, 'c', 0), ('2024-01-03', 10, null, 1)");
    // later rows (validation and test): nothing of them may reach a fitted parameter
    h.dsl.execute(
        "insert into hand_made values ('2024-02-10', 1000, 'zzz', 1), ('2024-02-11', -5, 'c', 0)");
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private static StepConfig step(String op) {
    return new StepConfig(op, null, null, null, null, null, null, null, null);
  }

  static final List<TransformConfig> DECLARED =
      List.of(
          new TransformConfig("amount_std", "amount", List.of(step("standard"))),
          new TransformConfig(
              "amount_imputed",
              "amount",
              List.of(
                  new StepConfig("impute", "median", null, true, null, null, null, null, null),
                  step("standard"))),
          new TransformConfig(
              "amount_clipped",
              "amount",
              List.of(
                  new StepConfig("clip", null, null, null, 0.25, 0.75, null, null, null),
                  step("minmax"))),
          new TransformConfig("amount_log", "amount", List.of(step("log1p"), step("standard"))),
          new TransformConfig(
              null,
              "cat",
              List.of(new StepConfig("one_hot", null, null, null, null, null, 2, "other", null))),
          new TransformConfig("cat_code", "cat", List.of(step("ordinal"))),
          new TransformConfig("cat_freq", "cat", List.of(step("frequency"))));

  private Transforms.Spec fit() {
    return Transforms.fit(
        h.dsl, table, train, "2024-01-01", "2024-01-03", DECLARED, Set.of("amount", "cat"));
  }

  private static Map<String, Object> only(Transforms.Spec spec, String column, int step) {
    return spec.columns().stream()
        .filter(o -> o.name().equals(column))
        .findFirst()
        .orElseThrow()
        .steps()
        .get(step);
  }

  private static double num(Map<String, Object> step, String key) {
    return ((Number) step.get(key)).doubleValue();
  }

  @Test
  void parametersComeFromTheTrainingRowsOnly() {
    Transforms.Spec spec = fit();
    assertThat(spec.fittedOn().rows()).isEqualTo(6);
    assertThat(spec.columns().stream().map(Transforms.Output::name))
        .containsExactly(
            "amount_std",
            "amount_imputed",
            "amount_imputed_missing",
            "amount_clipped",
            "amount_log",
            "cat_one_hot__a",
            "cat_one_hot__b",
            "cat_one_hot__other__",
            "cat_code",
            "cat_freq");

    // standard over 1, 2, 3, 4, 10: mean 4, population deviation sqrt(50 / 5)
    assertThat(num(only(spec, "amount_std", 0), "mean")).isEqualTo(4.0);
    assertThat(num(only(spec, "amount_std", 0), "scale")).isCloseTo(Math.sqrt(10), within(1e-12));
    // the median of 1, 2, 3, 4, 10 fills the null: 1, 2, 3, 4, 3, 10
    assertThat(num(only(spec, "amount_imputed", 0), "value")).isEqualTo(3.0);
    double mean = 23.0 / 6;
    double ss = 0;
    for (double v : new double[] {1, 2, 3, 4, 3, 10}) {
      ss += (v - mean) * (v - mean);
    }
    assertThat(num(only(spec, "amount_imputed", 1), "mean")).isCloseTo(mean, within(1e-12));
    assertThat(num(only(spec, "amount_imputed", 1), "scale"))
        .isCloseTo(Math.sqrt(ss / 6), within(1e-12));
    // quantiles 0.25 and 0.75 of 1, 2, 3, 4, 10 (linear interpolation): 2 and 4; clipped: 2..4
    assertThat(num(only(spec, "amount_clipped", 0), "lower")).isEqualTo(2.0);
    assertThat(num(only(spec, "amount_clipped", 0), "upper")).isEqualTo(4.0);
    assertThat(num(only(spec, "amount_clipped", 1), "min")).isEqualTo(2.0);
    assertThat(num(only(spec, "amount_clipped", 1), "max")).isEqualTo(4.0);
    double logMean = 0;
    for (double v : new double[] {1, 2, 3, 4, 10}) {
      logMean += Math.log1p(v) / 5;
    }
    assertThat(num(only(spec, "amount_log", 1), "mean")).isCloseTo(logMean, within(1e-12));
    // a and b twice each, c once: the two most frequent (a tie broken by the value) get columns
    assertThat(only(spec, "cat_one_hot__a", 0).get("vocabulary")).isEqualTo(List.of("a", "b"));
    assertThat(only(spec, "cat_code", 0).get("vocabulary")).isEqualTo(List.of("a", "b", "c"));
    assertThat(only(spec, "cat_freq", 0).get("frequencies"))
        .isEqualTo(Map.of("a", 0.4, "b", 0.4, "c", 0.2));
  }

  @Test
  void changingLaterRowsChangesNoParameterAndTheFingerprintFollowsTheTrainingRows() {
    Transforms.Spec before = fit();
    h.dsl.execute(
        "update hand_made set amount = amount * 7 - 3, cat = 'q' where feature_date > '2024-01-31'");
    h.dsl.execute("insert into hand_made values ('2024-02-12', 99999, 'a', 1)");
    assertThat(fit()).isEqualTo(before);

    // the same training rows laid down in another order: the same fingerprint
    h.dsl.execute(
        "create table shuffled as select * from hand_made order by amount desc nulls first");
    h.dsl.execute("drop table hand_made");
    h.dsl.execute("alter table shuffled rename to hand_made");
    assertThat(fit().fittedOn().fingerprint()).isEqualTo(before.fittedOn().fingerprint());

    h.dsl.execute("update hand_made set amount = 5 where amount = 4");
    Transforms.Spec changed = fit();
    assertThat(changed.fittedOn().fingerprint()).isNotEqualTo(before.fittedOn().fingerprint());
    assertThat(num(only(changed, "amount_std", 0), "mean")).isEqualTo(4.2);
  }

  @Test
  void theSpecAloneComputesEveryColumn() {
    Map<String, Function<Object, Object>> apply = new HashMap<>();
    for (Transforms.Output o : fit().columns()) {
      apply.put(o.name(), Transforms.applier(o));
    }
    assertThat((Double) apply.get("amount_std").apply(1000.0))
        .isCloseTo((1000 - 4) / Math.sqrt(10), within(1e-12));
    assertThat(apply.get("amount_std").apply(null)).isNull();
    assertThat(apply.get("amount_imputed_missing").apply(null)).isEqualTo(1);
    assertThat(apply.get("amount_imputed_missing").apply(7.0)).isEqualTo(0);
    assertThat((Double) apply.get("amount_imputed").apply(null))
        .isEqualTo((Double) apply.get("amount_imputed").apply(3.0));
    assertThat(apply.get("amount_clipped").apply(-5.0)).isEqualTo(0.0);
    assertThat(apply.get("amount_clipped").apply(1000.0)).isEqualTo(1.0);
    assertThat(apply.get("amount_clipped").apply(3.0)).isEqualTo(0.5);
    assertThat(apply.get("amount_log").apply(-1.0)).as("log1p of -1 has no value").isNull();
    List<Object> oneHot = new ArrayList<>();
    for (String v : new String[] {"a", "c", "zzz"}) {
      for (String c : new String[] {"cat_one_hot__a", "cat_one_hot__b", "cat_one_hot__other__"}) {
        oneHot.add(apply.get(c).apply(v));
      }
    }
    assertThat(oneHot).containsExactly(1, 0, 0, 0, 0, 1, 0, 0, 1);
    assertThat(apply.get("cat_one_hot__other__").apply(null)).isEqualTo(0);
    assertThat(apply.get("cat_code").apply("c")).isEqualTo(2);
    assertThat(apply.get("cat_code").apply("zzz")).isEqualTo(-1);
    assertThat(apply.get("cat_freq").apply("zzz")).isEqualTo(0.0);
    assertThat(apply.get("cat_freq").apply(null)).isNull();
  }

  @Test
  void anUnseenValueFailsAnEncodingDeclaredToRefuseIt() {
    Transforms.Spec spec =
        Transforms.fit(
            h.dsl,
            table,
            train,
            "2024-01-01",
            "2024-01-03",
            List.of(
                new TransformConfig(
                    "strict",
                    "cat",
                    List.of(
                        new StepConfig(
                            "one_hot", null, null, null, null, null, null, "error", null)))),
            Set.of());
    assertThat(spec.columns().stream().map(Transforms.Output::name))
        .containsExactly("strict__a", "strict__b", "strict__c");
    Function<Object, Object> a = Transforms.applier(spec.columns().get(0));
    assertThat(a.apply("b")).isEqualTo(0);
    assertThat(a.apply(null)).isEqualTo(0);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.apply("zzz"))
        .isInstanceOf(Transforms.UnseenCategory.class)
        .hasMessageContaining("cat has the value 'zzz', which is not among the 3 training values")
        .hasMessageContaining("unseen: other");
  }
}
