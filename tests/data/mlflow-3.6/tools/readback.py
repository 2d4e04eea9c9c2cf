"""Read both MLflow 3.6 stores back through MLflow's own client and write expected.json.

    /opt/mlflow3/bin/python readback.py OUT.json

Expects the stores at /home/alice/mlproj (mlruns/, mlflow.db, dbproj/mlruns/) and the
manifests generate.py wrote there (manifest-file.json, manifest-sqlite.json).
Everything under stores.<name> is what MLflow returned, except the keys documented as
raw (raw_checks, the sqlite section's alembic_version/tables/row_counts and
model_versions_raw), which were read from the files/db directly.
"""

import hashlib
import json
import math
import os
import sqlite3
import sys

import mlflow
from mlflow import MlflowClient
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException

ROOT = "/home/alice/mlproj"
OUT = sys.argv[1]
STORES = {
    "file": f"file://{ROOT}/mlruns",
    "sqlite": f"sqlite:///{ROOT}/mlflow.db",
}


def fnum(v):
    if v is None:
        return None
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
    return v


def err(e):
    if isinstance(e, MlflowException):
        return {"error_code": e.error_code, "message": e.message}
    return {"error_type": type(e).__name__, "message": str(e)}


def paged(fn, **kw):
    out, token = [], None
    while True:
        page = fn(page_token=token, **kw)
        out.extend(page)
        token = page.token
        if not token:
            return out


def metric_extra(m):
    extra = {}
    for f in ("dataset_name", "dataset_digest", "model_id"):
        v = getattr(m, f, None)
        if v is not None:
            extra[f] = v
    return extra


def metric_full(m):
    return {
        "key": m.key,
        "value": fnum(m.value),
        "step": m.step,
        "timestamp": m.timestamp,
        "dataset_name": m.dataset_name,
        "dataset_digest": m.dataset_digest,
        "model_id": m.model_id,
        "run_id": m.run_id,
    }


def local_path(uri):
    if uri.startswith("file://"):
        return uri[len("file://"):]
    return uri


def artifacts_of(list_fn, root_uri):
    listing, shas = [], {}

    def walk(path):
        for fi in list_fn(path):
            listing.append({"path": fi.path, "is_dir": fi.is_dir, "file_size": fi.file_size})
            if fi.is_dir:
                walk(fi.path)
            else:
                with open(os.path.join(local_path(root_uri), fi.path), "rb") as f:
                    shas[fi.path] = hashlib.sha256(f.read()).hexdigest()

    walk(None)
    return listing, shas


def dataset_input(di):
    d = di.dataset
    return {
        "dataset": {
            "name": d.name,
            "digest": d.digest,
            "source_type": d.source_type,
            "source": d.source,
            "schema": d.schema,
            "profile": d.profile,
        },
        "tags": {t.key: t.value for t in di.tags},
    }


def read_run(c, run_id):
    run = c.get_run(run_id)
    info, data = run.info, run.data
    latest = {}
    for m in data._metric_objs:
        latest[m.key] = {"value": fnum(m.value), "step": m.step, "timestamp": m.timestamp,
                         **metric_extra(m)}
    hist = {}
    for key in data.metrics:
        entries = []
        for m in c.get_metric_history(run_id, key):
            e = [m.step, m.timestamp, fnum(m.value)]
            if metric_extra(m):
                e.append(metric_extra(m))
            entries.append(e)
        hist[key] = entries
    arts, shas = artifacts_of(lambda p: c.list_artifacts(run_id, p), info.artifact_uri)
    inputs = run.inputs
    outputs = run.outputs
    return {
        "run_id": info.run_id,
        "run_name": info.run_name,
        "experiment_id": info.experiment_id,
        "user_id": info.user_id,
        "status": info.status,
        "start_time": info.start_time,
        "end_time": info.end_time,
        "lifecycle_stage": info.lifecycle_stage,
        "artifact_uri": info.artifact_uri,
        "params": dict(sorted(data.params.items())),
        "tags": dict(sorted(data.tags.items())),
        "metrics": {k: fnum(v) for k, v in sorted(data.metrics.items())},
        "latest_metrics": latest,
        "metric_histories": hist,
        "artifacts": arts,
        "artifact_sha256": shas,
        "inputs": [dataset_input(di) for di in (inputs.dataset_inputs if inputs else [])],
        "model_inputs": [{"model_id": mi.model_id} for mi in (inputs.model_inputs if inputs else [])],
        "model_outputs": [
            {"model_id": mo.model_id, "step": mo.step}
            for mo in (outputs.model_outputs if outputs else [])
        ],
    }


