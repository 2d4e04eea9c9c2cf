#!/bin/bash
# Sets up MLflow 3.6 from source under /opt/mlflow3 on Debian 12, without pip and
# without network access other than Debian's apt mirror. Re-runnable: every step
# overwrites what an earlier run made. The fixtures' tests never need this script;
# it is only needed to regenerate the fixtures (generate.py / readback.py / rest).
#
# Inputs (override with environment variables):
#   MLFLOW_GIT   bare git repo that carries MLflow's upstream history
#   MLFLOW_REV   commit to export (33faf0c14 = upstream master's post-3.6.0-release
#                version bump, which reports 3.6.1.dev0; its parent is identical code
#                but still reports 3.5.2.dev0)
#   OTEL_GIT     bare git repo of opentelemetry-python; OTEL_REV the tag to export
#   PY           the CPython 3.11 to run on (pydantic 2, Flask 3, cloudpickle, click,
#                requests, pyyaml, ... are taken from its own site-packages)
set -euo pipefail

PREFIX=${PREFIX:-/opt/mlflow3}
MLFLOW_GIT=${MLFLOW_GIT:-/work/.mirror/opendatahub-io+mlflow/repo}
MLFLOW_REV=${MLFLOW_REV:-33faf0c14}
OTEL_GIT=${OTEL_GIT:-/work/.mirror/open-telemetry+opentelemetry-python/repo}
OTEL_REV=${OTEL_REV:-v1.27.0}
PY=${PY:-/root/.pyenv/versions/3.11.7/bin/python3}
# Newer pure-python SQLAlchemy/alembic/sqlparse, from their git repos (see step 3b).
# Set OVERLAY=0 to run on Debian 12's own SQLAlchemy 1.4.46 / alembic 1.8.1 /
# sqlparse 0.4.2 instead (README: two MLflow 3.6 search_logged_models defects then
# show up in the sqlite store).
OVERLAY=${OVERLAY:-1}
SQLPARSE_GIT=${SQLPARSE_GIT:-/work/.mirror/andialbrecht+sqlparse/repo}
SQLPARSE_REV=${SQLPARSE_REV:-0.5.3}
SQLALCHEMY_GIT=${SQLALCHEMY_GIT:-/work/.mirror/sqlalchemy+sqlalchemy/repo}
SQLALCHEMY_REV=${SQLALCHEMY_REV:-rel_2_0_44}
ALEMBIC_GIT=${ALEMBIC_GIT:-/work/.mirror/sqlalchemy+alembic/repo}
ALEMBIC_REV=${ALEMBIC_REV:-rel_1_17_1}

# 1. Debian packages for what the pyenv interpreter lacks. They are built for
#    Debian's CPython 3.11, whose extension ABI (cpython-311-x86_64-linux-gnu) the
#    pyenv 3.11.7 shares, so the compiled parts (numpy, sqlalchemy, protobuf) load.
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q \
  python3-sqlalchemy python3-alembic python3-protobuf python3-numpy python3-pandas \
  python3-sqlparse python3-cachetools python3-gunicorn python3-git python3-markdown \
  python3-packaging python3-importlib-metadata python3-zipp python3-deprecated sqlite3

# 2. MLflow source tree (only the python package; mlflow/java is left out: one of its
#    blobs is absent from the partial mirror and nothing python needs it). The
#    server's prebuilt web UI (mlflow/server/js/build) is not in git, so the UI pages
#    are absent; the REST API is complete.
rm -rf "$PREFIX/src" "$PREFIX/otel" "$PREFIX/site" "$PREFIX/overlay"
mkdir -p "$PREFIX/src" "$PREFIX/otel" "$PREFIX/site" "$PREFIX/bin" "$PREFIX/overlay"
# Blobs absent from a partial mirror are left out too (at 2.22's commit: pypi_package_index.json,
# which only requirement inference reads).
MISSING=()
while read -r _ _ hash path; do
  git --git-dir="$MLFLOW_GIT" cat-file -e "$hash" 2>/dev/null || MISSING+=(":(exclude)$path")
done < <(git --git-dir="$MLFLOW_GIT" ls-tree -r "$MLFLOW_REV" -- mlflow | grep -v $'\tmlflow/java/')
git --git-dir="$MLFLOW_GIT" archive "$MLFLOW_REV" -- mlflow ':(exclude)mlflow/java' "${MISSING[@]}" \
  pyproject.toml LICENSE.txt | tar -x -C "$PREFIX/src"
MLFLOW_VERSION=$(sed -n 's/^VERSION = "\(.*\)"/\1/p' "$PREFIX/src/mlflow/version.py")
echo "MLflow upstream master commit $(git --git-dir="$MLFLOW_GIT" log -1 --format='%H (%cs, %s)' "$MLFLOW_REV"); reports version $MLFLOW_VERSION" > "$PREFIX/SOURCE"
cat "$PREFIX/SOURCE"

