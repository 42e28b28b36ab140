package io.sluice.activities.config;

import io.sluice.activities.config.PipelineConfig.ExpectationConfig;
import io.sluice.activities.dataset.ColumnSpec;
import io.sluice.activities.dataset.RowRule;
import io.sluice.activities.validate.Expectation;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.postgresql.util.PSQLException;

/**
 * The patterns of a config (the {@code matches} expectations' and the columns' {@code pattern}
 * rules), compiled by PostgreSQL, which runs them. The loader can only ask Java's regex, which
 * accepts patterns PostgreSQL's syntax (ARE) does not: {@code \p{Lu}}, possessive quantifiers,
 * named groups.
 */
public final class PatternCheck {

  /** The SQLSTATE of invalid_regular_expression. */
  private static final String INVALID_REGULAR_EXPRESSION = "2201B";

  private static final String ARE_SYNTAX =
      "https://www.postgresql.org/docs/current/functions-matching.html#POSIX-SYNTAX-DETAILS";

  private PatternCheck() {}

  /**
   * Throws {@link BadConfigException} naming the config file, the key of every pattern PostgreSQL
   * cannot compile and PostgreSQL's reason.
   */
  public static void require(DSLContext dsl, LoadedConfig config) {
    List<String> problems = new ArrayList<>();
    List<ExpectationConfig> expectations = config.expectations();
    for (int i = 0; i < expectations.size(); i++) {
      ExpectationConfig e = expectations.get(i);
      if (Expectation.KINDS.containsKey(e.type())
          && Expectation.of(e) instanceof Expectation.Matches) {
        check(dsl, "expectations[" + i + "].pattern", e.pattern(), problems);
      }
    }
    for (ColumnSpec c : config.schema().columns()) {
      for (RowRule r : c.rules()) {
        if (r instanceof RowRule.Pattern p) {
          check(dsl, "columns." + c.name() + ".pattern", p.regex(), problems);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new BadConfigException(
          config.file()
              + ": "
              + String.join("; ", problems)
              + "; write patterns in PostgreSQL's regular expression syntax (ARE, "
              + ARE_SYNTAX
              + ")");
    }
  }

  private static void check(DSLContext dsl, String key, String pattern, List<String> problems) {
    String reason = refusal(dsl, pattern);
    if (reason != null) {
      problems.add(
          "key '" + key + "': PostgreSQL cannot compile '" + pattern + "' (" + reason + ")");
    }
  }

  /** PostgreSQL's reason for refusing {@code pattern}, or null when it compiles. */
  private static String refusal(DSLContext dsl, String pattern) {
    try {
      // the operator validate matches with, the pattern bound as it is there
      dsl.fetchValue(DSL.field(DSL.inline("").likeRegex(pattern)));
      return null;
    } catch (DataAccessException e) {
      if (!INVALID_REGULAR_EXPRESSION.equals(e.sqlState())) {
        throw e;
      }
      SQLException cause = e.getCause(SQLException.class);
      return cause instanceof PSQLException p && p.getServerErrorMessage() != null
          ? p.getServerErrorMessage().getMessage()
          : cause.getMessage();
    }
  }
}