def read_logged_model(c, m):
    try:
        arts, shas = artifacts_of(
            lambda p: c.list_logged_model_artifacts(m.model_id, p), m.artifact_location
        )
    except Exception as e:  # noqa: BLE001
        arts, shas = err(e), {}
    return {
        "model_id": m.model_id,
        "name": m.name,
        "experiment_id": m.experiment_id,
        "source_run_id": m.source_run_id,
        "status": str(m.status),
        "status_message": m.status_message,
        "model_type": m.model_type,
        "artifact_location": m.artifact_location,
        "creation_timestamp": m.creation_timestamp,
        "last_updated_timestamp": m.last_updated_timestamp,
        "params": dict(sorted((m.params or {}).items())),
        "tags": dict(sorted((m.tags or {}).items())),
        # the sqlite store returns None (not []) for a model without metrics
        "metrics": None if m.metrics is None else [metric_full(x) for x in m.metrics],
        "artifacts": arts,
        "artifact_sha256": shas,
    }


def read_trace(t):
    i = t.info
    return {
        "trace_id": i.trace_id,
        "state": str(i.state),
        "request_time": i.request_time,
        "execution_duration": i.execution_duration,
        "request_preview": i.request_preview,
        "response_preview": i.response_preview,
        "tags": dict(sorted(i.tags.items())),
        "trace_metadata": dict(sorted(i.trace_metadata.items())),
        "spans": [
            {"name": s.name, "span_type": s.span_type, "parent_id": s.parent_id is not None,
             "inputs": s.inputs, "outputs": s.outputs}
            for s in (t.data.spans if t.data else [])
        ],
    }


def read_version(c, v):
    try:
        dl = c.get_model_version_download_uri(v.name, v.version)
    except Exception as e:  # noqa: BLE001
        dl = err(e)
    return {
        "version": v.version,
        "current_stage": v.current_stage,
        "status": v.status,
        "source": v.source,
        "run_id": v.run_id,
        "model_id": v.model_id,
        "download_uri": dl,
        "run_link": v.run_link,
        "description": v.description,
        "tags": v.tags,
        "aliases": v.aliases,
        "user_id": v.user_id,
        "status_message": v.status_message,
        "creation_timestamp": v.creation_timestamp,
        "last_updated_timestamp": v.last_updated_timestamp,
    }


def read_registry(c):
    out = []
    for rm in paged(c.search_registered_models, max_results=100):
        versions = sorted(
            c.search_model_versions(f"name = '{rm.name}'"), key=lambda v: int(v.version)
        )
        out.append({
            "name": rm.name,
            "description": rm.description,
            "tags": rm.tags,
            "aliases": rm.aliases,
            "creation_timestamp": rm.creation_timestamp,
            "last_updated_timestamp": rm.last_updated_timestamp,
            "latest_versions": [
                {"version": v.version, "current_stage": v.current_stage}
                for v in sorted(rm.latest_versions or [], key=lambda v: int(v.version))
            ],
            "versions": [read_version(c, v) for v in versions],
        })
    return out


def read_prompts(c, manifest):
    prompts = []
    for p in paged(c.search_prompts, max_results=100):
        versions = []
        n = 1
        while True:
            try:
                pv = c.get_prompt_version(p.name, n)
            except MlflowException:  # raised (not None) past the last version
                pv = None
            if pv is None:
                break
            versions.append({
                "version": pv.version,
                "template": pv.template,
                "is_text_prompt": pv.is_text_prompt,
                "variables": sorted(pv.variables),
                "commit_message": pv.commit_message,
                "response_format": pv.response_format,
                "tags": dict(sorted(pv.tags.items())),
                "aliases": sorted(pv.aliases),
                "uri": pv.uri,
                "creation_timestamp": pv.creation_timestamp,
            })
            n += 1
        prompts.append({
            "name": p.name,
            "description": p.description,
            "tags": dict(sorted(p.tags.items())),
            "creation_timestamp": p.creation_timestamp,
            "versions": versions,
        })
    visible = [rm.name for rm in paged(c.search_registered_models, max_results=100)]
    try:
        by_tag = [rm.name for rm in c.search_registered_models(
            filter_string="tags.`mlflow.prompt.is_prompt` = 'true'")]
    except Exception as e:  # noqa: BLE001
        by_tag = err(e)
    try:
        rm = c.get_registered_model("summarize-prompt")
        get_rm = {"name": rm.name, "tags": rm.tags}
    except Exception as e:  # noqa: BLE001
        get_rm = err(e)
    try:
        mv = c.search_model_versions("name = 'summarize-prompt'")
        search_mv = [v.version for v in mv]
    except Exception as e:  # noqa: BLE001
        search_mv = err(e)
    try:
        alias = c.get_prompt_version_by_alias("summarize-prompt", "production").version
    except Exception as e:  # noqa: BLE001
        alias = err(e)
    return prompts, {
        "search_registered_models_names": visible,
        "search_registered_models_filter_is_prompt_tag": by_tag,
        "get_registered_model_summarize_prompt": get_rm,
        "search_model_versions_summarize_prompt": search_mv,
        "get_prompt_version_by_alias_production": alias,
    }


