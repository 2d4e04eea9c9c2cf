"""Record what a real MLflow 3.6 server backed by the *file store* answers for metric histories.

    /opt/mlflow3/bin/python rest_record_filestore.py MLRUNS_DIR OUT.jsonl

MLRUNS_DIR is an unpacked copy of mlruns.tar.gz. The sqlite-backed transcript
(rest_record.py) cannot show it: only the file store keeps a run metric's dataset per point,
and its server then sends dataset_name, dataset_digest and run_id with every point. The
exchanges are written in the shape of rest-transcript.jsonl. The server is stopped at the end.
"""

import hashlib
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse

MLRUNS, OUT = sys.argv[1], sys.argv[2]
PORT = int(os.environ.get("REST_PORT", "5097"))
work = tempfile.mkdtemp(prefix="mlflow-rest-file-")
log = open(f"{work}/server.log", "w")
srv = subprocess.Popen(
    ["/opt/mlflow3/bin/mlflow", "server", "--backend-store-uri", f"file://{os.path.abspath(MLRUNS)}",
     "--host", "127.0.0.1", "--port", str(PORT), "--workers", "1",
     "--gunicorn-opts", "--log-level warning"],
    stdout=log, stderr=subprocess.STDOUT, cwd=work,
)
records = []


def get(name, path, query):
    url = path + "?" + urllib.parse.urlencode(query)
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    conn.request("GET", url)
    resp = conn.getresponse()
    payload = resp.read()
    conn.close()
    text = payload.decode()
    records.append({
        "seq": len(records) + 1, "name": name, "method": "GET", "path": path, "query": query,
        "url": url, "request_headers": {}, "request_body": None, "status": resp.status,
        "response_content_type": resp.getheader("Content-Type"),
        "response_headers": {"Content-Type": resp.getheader("Content-Type"),
                             "Content-Length": resp.getheader("Content-Length")},
        "response_body": json.loads(text), "response_body_raw_text": text,
        "response_sha256": hashlib.sha256(payload).hexdigest(), "response_length": len(payload),
    })


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

    A2 = "/api/2.0/mlflow"
    # Every run metric file with five-field lines, and one plain metric of the same run.
    for exp in sorted(os.listdir(MLRUNS)):
        exp_dir = os.path.join(MLRUNS, exp)
        if not exp.isdigit() or not os.path.isdir(exp_dir):
            continue
        for run in sorted(os.listdir(exp_dir)):
            metrics = os.path.join(exp_dir, run, "metrics")
            if not os.path.isdir(metrics):
                continue
            for key in sorted(os.listdir(metrics)):
                if not os.path.isfile(os.path.join(metrics, key)):
                    continue  # nested keys (train/loss) have no datasets in this store
                lines = open(os.path.join(metrics, key)).read().split("\n")
                with_dataset = any(len(l.split(" ")) == 5 for l in lines)
                plain = key == "loss"
                if with_dataset or plain:
                    get(f"metrics/get-history {key} of {run} ({'datasets' if with_dataset else 'none'})",
                        f"{A2}/metrics/get-history",
                        {"run_id": run, "metric_key": key, "max_results": 1000})
finally:
    srv.terminate()
    srv.wait(timeout=30)

with open(OUT, "w") as f:
    for r in records:
        f.write(json.dumps(r) + "\n")
print(f"{len(records)} exchanges -> {OUT}")
