"""MLflow 3.6 reads back a copy of the fixture mlflow.db after Runlens wrote to it.

Usage (from the project root, with /opt/mlflow3 made by setup-mlflow3.sh):
  RUNLENS_WRITTEN_DB=/tmp/written.db build/tests/tst_sqlitewrites3
  /opt/mlflow3/bin/python tests/data/mlflow-3.6/tools/writeback.py /tmp/written.db \
      tests/data/mlflow-3.6/writeback.json

Opening the database through MLflow's SQL stores also checks its schema revision (MLflow refuses
a database whose revision it does not know or that it would have to migrate). Runs are read with
get_run; models and versions through the client's registry store (the client hides prompts), with
get_model_version for each version (it fills aliases; search_model_versions does not on SQL).
"""
import json
import sys

import mlflow
from mlflow import MlflowClient

RUNS = [
    "38e57bb1a23e49db9f05303dff2ad390",  # renamed
    "ff5938fa6d7b4bbb8b7d716bc61803fd",  # tag set
    "843b498cc913458da050de7567c6052a",  # renamed through mlflow.runName
    "9034332ed87c461fa4908f9bbdc48fc2",  # tag deleted
    "27d9fb21d1b74148ad93051331912a37",  # deleted
    "dcaff2c7df754cfd9840d2f0bdfd1ed6",  # restored
]
MODELS = ["resnet-classifier", "support-agent", "summarize-prompt"]


def main(db, out):
    uri = "sqlite:///" + db
    c = MlflowClient(tracking_uri=uri, registry_uri=uri)
    runs = []
    for run_id in RUNS:
        r = c.get_run(run_id)
        runs.append({
            "run_id": run_id,
            "run_name": r.info.run_name,
            "lifecycle_stage": r.info.lifecycle_stage,
            "status": r.info.status,
            "tags": dict(r.data.tags),
        })
    # The client hides prompts from the registry calls; its registry store does not.
    registry = c._get_registry_client().store
    models = []
    for name in MODELS:
        m = registry.get_registered_model(name)
        versions = []
        numbers = sorted(int(v.version) for v in registry.search_model_versions(f"name = '{name}'"))
        if not numbers:  # search_model_versions leaves prompt versions out; ask for each
            numbers = list(range(1, 1 + max(int(v.version) for v in m.latest_versions)))
        for number in numbers:
            full = registry.get_model_version(name, str(number))
            versions.append({
                "version": int(full.version),
                "current_stage": full.current_stage,
                "description": full.description or None,
                "tags": dict(full.tags),
                "aliases": sorted(full.aliases),
            })
        models.append({
            "name": name,
            "description": m.description or None,
            "tags": dict(m.tags),
            "aliases": {a: int(v) for a, v in m.aliases.items()},
            "versions": versions,
        })
    result = {
        "description": "what MLflow read back from the fixture mlflow.db after the writes of "
        "tests/core/tst_sqlitewrites3.cpp (tools/writeback.py)",
        "mlflow_version": mlflow.__version__,
        "runs": runs,
        "registered_models": models,
    }
    with open(out, "w") as f:
        json.dump(result, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
