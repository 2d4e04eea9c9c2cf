"""Differential testing of run search: generated queries, answered by the real MLflow.

    python3 searchdiff.py generate --seed 20261207 --count 3000 > queries.json
    /opt/mlflow2/bin/python searchdiff.py record queries.json file:MLRUNS sqlite:MLFLOW_DB > answers-2.22.json
    /opt/mlflow3/bin/python searchdiff.py record queries.json file:MLRUNS sqlite:MLFLOW_DB > answers-3.6.json

`generate` needs only the Python standard library and the fixtures' expected.json files (for keys
and values that occur in the stores). It is seeded and deterministic: the same seed gives the same
queries. `record` runs every query with MLflow's own store classes (FileStore, SqlAlchemyStore) on
copies of the stores and writes, per store, the run ids in MLflow's order or MLflow's error code.
"""

import json
import os
import random
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(os.path.dirname(HERE))


def vocabulary():
    """Keys and values found in the fixture stores, plus some that are in none of them."""
    metrics, params, tags = {}, {}, {}
    for version in ("mlflow-2.22", "mlflow-3.6"):
        expected = json.load(open(os.path.join(DATA, version, "expected.json")))
        for store in expected["stores"].values():
            for experiment in store["experiments"]:
                for run in experiment.get("runs", []):
                    for k, v in run.get("latest_metrics", {}).items():
                        metrics.setdefault(k, set()).add(json.dumps(v["value"] if isinstance(v, dict) else v))
                    for k, v in run.get("params", {}).items():
                        params.setdefault(k, set()).add(v)
                    for k, v in run.get("tags", {}).items():
                        if not k.startswith("mlflow.log-model") and len(v) < 80:
                            tags.setdefault(k, set()).add(v)
    return ({k: sorted(v) for k, v in sorted(metrics.items())},
            {k: sorted(v) for k, v in sorted(params.items())},
            {k: sorted(v) for k, v in sorted(tags.items())})


ATTRIBUTES = ["run_id", "run_name", "status", "start_time", "end_time", "user_id", "artifact_uri",
              "created", "Created", "run name", "Run name", "Run Name", "run_id", "run_name", "status",
              "start_time", "end_time", "user_id", "created", "run_name", "status"]
RARE_ATTRIBUTES = ["lifecycle_stage", "experiment_id", "end time", "Status", "RUN_ID"]
NUMERIC_ATTRIBUTES = {"start_time", "end_time", "created", "Created"}
STATUSES = ["RUNNING", "FINISHED", "FAILED", "KILLED", "SCHEDULED", "running", "Finished"]
PREFIXES = {"metric": ["metrics", "metric", "metrics", "metric", "METRICS"],
            "param": ["params", "param", "parameters", "parameter"],
            "tag": ["tags", "tag"], "attribute": ["attributes", "attribute", "attr", "run", "attributes"]}


