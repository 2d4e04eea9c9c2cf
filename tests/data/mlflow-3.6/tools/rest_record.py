"""Record a REST transcript from a real MLflow 3.6 tracking server.

    /opt/mlflow3/bin/python rest_record.py OUT.jsonl

Starts `mlflow server` (gunicorn, sqlite backend on a *copy* of
/home/alice/mlproj/mlflow.db, --serve-artifacts) on 127.0.0.1, sends the requests below
with http.client and writes one JSON object per exchange, in the shape of the 2.22
rest-transcript.jsonl. Ids come from /home/alice/mlproj/manifest-sqlite.json.
The server is stopped by its pid at the end.
"""

import base64
import hashlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = "/home/alice/mlproj"
OUT = sys.argv[1]
PORT = int(os.environ.get("REST_PORT", "5098"))
N = json.load(open(f"{ROOT}/manifest-sqlite.json"))["logical_names"]

work = tempfile.mkdtemp(prefix="mlflow-rest-")
shutil.copy(f"{ROOT}/mlflow.db", f"{work}/mlflow.db")
log = open(f"{work}/server.log", "w")
srv = subprocess.Popen(
    ["/opt/mlflow3/bin/mlflow", "server", "--backend-store-uri", f"sqlite:///{work}/mlflow.db",
     "--serve-artifacts", "--artifacts-destination", f"{work}/artifacts",
     "--host", "127.0.0.1", "--port", str(PORT), "--workers", "1",
     "--gunicorn-opts", "--log-level warning"],
    stdout=log, stderr=subprocess.STDOUT, cwd=work,
)

records = []


