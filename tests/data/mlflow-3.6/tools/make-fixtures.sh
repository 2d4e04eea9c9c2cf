#!/bin/bash
# Regenerates the MLflow 3.6 fixtures in this folder's parent from scratch.
# Needs /opt/mlflow3 made by setup-mlflow3.sh. Writes /home/alice/mlproj (wiped first)
# and, in the fixtures folder: mlruns.tar.gz, mlflow.db, mlflow-db-artifacts.tar.gz,
# expected.json, and the REST transcripts rest-transcript.jsonl and rest-filestore-history.jsonl.
set -euo pipefail
TOOLS=$(cd "$(dirname "$0")" && pwd)
OUT=$(dirname "$TOOLS")
PY=/opt/mlflow3/bin/python
P=/home/alice/mlproj

rm -rf "$P"
mkdir -p "$P/scripts"
cp "$TOOLS/generate.py" "$TOOLS/readback.py" "$P/scripts/"
cd "$P"
# absolute script path: it becomes the mlflow.source.name tag
"$PY" "$P/scripts/generate.py" file
"$PY" "$P/scripts/generate.py" sqlite
MLFLOW_SOURCE_DESC="$(cat /opt/mlflow3/SOURCE 2>/dev/null || true)" \
  "$PY" "$P/scripts/readback.py" "$OUT/expected.json"

# pack (GNU tar, sorted member names, gzip -n: no name/time in the gzip header)
tar --sort=name --owner=0 --group=0 --numeric-owner -C "$P" -cf - mlruns | gzip -9n > "$OUT/mlruns.tar.gz"
tar --sort=name --owner=0 --group=0 --numeric-owner -C "$P" -cf - dbproj/mlruns | gzip -9n > "$OUT/mlflow-db-artifacts.tar.gz"
cp "$P/mlflow.db" "$OUT/mlflow.db"
ls -la "$OUT"

# REST transcript (server on a copy of mlflow.db)
"$PY" "$TOOLS/rest_record.py" "$OUT/rest-transcript.jsonl"
# metric histories from a server over the file store (it alone keeps a point's dataset)
"$PY" "$TOOLS/rest_record_filestore.py" "$P/mlruns" "$OUT/rest-filestore-history.jsonl"
ls -la "$OUT"