class Generator:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.metrics, self.params, self.tags = vocabulary()

    def pick(self, items):
        return items[self.r.randrange(len(items))]

    def chance(self, p):
        return self.r.random() < p

    def quoted_key(self, key):
        plain = all(c.isalnum() or c in "_." for c in key) and not key[0].isdigit()
        choice = self.r.randrange(10)
        if choice < 4 and plain:
            return key
        if choice < 7:
            return f"`{key}`"
        if choice < 9:
            return f'"{key}"'
        return f"'{key}'"

    def string_literal(self, text):
        if "'" in text and '"' not in text:
            return f'"{text}"'
        if self.chance(0.15) and '"' not in text:
            return f'"{text}"'
        return "'" + text.replace("'", "") + "'"

    def number(self, around=None):
        choice = self.r.randrange(8)
        if around is not None and choice < 4:
            return around
        return self.pick(["0", "1", "-1", "0.5", "2.3", "1e3", "1.5E-2", ".5", "5.", "100", "-0.0",
                          "0.9", "0.81", "2", "3", "1735689600000", "NaN", "inf", "+1", "1e400"])

    def like_pattern(self, value):
        if not value or self.chance(0.3):
            return self.pick(["%", "_", "%a%", "A%", "%_%", "%.%", "a.c", "%[%", "%(%", "%*", "%\\%", "%\\_%",
                              "%é%", "%É%", "%ü%", "%Ü%", "%测%", "", "%$", "^%", "%|%", "%+%"])
        n = len(value)
        i, j = sorted((self.r.randrange(n + 1), self.r.randrange(n + 1)))
        part = value[i:j]
        if self.chance(0.5):
            part = part.upper() if self.chance(0.5) else part.lower()
        return self.pick(["%" + part + "%", part + "%", "%" + part, part, part.replace(part[:1], "_", 1)])

    def clause(self):
        kind = self.pick(["metric", "metric", "param", "param", "tag", "tag", "attribute", "attribute", "dataset"])
        if kind == "dataset":
            field = self.pick(["name", "digest", "context"])
            op = self.pick(["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"])
            value = self.pick(["cifar10-eval", "imdb", "train", "eval", "%a%", "12fe2f12", "x"])
            return f"{self.pick(['datasets', 'dataset'])}.{field} {op} {self.value_for(op, [value])}"
        prefix = self.pick(PREFIXES[kind]) if self.chance(0.3) else PREFIXES[kind][0]
        if kind == "metric":
            key = self.pick(list(self.metrics) + ["missing_metric"])
            op = self.pick(["=", "!=", "<", "<=", ">", ">=", ">", "<"] + (["LIKE", "IN"] if self.chance(0.05) else []))
            values = self.metrics.get(key, ["1"])
            around = self.pick(values)
            if around in ('"NaN"', '"Infinity"', '"-Infinity"'):
                around = around.strip('"').replace("Infinity", "inf")
            value = self.number(around) if op not in ("LIKE", "IN") else self.value_for(op, values)
            if self.chance(0.04):
                value = self.string_literal(value)
            return f"{prefix}.{self.quoted_key(key)} {op} {value}"
        if kind in ("param", "tag"):
            table = self.params if kind == "param" else self.tags
            key = self.pick(list(table) + [f"missing_{kind}"])
            values = table.get(key, ["x"])
            op = self.pick(["=", "=", "!=", "LIKE", "ILIKE", "LIKE", "ILIKE", "="] if self.chance(0.85)
                           else ["IN", "NOT IN", "<", "=="])
            return f"{prefix}.{self.quoted_key(key)} {op} {self.value_for(op, values)}"
        attribute = self.pick(ATTRIBUTES if self.chance(0.93) else RARE_ATTRIBUTES)
        if attribute in NUMERIC_ATTRIBUTES:
            op = self.pick(["=", "!=", "<", "<=", ">", ">=", "LIKE"][: 6 if self.chance(0.95) else 7])
            value = self.pick(["1735689600000", "0", "1", "1700000000000", "1735689600000.5", "'1735689600000'",
                               "9999999999999", "1.7e12", "-1"])
            return f"{prefix}.{self.quoted_key(attribute)} {op} {value}"
        if attribute == "status":
            op = self.pick(["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"])
            return f"{prefix}.{attribute} {op} {self.value_for(op, STATUSES)}"
        op = self.pick(["=", "!=", "LIKE", "ILIKE", "=", "LIKE"] if attribute != "run_id" or self.chance(0.5)
                       else ["IN", "NOT IN"]) if self.chance(0.92) else self.pick(["IN", "NOT IN", ">"])
        if attribute == "run_id" and op in ("=", "!=", "IN", "NOT IN"):
            # Ids differ between stores: the recorder puts the id of the run of that name in its place.
            names = ["{run:" + n + "}" for n in self.tags.get("mlflow.runName", [])] + ["0123456789abcdef"]
            return f"{prefix}.{self.quoted_key(attribute)} {op} {self.value_for(op, names)}"
        values = {"run_name": sorted({v for v in self.tags.get("mlflow.runName", [])}),
                  "run name": sorted({v for v in self.tags.get("mlflow.runName", [])}),
                  "user_id": sorted({v for v in self.tags.get("mlflow.user", [])}) or ["alice"]}.get(
            attribute.lower().replace("run name", "run_name"), ["x", "alice", "a", "active", "0"])
        return f"{prefix}.{self.quoted_key(attribute)} {op} {self.value_for(op, values)}"

    def value_for(self, op, values):
        value = self.pick(values) if values else "x"
        if op in ("LIKE", "ILIKE"):
            return self.string_literal(self.like_pattern(value))
        if op in ("IN", "NOT IN"):
            items = [self.string_literal(self.pick(values)) for _ in range(1 + self.r.randrange(3))]
            if self.chance(0.1):
                return "(" + " , ".join(items) + " )"
            if self.chance(0.05):
                return "()"
            return "(" + ",".join(items) + ")"
        if self.chance(0.05):
            return value if value.replace(".", "").isdigit() else self.string_literal(value)
        return self.string_literal(value)

    def filter(self):
        if self.chance(0.08):
            return ""
        clauses = [self.clause() for _ in range(self.pick([1, 1, 1, 2, 2, 3]))]
        joiner = self.pick([" AND ", " and ", " AND ", " And "])
        text = joiner.join(clauses)
        if self.chance(0.06):  # the corners: broken or unusual joins and whitespace
            text = self.pick([text + " and", text + " AND AND " + self.clause(), "   ", "\t",
                              text + " OR " + self.clause(), "(" + text + ")", text + ";", "  " + text + "  ",
                              text.replace(" ", "  "), "AND " + text, text + " AND", text.replace("=", "==", 1)])
        return text

    def order_by(self):
        terms = []
        for _ in range(self.r.randrange(4) if self.chance(0.6) else 0):
            kind = self.pick(["metric", "param", "tag", "attribute", "attribute"])
            if kind == "metric":
                key = self.pick(list(self.metrics) + ["missing_metric"])
            elif kind == "param":
                key = self.pick(list(self.params) + ["missing_param"])
            elif kind == "tag":
                key = self.pick(list(self.tags) + ["missing_tag"])
            else:
                key = self.pick(ATTRIBUTES if self.chance(0.9) else RARE_ATTRIBUTES)
            term = f"{self.pick(PREFIXES[kind]) if self.chance(0.2) else PREFIXES[kind][0]}.{self.quoted_key(key)}"
            if kind == "attribute" and self.chance(0.3):
                term = self.quoted_key(key) if key not in ("run name", "Run name", "Run Name", "end time") else f"`{key}`"
            direction = self.pick(["", " ASC", " DESC", " asc", " desc", " DESC", " ASC"])
            terms.append(term + direction)
        if terms and self.chance(0.08):
            terms.append(terms[0])  # the same key twice
        if self.chance(0.02):
            terms.append(self.pick(["metrics.loss DESC ASC", "", "metrics.", "bogus.x", "metrics.loss sideways"]))
        return terms

    def query(self):
        return {"filter": self.filter(), "order_by": self.order_by(),
                "view": self.pick(["ACTIVE_ONLY", "ALL", "ALL", "DELETED_ONLY"])}