def call(name, method, path, query=None, body=None, headers=None, raw_body=None, note=None):
    url = path + ("?" + urllib.parse.urlencode(query, doseq=True) if query else "")
    hdrs = dict(headers or {})
    data = None
    if raw_body is not None:
        data = raw_body
    elif body is not None:
        data = json.dumps(body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    conn.request(method, url, body=data, headers=hdrs)
    resp = conn.getresponse()
    payload = resp.read()
    conn.close()
    ctype = resp.getheader("Content-Type")
    rec = {
        "seq": len(records) + 1,
        "name": name,
        "method": method,
        "path": path,
        "query": query,
        "url": url,
        "request_headers": hdrs,
        "request_body": body if raw_body is None else (
            raw_body.decode("utf-8", "replace") if isinstance(raw_body, bytes) else raw_body),
        "status": resp.status,
        "response_content_type": ctype,
        "response_headers": {k: resp.getheader(k) for k in ("Content-Type", "Content-Length")
                             if resp.getheader(k) is not None},
    }
    if note:
        rec["note"] = note
    if ctype and ctype.startswith("application/json"):
        text = payload.decode()
        try:
            rec["response_body"] = json.loads(text)
        except ValueError:
            rec["response_body"] = None
        rec["response_body_raw_text"] = text
    else:
        try:
            rec["response_body_text"] = payload.decode()
        except UnicodeDecodeError:
            rec["response_body_base64"] = base64.b64encode(payload).decode()
    rec["response_sha256"] = hashlib.sha256(payload).hexdigest()
    rec["response_length"] = len(payload)
    records.append(rec)
    return rec.get("response_body")


try:
    for _ in range(90):
        try:
            c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            c.request("GET", "/health")
            if c.getresponse().status == 200:
                break
        except OSError:
            pass
        time.sleep(1)
    else:
        raise SystemExit("server did not start: " + open(f"{work}/server.log").read())

    A2, A3 = "/api/2.0/mlflow", "/api/3.0/mlflow"
    img, ai = N["exp:image-classification"], N["exp:genai-agent"]
    base, ft, ev = N["resnet50-baseline"], N["resnet50-finetune"], N["agent-eval"]
    m_base, m_ft, m_ext = N["model:resnet-pyfunc"], N["model:resnet-ft"], N["model:support-agent"]

    call("health", "GET", "/health")
    call("version", "GET", "/version")
    # ---- reads
    call("experiments/search POST max_results=2", "POST", f"{A2}/experiments/search",
         body={"max_results": 2})
    call("experiments/search POST view_type=ALL", "POST", f"{A2}/experiments/search",
         body={"max_results": 100, "view_type": "ALL"})
    call("experiments/get", "GET", f"{A2}/experiments/get", {"experiment_id": img})
    call("runs/search experiment image-classification (start_time DESC)", "POST",
         f"{A2}/runs/search", body={"experiment_ids": [img], "order_by": ["attributes.start_time DESC"],
                                    "max_results": 100})
    call("runs/search filter metrics.accuracy (model metric with dataset)", "POST",
         f"{A2}/runs/search", body={"experiment_ids": [img], "filter": "metrics.accuracy > 0.9"})
    call("runs/get baseline (inputs: datasets + model_inputs, outputs: model_outputs)", "GET",
         f"{A2}/runs/get", {"run_id": base})
    call("runs/get finetune (two model_inputs)", "GET", f"{A2}/runs/get", {"run_id": ft})
    call("runs/get agent-eval (model_outputs at step 1)", "GET", f"{A2}/runs/get", {"run_id": ev})
    call("metrics/get-history accuracy (logged with model_id + dataset)", "GET",
         f"{A2}/metrics/get-history", {"run_id": ft, "metric_key": "accuracy"})
    call("metrics/get-history accuracy max_results=1000", "GET", f"{A2}/metrics/get-history",
         {"run_id": ft, "metric_key": "accuracy", "max_results": 1000},
         note="without max_results the 3.6 handler passes max_results=0 (unset proto2 int32 "
              "reads 0, not None) and the sqlite store returns an empty page")
    r = call("metrics/get-history train/loss max_results=4 page 1", "GET",
             f"{A2}/metrics/get-history", {"run_id": base, "metric_key": "train/loss", "max_results": 4})
    if r and r.get("next_page_token"):
        call("metrics/get-history train/loss max_results=4 page 2", "GET",
             f"{A2}/metrics/get-history", {"run_id": base, "metric_key": "train/loss",
                                           "max_results": 4, "page_token": r["next_page_token"]})
    call("metrics/get-history weird_values (+/-inf)", "GET", f"{A2}/metrics/get-history",
         {"run_id": base, "metric_key": "weird_values", "max_results": 1000})
    call("metrics/get-history train/loss (slash key)", "GET", f"{A2}/metrics/get-history",
         {"run_id": base, "metric_key": "train/loss", "max_results": 1000})
    call("logged-models/search all", "POST", f"{A2}/logged-models/search",
         body={"experiment_ids": [img, ai]})
    r = call("logged-models/search page 1 (max_results=2)", "POST", f"{A2}/logged-models/search",
             body={"experiment_ids": [img, ai], "max_results": 2})
    if r and r.get("next_page_token"):
        call("logged-models/search page 2", "POST", f"{A2}/logged-models/search",
             body={"experiment_ids": [img, ai], "max_results": 2,
                   "page_token": r["next_page_token"]})
    call("logged-models/search filter metrics.accuracy > 0.5", "POST", f"{A2}/logged-models/search",
         body={"experiment_ids": [img, ai], "filter": "metrics.accuracy > 0.5"})
    call("logged-models/search filter + datasets (name only)", "POST", f"{A2}/logged-models/search",
         body={"experiment_ids": [img, ai], "filter": "metrics.accuracy > 0.85",
               "datasets": [{"dataset_name": "cifar10-eval"}]},
         note="the handler passes dataset_digest=None; the sqlite store then compares "
              "dataset_digest = NULL and matches nothing")
    call("logged-models/search filter + datasets (name + digest)", "POST", f"{A2}/logged-models/search",
         body={"experiment_ids": [img, ai], "filter": "metrics.accuracy > 0.85",
               "datasets": [{"dataset_name": "cifar10-eval", "dataset_digest": "12fe2f12"}]})
    call("logged-models/search params.x AND name LIKE", "POST", f"{A2}/logged-models/search",
         body={"experiment_ids": [img, ai], "filter": "params.x = '1' AND name LIKE 'res%'"})
    call("logged-models/search order_by metric on dataset", "POST", f"{A2}/logged-models/search",
         body={"experiment_ids": [img, ai],
               "order_by": [{"field_name": "metrics.accuracy", "ascending": False,
                             "dataset_name": "cifar10-eval"}]})
    call("logged-models/search status = 'READY' (sqlite store answers none)", "POST",
         f"{A2}/logged-models/search",
         body={"experiment_ids": [img, ai], "filter": "status = 'READY'"})
    call("logged-models/get pyfunc model", "GET", f"{A2}/logged-models/{m_base}")
    call("logged-models/get external model", "GET", f"{A2}/logged-models/{m_ext}")
    call("logged-models/get deleted model", "GET", f"{A2}/logged-models/{N['model:scratch-model']}")
    call("logged-models artifacts/directories", "GET",
         f"{A2}/logged-models/{m_base}/artifacts/directories")
    call("registered-models/search", "GET", f"{A2}/registered-models/search", {"max_results": 100})
    call("registered-models/search prompt tag filter", "GET", f"{A2}/registered-models/search",
         {"filter": "tags.`mlflow.prompt.is_prompt` = 'true'"})
    call("registered-models/get", "GET", f"{A2}/registered-models/get", {"name": "resnet-classifier"})
    call("registered-models/get-latest-versions", "POST",
         f"{A2}/registered-models/get-latest-versions", body={"name": "resnet-classifier"})
    call("model-versions/search", "GET", f"{A2}/model-versions/search",
         {"filter": "name = 'resnet-classifier'"})
    call("model-versions/get (models:/ source)", "GET", f"{A2}/model-versions/get",
         {"name": "resnet-classifier", "version": "2"})
    call("model-versions/get deleted version", "GET", f"{A2}/model-versions/get",
         {"name": "resnet-classifier", "version": "4"})
    call("model-versions/get-download-uri", "GET", f"{A2}/model-versions/get-download-uri",
         {"name": "resnet-classifier", "version": "1"})
    call("registered-models/alias GET", "GET", f"{A2}/registered-models/alias",
         {"name": "resnet-classifier", "alias": "champion"})
    call("traces search v3", "POST", f"{A3}/traces/search",
         body={"locations": [{"type": "MLFLOW_EXPERIMENT",
                              "mlflow_experiment": {"experiment_id": ai}}]})
    call("traces get v3", "GET", f"{A3}/traces/{N['trace']}")
    # ---- writes
    e = call("experiments/create", "POST", f"{A2}/experiments/create", body={"name": "rest-created"})
    eid = e["experiment_id"]
    run = call("runs/create", "POST", f"{A2}/runs/create",
               body={"experiment_id": eid, "run_name": "rest-run", "start_time": 1735689600000})
    rid = run["run"]["info"]["run_id"]
    lm = call("logged-models/create", "POST", f"{A2}/logged-models",
              body={"experiment_id": eid, "name": "rest-model", "model_type": "agent",
                    "source_run_id": rid, "params": [{"key": "x", "value": "1"}],
                    "tags": [{"key": "origin", "value": "rest"}]})
    mid = lm["model"]["info"]["model_id"]
    call("logged-models/params", "POST", f"{A2}/logged-models/{mid}/params",
         body={"model_id": mid, "params": [{"key": "y", "value": "2"}]})
    call("logged-models/tags PATCH", "PATCH", f"{A2}/logged-models/{mid}/tags",
         body={"model_id": mid, "tags": [{"key": "stage", "value": "test"}]})
    call("runs/log-metric with model_id + dataset", "POST", f"{A2}/runs/log-metric",
         body={"run_id": rid, "key": "accuracy", "value": 0.5, "timestamp": 1735689600001,
               "step": 2, "model_id": mid, "dataset_name": "cifar10-eval",
               "dataset_digest": "12fe2f12"})
    call("runs/outputs (log model output)", "POST", f"{A2}/runs/outputs",
         body={"run_id": rid, "models": [{"model_id": mid, "step": 2}]})
    call("runs/log-inputs (model input)", "POST", f"{A2}/runs/log-inputs",
         body={"run_id": rid, "models": [{"model_id": m_ext}]})
    call("logged-models finalize PATCH READY", "PATCH", f"{A2}/logged-models/{mid}",
         body={"model_id": mid, "status": "LOGGED_MODEL_READY"})
    call("logged-models/get after writes", "GET", f"{A2}/logged-models/{mid}")
    call("metrics/get-history after REST log-metric", "GET", f"{A2}/metrics/get-history",
         {"run_id": rid, "metric_key": "accuracy", "max_results": 1000})
    call("runs/get after writes", "GET", f"{A2}/runs/get", {"run_id": rid})
    call("registered-models/create", "POST", f"{A2}/registered-models/create",
         body={"name": "rest-registered"})
    call("model-versions/create from logged model", "POST", f"{A2}/model-versions/create",
         body={"name": "rest-registered", "source": f"models:/{mid}", "run_id": rid,
               "model_id": mid})
    call("registered-models/alias set", "POST", f"{A2}/registered-models/alias",
         body={"name": "rest-registered", "alias": "champion", "version": "1"})
    call("model-versions/get after create", "GET", f"{A2}/model-versions/get",
         {"name": "rest-registered", "version": "1"})
    call("logged-models/tags DELETE", "DELETE", f"{A2}/logged-models/{mid}/tags/stage")
    call("logged-models DELETE", "DELETE", f"{A2}/logged-models/{mid}")
    call("logged-models/get after delete", "GET", f"{A2}/logged-models/{mid}")
    call("runs/update (finish)", "POST", f"{A2}/runs/update",
         body={"run_id": rid, "status": "FINISHED", "end_time": 1735689700000})
    # ---- errors
    call("ERR logged-models/search bad filter", "POST", f"{A2}/logged-models/search",
         body={"experiment_ids": [img], "filter": "metrics.accuracy >> 1"})
    call("ERR logged-models/get missing", "GET", f"{A2}/logged-models/m-00000000000000000000000000000000")
finally:
    # stop gunicorn (child of the CLI), then the CLI
    kids = subprocess.run(["ps", "-o", "pid=", "--ppid", str(srv.pid)],
                          capture_output=True, text=True).stdout.split()
    for k in kids:
        try:
            os.kill(int(k), 15)
        except OSError:
            pass
    time.sleep(1)
    srv.terminate()
    srv.wait(timeout=30)
    log.close()

with open(OUT, "w") as f:
    for r in records:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
print(f"{len(records)} exchanges; server log kept in {work}/server.log")
