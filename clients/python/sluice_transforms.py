"""Re-applies the transforms of a Sluice export from its metadata.json alone.

A snapshot's metadata.json carries, under "transforms", every exported transformed column: the
feature it reads ("input"), and its steps with the parameters fitted on the training split
(docs/exports.md#transforms). This module applies them to raw feature values, as a trainer or a
serving system would:

    import json, pandas as pd, sluice_transforms
    meta = json.load(open("data/features/orders/v1/latest/metadata.json"))
    raw = pd.read_parquet("data/features/orders/v1/latest/test.parquet")
    model_input = sluice_transforms.apply(meta, raw)

Run as a script, it checks a snapshot: it recomputes every transformed column of every split
from the raw columns and compares them with the exported ones (to 1e-9), then trains a small
logistic regression on the training split and prints its AUC on the test split.

    python sluice_transforms.py check data/features/orders/v1/latest
"""

import json
import sys

import numpy as np
import pandas as pd


def _numeric_step(step, x):
    op = step["op"]
    if op == "impute":
        return x if step.get("value") is None else x.fillna(step["value"])
    if op == "clip":
        if step.get("lower") is not None:
            x = x.where(x.isna() | (x >= step["lower"]), step["lower"])
        if step.get("upper") is not None:
            x = x.where(x.isna() | (x <= step["upper"]), step["upper"])
        return x
    if op == "log1p":
        return np.log1p(x.where(x > -1))
    if op == "standard":
        if step.get("mean") is None:
            return x * np.nan
        scale = step.get("scale")
        centred = x - step["mean"]
        return centred if not scale else centred / scale
    if op == "minmax":
        if step.get("min") is None:
            return x * np.nan
        span = step["max"] - step["min"]
        return (x * 0.0) if span == 0 else (x - step["min"]) / span
    raise ValueError(f"unknown step {op!r}")


def apply_column(column, raw):
    """The exported column `column` (an entry of metadata["transforms"]["columns"]) from the raw
    values of its input, a pandas Series."""
    steps = column["steps"]
    first = steps[0]
    op = first["op"]
    if op == "missing_indicator":
        return raw.isna().astype("int64")
    if op == "one_hot":
        vocabulary = set(first["vocabulary"])
        present = raw.notna()
        known = raw.isin(vocabulary)
        if first.get("unseen") == "error" and (present & ~known).any():
            bad = raw[present & ~known].iloc[0]
            raise ValueError(f"{column['input']} has {bad!r}, not in the vocabulary")
        if first.get("other"):
            return (present & ~known).astype("int64")
        return (raw == first["value"]).fillna(False).astype("int64")
    if op == "ordinal":
        codes = {v: i for i, v in enumerate(first["vocabulary"])}
        unseen = first.get("unseen_code", -1)
        return raw.map(lambda v: codes.get(v, unseen) if isinstance(v, str) else None).astype("Int64")
    if op == "frequency":
        shares = first["frequencies"]
        unseen = first.get("unseen_value", 0.0)
        return raw.map(lambda v: shares.get(v, unseen) if isinstance(v, str) else np.nan).astype("float64")
    x = pd.to_numeric(raw, errors="raise").astype("float64")
    for step in steps:
        x = _numeric_step(step, x)
    return x


def apply(meta, raw):
    """Every transformed column of the snapshot described by `meta`, from the raw columns of
    `raw` (a DataFrame with the export's feature columns)."""
    return pd.DataFrame(
        {c["name"]: apply_column(c, raw[c["input"]]) for c in meta["transforms"]["columns"]},
        index=raw.index,
    )


def _differences(exported, recomputed, tolerance=1e-9):
    problems = []
    for name in recomputed.columns:
        a = pd.to_numeric(exported[name], errors="raise").astype("float64").to_numpy()
        b = recomputed[name].astype("float64").to_numpy()
        both_null = np.isnan(a) & np.isnan(b)
        close = np.isclose(a, b, rtol=0, atol=tolerance) | both_null
        if not close.all():
            i = int(np.argmin(close))
            problems.append(f"{name}: row {i}: exported {a[i]!r}, recomputed {b[i]!r}")
    return problems


def _auc(labels, scores):
    """Area under the ROC curve, from the ranks of the scores (ties get their mean rank)."""
    ranks = pd.Series(scores).rank(method="average").to_numpy()
    positives = labels == 1
    n_pos, n_neg = positives.sum(), (~positives).sum()
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    return (ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def _logistic_regression(x, y, iterations=500, rate=0.5, l2=1e-3):
    w = np.zeros(x.shape[1])
    b = 0.0
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        w -= rate * (x.T @ (p - y) / len(y) + l2 * w)
        b -= rate * float(np.mean(p - y))
    return w, b


def check(snapshot):
    meta = json.load(open(f"{snapshot}/metadata.json"))
    if "transforms" not in meta:
        print(f"{snapshot}: no transforms declared", file=sys.stderr)
        return 1
    label = meta["label"]["name"]
    frames = {}
    problems = []
    for split, info in meta["splits"].items():
        exported = pd.read_parquet(f"{snapshot}/{info['parquet_file']}")
        if len(exported) != info["rows"]:
            problems.append(f"{split}: {len(exported)} rows, metadata says {info['rows']}")
        recomputed = apply(meta, exported)
        problems += [f"{split}: {p}" for p in _differences(exported, recomputed)]
        frames[split] = (recomputed, exported[label])
        print(f"{split}: {len(exported)} rows, {len(recomputed.columns)} transformed columns recomputed")
    if problems:
        print("transformed columns that the spec does not give:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    x_train, y_train = frames["train"]
    x_test, y_test = frames["test"]
    if len(x_test) == 0 or y_train.nunique() < 2:
        print("AUC on test: not computed (the test split is empty or train has one class)")
        return 0
    w, b = _logistic_regression(x_train.fillna(0).to_numpy(float), y_train.to_numpy(float))
    scores = x_test.fillna(0).to_numpy(float) @ w + b
    print(f"AUC on test: {_auc(y_test.to_numpy(), scores):.4f} "
          f"(logistic regression on {len(x_train.columns)} transformed columns, "
          f"{len(x_train)} training rows, {len(x_test)} test rows)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "check":
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(check(sys.argv[2]))