# Written by hand, before the generated ones: the corners named when this test was made, so each is
# answered by MLflow whatever the seed gives.
CORNERS = [
    {"filter": "   ", "order_by": []},
    {"filter": "\t", "order_by": []},
    {"filter": "attributes.run_id IN ( '{run:trial-0}' , '{run:trial-1}' )", "order_by": []},
    {"filter": "attributes.run_id IN ('{run:trial-0}' , \"{run:trial-1}\")", "order_by": []},
    {"filter": "params.'optimizer' = 'sgd'", "order_by": []},
    {"filter": "metrics.'val/loss' < 10", "order_by": []},
    {"filter": "tags.\"mlflow.runName\" != 'x'", "order_by": []},
    {"filter": "params.optimizer = 'sgd' and", "order_by": []},
    {"filter": "params.optimizer = 'sgd' and and metrics.loss < 2.3", "order_by": []},
    {"filter": "and params.optimizer = 'sgd'", "order_by": []},
    {"filter": "", "order_by": ["metrics.loss ASC", "metrics.loss DESC"]},
    {"filter": "", "order_by": ["start_time ASC", "created DESC"]},
    {"filter": "attributes.start_time > 1735689600000.5", "order_by": []},
    {"filter": "attributes.end_time <= 1.8e12", "order_by": []},
    {"filter": "params.lr LIKE '0.0.1'", "order_by": []},
    {"filter": "params.newline_value LIKE '%second%'", "order_by": []},
    {"filter": "params.json_value LIKE '{\"a\": [1, 2, 3]%'", "order_by": []},
    {"filter": "attributes.run_name LIKE 'trial.%'", "order_by": []},
    {"filter": "attributes.run_name LIKE '%(%'", "order_by": []},
    {"filter": "attributes.run_name ILIKE 'ü%'", "order_by": []},
    {"filter": "tags.`unicode-tag` ILIKE '%CAFÉ%'", "order_by": []},
    {"filter": "params.température ILIKE 'TRÈS%'", "order_by": []},
    {"filter": "metrics.nan_only < 1", "order_by": []},
    {"filter": "metrics.nan_only = 0", "order_by": []},
    {"filter": "metrics.nan_only != 0", "order_by": []},
    {"filter": "metrics.weird_values >= 0", "order_by": []},
    {"filter": "metrics.loss > +1", "order_by": []},
    {"filter": "metrics.loss > 1e+3", "order_by": []},
    {"filter": "metrics. > 1", "order_by": []},
    {"filter": "params.optimizer == 'sgd'", "order_by": []},
]


