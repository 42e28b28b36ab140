package io.sluice.activities.support;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where a person finds a run in the Temporal UI: the UI's base URL ({@code SLUICE_TEMPORAL_UI_URL})
 * and the namespace the workers poll ({@code TEMPORAL_NAMESPACE}). An empty base URL means there is
 * no UI to link to, and reports carry no link.
 */
public record TemporalUi(String baseUrl, String namespace) {

  /** The UI of {@code temporal server start-dev}, on its default namespace. */
  public static final TemporalUi DEFAULT = new TemporalUi("http://127.0.0.1:8233", "default");

  public TemporalUi {
    baseUrl = baseUrl == null ? "" : baseUrl.strip();
    while (baseUrl.endsWith("/")) {
      baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
    }
    // the URL ends up in an href: anything but http(s) (javascript:, data:) is refused
    if (!baseUrl.isEmpty() && !baseUrl.matches("(?i)https?://[^\\s\"'<>]+")) {
      throw new IllegalArgumentException(
          "SLUICE_TEMPORAL_UI_URL: '"
              + baseUrl
              + "' is not an http:// or https:// address; give the Temporal UI's address (such"
              + " as http://127.0.0.1:8233), or set it empty for reports without a link");
    }
    if (namespace == null || namespace.isBlank()) {
      throw new IllegalArgumentException(
          "TEMPORAL_NAMESPACE is empty; give the namespace the workers poll (such as default)");
    }
  }

  /** The history page of one workflow run; null when there is no UI to link to. */
  public String historyUrl(String workflowId, String runId) {
    if (baseUrl.isEmpty()) {
      return null;
    }
    return baseUrl
        + "/namespaces/"
        + segment(namespace)
        + "/workflows/"
        + segment(workflowId)
        + "/"
        + segment(runId)
        + "/history";
  }

  /** One path segment: a workflow id such as {@code sluice/orders/2024-01-05} keeps its slashes. */
  private static String segment(String s) {
    // URLEncoder encodes for forms, where a space is '+'; in a path it must be %20
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