def logged_model_queries(c, exp_ids, names):
    Q = [
        {"filter_string": "metrics.accuracy > 0.5"},
        {"filter_string": "metrics.accuracy > 0.85"},
        {"filter_string": "metrics.accuracy > 0.85", "datasets": [{"dataset_name": "cifar10-eval"}]},
        {"filter_string": "metrics.accuracy > 0.85",
         "datasets": [{"dataset_name": "cifar10-train", "dataset_digest": "07c1c02c"}]},
        # what the REST handler passes when a request gives no digest
        {"filter_string": "metrics.accuracy > 0.85",
         "datasets": [{"dataset_name": "cifar10-eval", "dataset_digest": None}]},
        {"filter_string": "params.x = '1'"},
        {"filter_string": "params.x != '1'"},
        {"filter_string": "name LIKE 'a%'"},
        {"filter_string": "name LIKE 'resnet%'"},
        {"filter_string": "name ILIKE 'RESNET%'"},
        {"filter_string": "status = 'READY'"},
        {"filter_string": "status != 'READY'"},
        {"filter_string": "tags.framework = 'pyfunc'"},
        {"filter_string": "tags.`mlflow.model.isExternal` = 'true'"},
        {"filter_string": "model_type = 'agent' AND params.x = '1'"},
        {"filter_string": f"source_run_id = '{names['resnet50-baseline']}'"},
        {"filter_string": "metrics.latency_ms < 200"},
        {"order_by": [{"field_name": "metrics.accuracy", "ascending": False,
                       "dataset_name": "cifar10-eval"}]},
        {"order_by": [{"field_name": "metrics.accuracy", "ascending": True,
                       "dataset_name": "cifar10-train", "dataset_digest": "07c1c02c"}]},
        {"order_by": [{"field_name": "metrics.accuracy", "ascending": False}]},
        {"order_by": [{"field_name": "name", "ascending": True}]},
        {"order_by": [{"field_name": "creation_time", "ascending": True}]},
        {"order_by": [{"field_name": "last_updated_timestamp", "ascending": False}]},
        {"filter_string": "params.x = '1'", "max_results": 1},
        {"filter_string": "metrics.accuracy >> 1"},
        {"filter_string": "foo.bar = 1"},
    ]
    out = []
    for q in Q:
        try:
            res = c.search_logged_models(experiment_ids=exp_ids, **q)
            ans = {"model_names": [m.name for m in res], "model_ids": [m.model_id for m in res],
                   "next_page_token": res.token is not None}
        except Exception as e:  # noqa: BLE001
            ans = err(e)
        out.append({"query": q, "result": ans})
    return out