def generate(argv):
    seed = int(argv[argv.index("--seed") + 1])
    count = int(argv[argv.index("--count") + 1])
    g = Generator(seed)
    queries = [dict(q, view=view) for q in CORNERS for view in ("ALL", "ACTIVE_ONLY")]
    seen = {json.dumps(q, sort_keys=True) for q in queries}
    count += len(queries)
    while len(queries) < count:
        q = g.query()
        key = json.dumps(q, sort_keys=True)
        if key not in seen:
            seen.add(key)
            queries.append(q)
    json.dump({"generator": f"searchdiff.py generate --seed {seed} --count {count}", "queries": queries},
              sys.stdout, ensure_ascii=False, indent=0)
    sys.stdout.write("\n")


def quiet_mlflow():
    """Imports MLflow with its warnings and logging silenced; returns (mlflow, ViewType)."""
    import warnings
    warnings.simplefilter("ignore")
    import logging
    logging.disable(logging.CRITICAL)
    import mlflow
    from mlflow.entities import ViewType
    return mlflow, ViewType


def answer(key, search):
    """{key: what search() returns}, or MLflow's error: its code, or a Python error as a server's 500."""
    from mlflow.exceptions import MlflowException
    try:
        return {key: search()}
    except MlflowException as e:
        return {"error": e.error_code, "message": str(e.message)[:200]}
    except Exception as e:  # noqa: BLE001 - a server would answer 500
        return {"error": "INTERNAL_ERROR", "exception": type(e).__name__, "message": str(e)[:200]}