# 3. OpenTelemetry api/sdk/proto/semantic-conventions from source; each package's
#    src/ goes on the path (opentelemetry is a namespace package, so they merge).
OTEL_PKGS="opentelemetry-api opentelemetry-sdk opentelemetry-proto opentelemetry-semantic-conventions"
git --git-dir="$OTEL_GIT" archive "$OTEL_REV" -- $OTEL_PKGS | tar -x -C "$PREFIX/otel"

# 3b. SQLAlchemy 2.0.44, alembic 1.17.1 and sqlparse 0.5.3 -- the releases a pip
#     install of MLflow 3.6.0 resolved to in November 2025 -- as pure-python source
#     trees (SQLAlchemy's C extensions are optional). They shadow Debian's packages
#     (which stay installed). Reason: with Debian 12's versions, MLflow 3.6's sqlite
#     search_logged_models fails on every filter joined with AND (sqlparse < 0.4.4 keeps
#     whitespace tokens that mlflow/utils/search_logged_model_utils.py rejects) and on
#     every order_by a metric (a select() over subquery.c that SQLAlchemy 1.4 refuses).
#     MLflow itself declares sqlalchemy>=1.4.0 and sqlparse>=0.4.0.
if [[ "$OVERLAY" == 1 ]]; then
  git --git-dir="$SQLPARSE_GIT" archive "$SQLPARSE_REV" -- sqlparse | tar -x -C "$PREFIX/overlay"
  git --git-dir="$SQLALCHEMY_GIT" archive "$SQLALCHEMY_REV" lib/sqlalchemy | tar -x --strip-components=1 -C "$PREFIX/overlay"
  git --git-dir="$ALEMBIC_GIT" archive "$ALEMBIC_REV" -- alembic | tar -x -C "$PREFIX/overlay"
fi

# 4. dist-info stand-ins: importlib.metadata must find mlflow (mlflow/version.py
#    decides between the full package, skinny and the tracing-only SDK from it) and
#    the opentelemetry distributions (their versions, and the entry points through
#    which opentelemetry loads its context, id generator, samplers, providers).
distinfo() { # name version [entry_points.txt content]
  local d="$PREFIX/site/${1//-/_}-$2.dist-info"
  mkdir -p "$d"
  printf 'Metadata-Version: 2.1\nName: %s\nVersion: %s\n' "$1" "$2" > "$d/METADATA"
  printf '%s\n' "${3:-}" > "$d/entry_points.txt"
  echo "stand-in" > "$d/INSTALLER"
}
# entry points = the [project.entry-points.*] tables of each pyproject.toml
otel_eps() {
  "$PY" - "$PREFIX/otel/$1/pyproject.toml" <<'PYEOF'
import sys, tomllib
eps = tomllib.load(open(sys.argv[1], "rb"))["project"].get("entry-points", {})
for group, items in eps.items():
    print(f"[{group}]")
    for k, v in items.items():
        print(f"{k} = {v}")
    print()
PYEOF
}
otel_ver() { sed -n 's/^__version__ = "\(.*\)"/\1/p' $(find "$PREFIX/otel/$1/src" -path '*version*' -name '*.py' | head -1); }
distinfo mlflow "$MLFLOW_VERSION"
if [[ "$OVERLAY" == 1 ]]; then
  # the same for the overlay (Debian's egg-info files would otherwise report 1.4.46 etc.)
  ovl_ver() { sed -n "s/^__version__ = [\"']\([^\"']*\)[\"']/\1/p" "$PREFIX/overlay/$1/__init__.py" | head -1; }
  for p in sqlalchemy alembic sqlparse; do
    d="$PREFIX/overlay/$p-$(ovl_ver $p).dist-info"; mkdir -p "$d"
    printf 'Metadata-Version: 2.1\nName: %s\nVersion: %s\n' "$p" "$(ovl_ver $p)" > "$d/METADATA"
  done
  [[ "$(ovl_ver sqlalchemy)" == 2.0.* ]] || { echo "unexpected SQLAlchemy version"; exit 1; }
fi
for p in $OTEL_PKGS; do distinfo "$p" "$(otel_ver $p)" "$(otel_eps $p)"; done

# 5. Path order: pyenv's own site-packages must win over Debian's dist-packages
#    (pydantic 2, Flask 3, ...). PYTHONPATH entries would come *before*
#    site-packages, so dist-packages is appended at the very end by a
#    sitecustomize module (imported after site-packages is set up). Plain
#    sys.path.append, so the .pth files in dist-packages are not processed.
cat > "$PREFIX/site/sitecustomize.py" <<'PYEOF'
import sys
_deb = "/usr/lib/python3/dist-packages"
if _deb not in sys.path:
    sys.path.append(_deb)