def raw_checks_file(c, store_root):
    """5-field run metric lines (dataset fields) and 6-field model metric lines, raw vs read."""
    out = {"run_metric_lines_with_dataset": [], "model_metric_lines": []}
    for dirpath, dirnames, filenames in sorted(os.walk(store_root)):
        rel = os.path.relpath(dirpath, store_root).split(os.sep)
        if "metrics" not in rel:
            continue
        i = rel.index("metrics")
        key_prefix = "/".join(rel[i + 1:])
        for fn in sorted(filenames):
            key = f"{key_prefix}/{fn}" if key_prefix else fn
            with open(os.path.join(dirpath, fn)) as f:
                lines = [ln.rstrip("\n") for ln in f]
            owner = rel[i - 1]
            if i >= 2 and rel[i - 2] == "models":
                m = c.get_logged_model(owner) if not _deleted_model(c, owner) else None
                out["model_metric_lines"].append({
                    "model_id": owner, "key": key,
                    "file": os.path.relpath(os.path.join(dirpath, fn), os.path.dirname(store_root)),
                    "raw_lines": lines,
                    "mlflow_returns": [metric_full(x) for x in (m.metrics if m else [])
                                       if x.key == key],
                })
            elif any(len(ln.split(" ")) == 5 for ln in lines):
                out["run_metric_lines_with_dataset"].append({
                    "run_id": owner, "key": key,
                    "file": os.path.relpath(os.path.join(dirpath, fn), os.path.dirname(store_root)),
                    "raw_lines": lines,
                    "get_metric_history": [metric_full(x) for x in c.get_metric_history(owner, key)],
                    "get_run_latest": [metric_full(x) for x in c.get_run(owner).data._metric_objs
                                       if x.key == key],
                })
    return out


def _deleted_model(c, model_id):
    try:
        c.get_logged_model(model_id)
        return False
    except MlflowException:
        return True


def read_store(name, uri, manifest):
    c = MlflowClient(uri, uri)
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    names = manifest["logical_names"]
    exps = sorted(
        c.search_experiments(view_type=ViewType.ALL, max_results=1000),
        key=lambda e: e.experiment_id,
    )
    experiments = []
    for e in exps:
        runs = paged(c.search_runs, experiment_ids=[e.experiment_id],
                     run_view_type=ViewType.ALL, max_results=1000,
                     order_by=["attributes.start_time ASC"])
        try:
            lms = paged(c.search_logged_models, experiment_ids=[e.experiment_id])
            logged = [read_logged_model(c, m) for m in lms]
        except Exception as ex:  # noqa: BLE001
            logged = err(ex)
        try:
            traces = paged(c.search_traces, locations=[e.experiment_id])
            trace_list = [read_trace(t) for t in traces]
        except Exception as ex:  # noqa: BLE001
            trace_list = err(ex)
        experiments.append({
            "experiment_id": e.experiment_id,
            "name": e.name,
            "artifact_location": e.artifact_location,
            "lifecycle_stage": e.lifecycle_stage,
            "creation_time": e.creation_time,
            "last_update_time": e.last_update_time,
            "tags": dict(sorted(e.tags.items())),
            "run_ids_start_time_asc": [r.info.run_id for r in runs],
            "runs": [read_run(c, r.info.run_id) for r in runs],
            "logged_models": logged,
            "trace_count": len(trace_list) if isinstance(trace_list, list) else trace_list,
            "traces": trace_list,
        })
    deleted_models = []
    for k, v in names.items():
        if k == "model:scratch-model":
            try:
                c.get_logged_model(v)
                got = "found"
            except Exception as ex:  # noqa: BLE001
                got = err(ex)
            deleted_models.append({"logical_name": "scratch-model", "model_id": v,
                                   "get_logged_model": got})
    prompts, prompt_visibility = read_prompts(c, manifest)
    all_active = [e.experiment_id for e in exps if e.lifecycle_stage == "active"]
    s = {
        "mlflow_version": mlflow.__version__,
        "tracking_uri": uri,
        "logical_names": names,
        "notes": manifest["notes"],
        "experiments": experiments,
        "deleted_logged_models": deleted_models,
        "registered_models": read_registry(c),
        "prompts": prompts,
        "prompt_visibility": prompt_visibility,
        "search_logged_models_queries": {
            "experiment_ids": all_active,
            "queries": logged_model_queries(c, all_active, names),
        },
    }
    if name == "file":
        s["data"] = ("mlruns.tar.gz (extracts to mlruns/); it was written at "
                     f"{ROOT}/mlruns, so every meta.yaml carries absolute "
                     f"file://{ROOT}/mlruns/... artifact locations")
        s["raw_checks"] = raw_checks_file(c, f"{ROOT}/mlruns")
        s["registry_raw"] = raw_registry_file(f"{ROOT}/mlruns/models")
    else:
        s["data"] = ("mlflow.db (+ mlflow-db-artifacts.tar.gz, which extracts to dbproj/mlruns/... "
                     f"and was written at {ROOT}/dbproj/mlruns; artifact locations in the db are "
                     f"plain absolute paths under {ROOT}/dbproj/mlruns)")
        s.update(raw_sqlite(f"{ROOT}/mlflow.db"))
    return {k: s[k] for k in ["data"] + [k for k in s if k != "data"]}


