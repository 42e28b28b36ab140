"""What a careful Python engineer would run for orders' validate + stage (bench/ingest-stage).

pandas reads the day's CSV, the values are normalised as Sluice declares them (spaces trimmed,
empty text missing, case folded), parsed to their types, checked with pandera (the bundled
expectations: required values, instants, non-negative amounts, known categories and statuses,
currency codes, unique order ids), judged into quarantine reasons, the latest line of each order id
kept, and the staged and quarantined rows copied into PostgreSQL.

    python pandas_validate_stage.py <orders.csv> <postgresql conninfo>

Prints the counts and `peer_ms=<milliseconds>` from reading the file to the commit.
"""

import io
import sys
import time
import warnings

import numpy as np
import pandas as pd
import pandera as pa
import psycopg

CATEGORIES = ["electronics", "books", "home", "toys", "grocery", "fashion", "sports", "beauty"]
STATUSES = ["completed", "cancelled", "refunded"]


def clean(s, case=None):
    s = s.str.strip(" ")
    s = s.mask(s == "")
    if case == "lower":
        s = s.str.lower()
    elif case == "upper":
        s = s.str.upper()
    return s


def expectations():
    mostly = lambda share: (lambda ok: ok.mean() >= share)  # noqa: E731
    return pa.DataFrameSchema(
        {
            "order_id": pa.Column(str, nullable=True, checks=pa.Check(lambda s: s.notna(), element_wise=False)),
            "customer_id": pa.Column(str, nullable=True, checks=pa.Check(lambda s: s.notna(), element_wise=False)),
            "order_ts_text": pa.Column(str, nullable=True),
            "amount_value": pa.Column(float, nullable=True, checks=pa.Check.ge(0)),
            "category": pa.Column(str, nullable=True, checks=pa.Check.isin(CATEGORIES)),
            "status": pa.Column(str, nullable=True, checks=pa.Check.isin(STATUSES)),
            "currency_received": pa.Column(str, nullable=True, checks=pa.Check.str_matches(r"^\s*[A-Za-z]{3}\s*$")),
        },
        checks=[pa.Check(lambda df: ~df["order_id"].dropna().duplicated(), element_wise=False)],
        strict=False,
    )


PHASES = []


def phase(name, since):
    now = time.monotonic()
    PHASES.append(f"{name} {int((now - since) * 1000)} ms")
    return now


def main(path, conninfo):
    start = t = time.monotonic()
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    raw["line_no"] = np.arange(2, len(raw) + 2)
    t = phase("read_csv", t)

    df = pd.DataFrame({"line_no": raw["line_no"]})
    df["order_id"] = clean(raw["order_id"])
    df["customer_id"] = clean(raw["customer_id"])
    df["order_ts_text"] = clean(raw["order_ts"])
    df["order_ts"] = pd.to_datetime(df["order_ts_text"], format="ISO8601", utc=True, errors="coerce")
    amount_text = clean(raw["amount"])
    df["amount_value"] = pd.to_numeric(amount_text, errors="coerce")
    df["currency"] = clean(raw["currency"], "upper")
    df["currency_received"] = raw["currency"]
    df["status"] = clean(raw["status"], "lower")
    df["category"] = clean(raw["category"], "lower")
    df["country"] = clean(raw["country"], "upper")
    df["channel"] = clean(raw["channel"], "lower")
    qty_text = clean(raw["quantity"])
    df["quantity"] = pd.to_numeric(qty_text, errors="coerce", downcast=None)

    t = phase("normalise and parse", t)

    # validation: every expectation, failures collected (lazy), not raised
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            expectations().validate(df, lazy=True)
            failures = 0
        except pa.errors.SchemaErrors as e:
            failures = len(e.failure_cases)
    t = phase("pandera", t)

    # staging: every reason a row cannot be staged, in declaration order
    checks = [
        (df["order_id"].isna(), "missing_order_id"),
        (df["customer_id"].isna(), "missing_customer_id"),
        (df["order_ts_text"].isna(), "missing_order_ts"),
        (df["order_ts_text"].notna() & df["order_ts"].isna(), "bad_order_ts"),
        (amount_text.isna(), "missing_amount"),
        (amount_text.notna() & df["amount_value"].isna(), "bad_amount"),
        (df["amount_value"] < 0, "negative_amount"),
        (df["status"].isna(), "missing_status"),
        (df["status"].notna() & ~df["status"].isin(STATUSES), "unknown_status"),
        (df["category"].isna(), "missing_category"),
        (df["category"].notna() & ~df["category"].isin(CATEGORIES), "unknown_category"),
        (qty_text.isna(), "missing_quantity"),
        (qty_text.notna() & ~((df["quantity"] > 0) & (df["quantity"] % 1 == 0)), "bad_quantity"),
    ]
    reasons = pd.Series("", index=df.index)
    for mask, reason in checks:
        reasons = reasons.where(~mask.fillna(False), reasons + "," + reason)
    bad = reasons != ""
    quarantined = pd.DataFrame({"line_no": df["line_no"][bad], "reasons": "{" + reasons[bad].str[1:] + "}"})
    valid = df[~bad].drop_duplicates("order_id", keep="last")
    staged = valid[["order_id", "customer_id", "order_ts", "amount_value", "currency", "status",
                    "category", "country", "channel", "quantity"]].copy()
    staged["quantity"] = staged["quantity"].astype("int64")
    # naive UTC text writes several times faster than pandas' zone-aware formatting; the session
    # reads it as UTC
    staged["order_ts"] = staged["order_ts"].dt.tz_localize(None)
    t = phase("judge and keep the latest line", t)

    with psycopg.connect(conninfo) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        conn.execute("DROP TABLE IF EXISTS peer_stg, peer_quarantine")
        conn.execute(
            "CREATE TABLE peer_stg (order_id text PRIMARY KEY, customer_id text, order_ts timestamptz,"
            " amount numeric, currency text, status text, category text, country text, channel text,"
            " quantity integer)")
        conn.execute("CREATE TABLE peer_quarantine (line_no bigint, reasons text[])")
        for table, frame in (("peer_stg", staged), ("peer_quarantine", quarantined)):
            buf = io.StringIO()
            frame.to_csv(buf, index=False, header=False)
            buf.seek(0)
            with conn.cursor().copy(f"COPY {table} FROM STDIN (FORMAT csv)") as copy:
                while chunk := buf.read(1 << 20):
                    copy.write(chunk)
    phase("COPY into PostgreSQL", t)
    elapsed = (time.monotonic() - start) * 1000
    print("phases: " + ", ".join(PHASES), file=sys.stderr)
    print(f"rows={len(df)} quarantined={int(bad.sum())} staged={len(staged)} expectation_failures={failures}")
    print(f"peer_ms={int(elapsed)}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