# MLflow 3.6 declares cachetools>=5.0.0 but does `from cachetools.func import cached`
# (mlflow/genai/utils/trace_utils.py), a name that cachetools.func only re-exports in
# later 5.x releases (5.5 has it); Debian 12 ships 5.2.0. Same object as there.
try:
    import cachetools as _ct, cachetools.func as _ctf
    if not hasattr(_ctf, "cached"):
        _ctf.cached = _ct.cached
except ImportError:
    pass
PYEOF
# databricks-sdk has no Debian package. mlflow/genai/scorers/validation.py runs
# importlib.util.find_spec("databricks.agents") at import time, which raises unless a
# top-level `databricks` package exists: an empty namespace directory makes it
# answer "not installed". Databricks-only code paths stay unavailable.
mkdir -p "$PREFIX/site/databricks"
PYPATH="$PREFIX/site:$PREFIX/src"
[[ "$OVERLAY" == 1 ]] && PYPATH="$PYPATH:$PREFIX/overlay"
for p in $OTEL_PKGS; do PYPATH="$PYPATH:$PREFIX/otel/$p/src"; done

# 6. Wrappers. MLflow 3.6 still accepts file:// tracking URIs (it only warns that
#    the file store is deprecated); MLFLOW_ALLOW_FILE_STORE is not read by 3.6 and
#    is set anyway so newer code paths keep accepting it.
cat > "$PREFIX/bin/python" <<EOF2
#!/bin/bash
export PYTHONPATH="$PYPATH"
export PYTHONNOUSERSITE=1
export MLFLOW_ALLOW_FILE_STORE=\${MLFLOW_ALLOW_FILE_STORE:-true}
export GIT_PYTHON_REFRESH=quiet
exec "$PY" "\$@"
EOF2
cat > "$PREFIX/bin/mlflow" <<EOF2
#!/bin/bash
exec "$PREFIX/bin/python" -m mlflow "\$@"
EOF2
chmod +x "$PREFIX/bin/python" "$PREFIX/bin/mlflow"

# 7. Smoke test: version, file store, sqlite store (migrations to head). Run in a
#    scratch folder: the sqlite store creates its default artifact root ./mlruns.
SMOKE=$(mktemp -d)
cd "$SMOKE"
"$PREFIX/bin/python" - <<'PYEOF'
import os, mlflow
from mlflow import MlflowClient
print("mlflow", mlflow.__version__)
import sqlalchemy, alembic, sqlparse
print("sqlalchemy", sqlalchemy.__version__, "alembic", alembic.__version__, "sqlparse", sqlparse.__version__)
d = os.getcwd()
for uri in [f"file://{d}/fs", f"sqlite:///{d}/m.db"]:
    c = MlflowClient(uri)
    e = c.create_experiment("smoke")
    r = c.create_run(e)
    c.log_metric(r.info.run_id, "m", 1.0)
    print(uri.split(":")[0], "ok", c.get_run(r.info.run_id).data.metrics)
import sqlite3
print("alembic head:", sqlite3.connect(f"{d}/m.db").execute("select version_num from alembic_version").fetchone()[0])
PYEOF

# 8. Smoke test of the tracking server: gunicorn (Debian's 20.1, via --gunicorn-opts;
#    3.6's default would be uvicorn + FastAPI, which Debian 12 only has in versions
#    built for pydantic 1), sqlite backend, proxied artifacts. Stopped by its pid.
PORT=${SMOKE_PORT:-5099}
"$PREFIX/bin/mlflow" server --backend-store-uri "sqlite:///$SMOKE/srv.db" --serve-artifacts \
  --artifacts-destination "$SMOKE/srv-artifacts" --host 127.0.0.1 --port "$PORT" --workers 1 \
  --gunicorn-opts "--log-level warning" > "$SMOKE/server.log" 2>&1 &
SRV=$!
ok=0
for _ in $(seq 60); do
  if curl -sf "http://127.0.0.1:$PORT/health" >/dev/null; then ok=1; break; fi
  sleep 1
done
if [[ $ok == 1 ]]; then
  echo "server /version: $(curl -s "http://127.0.0.1:$PORT/version")"
  curl -s -X POST -H 'Content-Type: application/json' -d '{"max_results": 1}' \
    "http://127.0.0.1:$PORT/api/2.0/mlflow/experiments/search"; echo
fi
# stop gunicorn (the CLI's child; its master stops its workers), then the CLI
for child in $(ps -o pid= --ppid "$SRV"); do kill "$child" 2>/dev/null || true; done
sleep 1
kill "$SRV" 2>/dev/null || true
wait "$SRV" 2>/dev/null || true
[[ $ok == 1 ]] || { cat "$SMOKE/server.log"; echo "server did not start"; exit 1; }
cd /
rm -rf "$SMOKE"
echo "setup done: $PREFIX/bin/python, $PREFIX/bin/mlflow"