def raw_registry_file(models_root):
    out = []
    import yaml
    for name in sorted(os.listdir(models_root)):
        d = os.path.join(models_root, name)
        for v in sorted(os.listdir(d)):
            if v.startswith("version-"):
                with open(os.path.join(d, v, "meta.yaml")) as f:
                    meta = yaml.safe_load(f)
                out.append({"name": name, "dir": v,
                            **{k: meta.get(k) for k in ("version", "source", "storage_location",
                                                        "model_id", "run_id", "current_stage")},
                            "deleted_marker": meta.get("current_stage") == "Deleted_Internal"})
    return {"model_versions_raw": out}


def raw_sqlite(path):
    db = sqlite3.connect(path)
    tables = [r[0] for r in db.execute(
        "select name from sqlite_master where type='table' order by name")]
    counts = {t: db.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
    # (model_versions has no model_id column in this schema)
    mv = [dict(zip(["name", "version", "source", "storage_location", "run_id",
                    "current_stage"], r)) for r in db.execute(
        "select name, version, source, storage_location, run_id, current_stage "
        "from model_versions order by name, version")]
    return {
        "alembic_version": db.execute("select version_num from alembic_version").fetchone()[0],
        "tables": tables,
        "row_counts": counts,
        "model_versions_raw": mv,
    }


def main():
    stores = {}
    for name, uri in STORES.items():
        with open(f"{ROOT}/manifest-{name}.json") as f:
            manifest = json.load(f)
        stores[name] = read_store(name, uri, manifest)
    doc = {
        "description": (
            "What the real MLflow 3.6 client/store returns after generate.py logged the reference "
            "data. One entry per store; the two stores got the same logical content but "
            "different ids/timestamps."
        ),
        "mlflow_version": mlflow.__version__,
        "mlflow_source": os.environ.get("MLFLOW_SOURCE_DESC", ""),
        "json_conventions": {
            "non_finite_floats": (
                'metric values NaN/+inf/-inf are written as the strings "NaN", "Infinity", '
                '"-Infinity" (the sqlite store never returns infinities: it stores them as '
                "+/-1.7976931348623157e308)"
            ),
            "metric_histories": (
                "metric_histories[key] = list of [step, timestamp_ms, value] in the order "
                "MLflow's get_metric_history returns them; an entry gets a 4th element "
                "{dataset_name, dataset_digest, model_id} (only the non-null ones) when MLflow "
                "returned any of them"
            ),
            "latest_metrics": (
                "latest_metrics[key] = the metric point MLflow reports on the run (max step, "
                "then max timestamp, then max value), plus dataset_name/dataset_digest/model_id "
                "when MLflow returned them"
            ),
            "artifacts": (
                "artifacts = recursive MlflowClient.list_artifacts output (path relative to the "
                "run's artifact root, is_dir, file_size or null for dirs); artifact_sha256 = "
                "sha256 of every file listed. Logged models: the same through "
                "list_logged_model_artifacts, relative to the model's artifact_location"
            ),
            "times": (
                "all times are epoch milliseconds; runs, logged models, registry entries, "
                "prompts and traces carry the generator machine's wall clock (it read "
                "2026-12-07); explicitly-timestamped metrics use 2025-01-01T00:00:00Z "
                "(1735689600000) as base"
            ),
            "logical_names": (
                "maps the generator's logical names to ids: run names, 'exp:<name>' for "
                "experiments, 'model:<name>' for logged models, 'trace' for the trace id "
                "(hpo-children is a list)"
            ),
            "logged_models": (
                "experiments[].logged_models = MlflowClient.search_logged_models([experiment_id]) "
                "in the order returned (deleted logged models are not returned: see "
                "deleted_logged_models); status is the LoggedModelStatus name; metrics = "
                "LoggedModel.metrics as returned (one entry per metric key and dataset)"
            ),
            "search_logged_models_queries": (
                "answers of MlflowClient.search_logged_models over all active experiments for "
                "each query (filter_string/datasets/order_by/max_results as given); result is "
                "the model names and ids in returned order, or the error MLflow raised"
            ),
            "raw": (
                "stores.file.raw_checks and registry_raw and stores.sqlite.alembic_version, "
                "tables, row_counts, model_versions_raw were read from the files/db directly, "
                "not through MLflow"
            ),
        },
        "stores": stores,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=True, allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