def record(argv):
    mlflow, ViewType = quiet_mlflow()

    queries = json.load(open(argv[0]))["queries"]
    out = {"mlflow_version": mlflow.__version__, "stores": {}}
    work = tempfile.mkdtemp(prefix="searchdiff-")
    for spec in argv[1:]:
        kind, path = spec.split(":", 1)
        store = open_store(kind, path, work)
        experiments = [e.experiment_id for e in store.search_experiments(view_type=ViewType.ALL)]
        names = {}
        for run in store.search_runs(experiments, "", ViewType.ALL, max_results=1000):
            names.setdefault(run.info.run_name, run.info.run_id)
        runs, answers = [], []
        for q in queries:
            text = re.sub(r"\{run:([^}]*)\}", lambda m: names.get(m.group(1), "f" * 32), q["filter"])
            def run_ids(found):
                ids = []
                for run in found:
                    if run.info.run_id not in runs:
                        runs.append(run.info.run_id)
                    ids.append(runs.index(run.info.run_id))
                return ids

            answers.append(answer("runs", lambda: run_ids(store.search_runs(
                experiments, text, ViewType.from_string(q["view"].lower()), max_results=1000,
                order_by=q["order_by"]))))
            if text != q["filter"]:
                answers[-1]["filter"] = text
        out["stores"][kind] = {"experiments": experiments, "run_ids": runs, "answers": answers}
    json.dump(out, sys.stdout, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.write("\n")


# ---- Logged models (MLflow 3's search_logged_models) ----

MODEL_ATTRIBUTES = ["name", "model_id", "model_type", "status", "source_run_id", "creation_timestamp",
                    "creation_time", "last_updated_timestamp", "last_updated_time"]
MODEL_NUMERIC = {"creation_timestamp", "creation_time", "last_updated_timestamp", "last_updated_time"}
MODEL_RARE_ATTRIBUTES = ["experiment_id", "artifact_location", "Name", "run_id"]
MODEL_STATUSES = ["READY", "PENDING", "FAILED", "ready", "LOGGED_MODEL_STATUS_UNSPECIFIED", "x"]
MODEL_CORNERS = [
    {"filter": "   "},
    {"filter": "name = 'resnet-ft' and"},
    {"filter": "and and name LIKE 'resnet%'"},
    {"filter": "params.'x' = '1'"},
    {"filter": "metrics.'accuracy' > 0.9"},
    {"filter": "status IN ('READY')"},
    {"filter": "status IN ('READY', 'PENDING')"},
    {"filter": "status = 'READY'"},
    {"filter": "status != 'READY'"},
    {"filter": "name LIKE 'resnet.ft'"},
    {"filter": "name LIKE 'resnet(%'"},
    {"filter": "name ILIKE 'RESNET%'"},
    {"filter": "metrics.accuracy > 0.85", "datasets": [{"dataset_name": "cifar10-eval"}]},
    {"filter": "metrics.accuracy > 0.85", "datasets": [{"dataset_name": "cifar10-train", "dataset_digest": "07c1c02c"}]},
    {"filter": "creation_timestamp > 1.7e12"},
    {"filter": "metrics.accuracy > +1"},
    {"filter": "", "order_by": [{"field_name": "metrics.accuracy", "ascending": False},
                                {"field_name": "metrics.accuracy", "ascending": True}]},
    {"filter": "", "order_by": [{"field_name": "name", "ascending": True}, {"field_name": "name", "ascending": False}]},
]


def model_vocabulary():
    expected = json.load(open(os.path.join(DATA, "mlflow-3.6", "expected.json")))
    vocab = {"metrics": {}, "params": {}, "tags": {}, "names": set(), "ids": set(), "types": set(),
             "runs": set(), "datasets": set(), "times": set()}
    for store in expected["stores"].values():
        for experiment in store["experiments"]:
            for m in experiment.get("logged_models", []):
                vocab["names"].add(m["name"])
                vocab["types"].add(m["model_type"] or "")
                if m["source_run_id"]:
                    vocab["runs"].add(m["source_run_id"])
                vocab["times"].add(str(m["creation_timestamp"]))
                for k, v in (m["params"] or {}).items():
                    vocab["params"].setdefault(k, set()).add(v)
                for k, v in (m["tags"] or {}).items():
                    if len(v) < 80:
                        vocab["tags"].setdefault(k, set()).add(v)
                for metric in m["metrics"] or []:
                    vocab["metrics"].setdefault(metric["key"], set()).add(json.dumps(metric["value"]))
                    if metric.get("dataset_name"):
                        vocab["datasets"].add((metric["dataset_name"], metric.get("dataset_digest")))
    return {k: (sorted(v) if isinstance(v, set) else {kk: sorted(vv) for kk, vv in sorted(v.items())})
            for k, v in vocab.items()}


class ModelGenerator(Generator):
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.v = model_vocabulary()

    def model_clause(self):
        kind = self.pick(["metric", "metric", "param", "param", "tag", "attribute", "attribute", "attribute"])
        if kind == "metric":
            key = self.pick(list(self.v["metrics"]) + ["missing_metric"])
            op = self.pick(["=", "!=", "<", "<=", ">", ">="] if self.chance(0.95) else ["LIKE", "IN", "=="])
            around = self.pick(self.v["metrics"].get(key, ["1"]))
            value = self.number(around) if op not in ("LIKE", "IN") else self.value_for(op, ["1"])
            return f"{self.pick(['metrics', 'metric']) if self.chance(0.2) else 'metrics'}.{self.quoted_key(key)} {op} {value}"
        if kind in ("param", "tag"):
            table = self.v["params"] if kind == "param" else self.v["tags"]
            key = self.pick(list(table) + [f"missing_{kind}"])
            op = self.pick(["=", "!=", "LIKE", "ILIKE", "="] if self.chance(0.9) else ["IN", "NOT IN", "<"])
            prefix = (self.pick(PREFIXES[kind]) if self.chance(0.2) else PREFIXES[kind][0])
            return f"{prefix}.{self.quoted_key(key)} {op} {self.value_for(op, table.get(key, ['x']))}"
        attribute = self.pick(MODEL_ATTRIBUTES if self.chance(0.93) else MODEL_RARE_ATTRIBUTES)
        written = attribute if self.chance(0.6) else f"{self.pick(['attributes', 'attribute', 'attr'])}.{attribute}"
        if attribute in MODEL_NUMERIC:
            op = self.pick(["=", "!=", "<", "<=", ">", ">="])
            value = self.pick(self.v["times"] + ["0", "1700000000000", "1.7e12", "9999999999999", "'1'"])
            return f"{written} {op} {value}"
        values = {"name": self.v["names"], "model_id": ["m-0", "x"], "model_type": self.v["types"],
                  "status": MODEL_STATUSES, "source_run_id": self.v["runs"] + ["x"]}.get(attribute, ["x"])
        op = self.pick(["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"] if self.chance(0.95) else [">", "<"])
        return f"{written} {op} {self.value_for(op, values)}"

    def model_order(self):
        terms = []
        for _ in range(self.r.randrange(3) if self.chance(0.5) else 0):
            if self.chance(0.5):
                term = {"field_name": "metrics." + self.pick(list(self.v["metrics"]) + ["missing_metric"]),
                        "ascending": self.chance(0.5)}
                if self.chance(0.4):
                    name, digest = self.pick(self.v["datasets"] + [("nope", None)])
                    term["dataset_name"] = name
                    if digest and self.chance(0.5):
                        term["dataset_digest"] = digest
            else:
                term = {"field_name": self.pick(MODEL_ATTRIBUTES + ["params.x", "tags.framework", "bogus"]),
                        "ascending": self.chance(0.5)}
            terms.append(term)
        return terms

    def model_query(self):
        clauses = [self.model_clause() for _ in range(self.pick([0, 1, 1, 1, 2, 2, 3]))]
        q = {"filter": " AND ".join(clauses)}
        if self.chance(0.25):
            q["datasets"] = []
            for _ in range(1 + self.r.randrange(2)):
                name, digest = self.pick(self.v["datasets"] + [("nope", None)])
                d = {"dataset_name": name}
                if digest and self.chance(0.5):
                    d["dataset_digest"] = digest
                q["datasets"].append(d)
        order = self.model_order()
        if order:
            q["order_by"] = order
        return q


def generate_models(argv):
    seed = int(argv[argv.index("--seed") + 1])
    count = int(argv[argv.index("--count") + 1])
    g = ModelGenerator(seed)
    queries = list(MODEL_CORNERS)
    seen = {json.dumps(q, sort_keys=True) for q in queries}
    count += len(queries)
    while len(queries) < count:
        q = g.model_query()
        key = json.dumps(q, sort_keys=True)
        if key not in seen:
            seen.add(key)
            queries.append(q)
    json.dump({"generator": f"searchdiff.py generate-models --seed {seed} --count {count - len(MODEL_CORNERS)}",
               "queries": queries}, sys.stdout, ensure_ascii=False, indent=0)
    sys.stdout.write("\n")


def record_models(argv):
    mlflow, ViewType = quiet_mlflow()

    queries = json.load(open(argv[0]))["queries"]
    out = {"mlflow_version": mlflow.__version__, "stores": {}}
    work = tempfile.mkdtemp(prefix="searchdiff-models-")
    for spec in argv[1:]:
        kind, path = spec.split(":", 1)
        store = open_store(kind, path, work)
        experiments = [e.experiment_id for e in store.search_experiments(view_type=ViewType.ACTIVE_ONLY)]
        answers = []
        for q in queries:
            answers.append(answer("models", lambda: [m.model_id for m in store.search_logged_models(
                experiments, filter_string=q["filter"] or None, datasets=q.get("datasets"),
                max_results=1000, order_by=q.get("order_by"))]))
        out["stores"][kind] = {"experiments": experiments, "answers": answers}
    json.dump(out, sys.stdout, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.write("\n")


def open_store(kind, path, work):
    """MLflow's own store class of that kind, on a copy of the store."""
    if kind == "file":
        from mlflow.store.tracking.file_store import FileStore
        copy = os.path.join(work, "mlruns")
        shutil.copytree(path, copy, symlinks=True)
        return FileStore(copy)
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore
    copy = os.path.join(work, "mlflow.db")
    shutil.copy(path, copy)
    return SqlAlchemyStore(f"sqlite:///{copy}", os.path.join(work, "artifacts"))


if __name__ == "__main__":
    {"generate": generate, "record": record, "generate-models": generate_models,
     "record-models": record_models}[sys.argv[1]](sys.argv[2:])
