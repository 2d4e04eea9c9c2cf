#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpora of the fuzz targets (corpus/<target>/) from the fixtures in tests/data.

Seeds are a small, varied sample, not everything: the fuzzer grows its own corpus in a work folder
(scripts/fuzz.sh), so the checked-in one stays a few hundred KB. Rerun after changing a fixture:
    tests/fuzz/make_corpus.py
"""
import hashlib
import io
import json
import pathlib
import shutil
import tarfile

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parent / "data"
SEPARATOR = "\n%%\n"  # fuzzinput.h: parts of one input


def write(target, seeds):
    folder = HERE / "corpus" / target
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    unique = {hashlib.sha1(s).hexdigest()[:16]: s for s in seeds}
    for name, seed in sorted(unique.items()):
        (folder / name).write_bytes(seed)
    print(f"{target}: {len(unique)} seeds, {sum(map(len, unique.values()))} bytes")


def runsearch():
    queries = json.loads((DATA / "search-diff/queries.json").read_text())["queries"]
    seeds = []
    for q in queries[::20]:
        seeds.append(SEPARATOR.join([q["filter"], *q.get("order_by", [])]).encode())
    write("fuzz_runsearch", seeds)


def loggedmodelsearch():
    queries = json.loads((DATA / "search-diff/queries-logged-models.json").read_text())["queries"]
    seeds = []
    for q in queries[::12]:
        parts = [q["filter"]]
        for order in q.get("order_by", []):
            if isinstance(order, dict):
                text = order["field_name"] + ("" if order.get("ascending", True) else " DESC")
            else:
                text = order
            parts.append(text)
        for d in q.get("datasets", []):
            digest = d.get("dataset_digest")
            parts.append("dataset " + d["dataset_name"] + ("@" + digest if digest else ""))
        seeds.append(SEPARATOR.join(parts).encode())
    write("fuzz_loggedmodelsearch", seeds)


def restjson():
    seeds = []
    per_path = {}
    for name in ["mlflow-2.22/rest-transcript.jsonl", "mlflow-3.6/rest-transcript.jsonl",
                 "mlflow-3.6/rest-filestore-history.jsonl"]:
        for line in (DATA / name).read_text().splitlines():
            entry = json.loads(line)
            body = entry.get("response_body")
            if not isinstance(body, (dict, list)):
                continue
            text = json.dumps(body).encode()
            path = entry["path"].split("/m-")[0]
            if len(text) > 6000 or per_path.get(path, 0) >= 3:
                continue
            per_path[path] = per_path.get(path, 0) + 1
            seeds.append(text)
    write("fuzz_restjson", seeds)


def store_files(wanted):
    """(relative path, bytes) of the fixture file stores' files that `wanted` accepts, sorted."""
    out = []
    for version in ["mlflow-3.6", "mlflow-2.22"]:
        with tarfile.open(DATA / version / "mlruns.tar.gz") as tar:
            for member in tar.getmembers():
                path = pathlib.PurePosixPath(member.name)
                if member.isfile() and wanted(path):
                    out.append((version, path, tar.extractfile(member).read()))
    return sorted(out, key=lambda item: (item[0] != "mlflow-3.6", str(item[1])))


def yamlmeta():
    files = store_files(lambda p: p.name == "meta.yaml")
    # The first byte picks which file of the 3.6 store the text replaces (modulo their count).
    write("fuzz_yamlmeta", [bytes([i % 256]) + content for i, (_, _, content) in enumerate(files[:120])])


def runfiles():
    def is_key_file(p):
        return p.name != "meta.yaml" and any(part in ("metrics", "params", "tags") for part in p.parts)

    files = store_files(is_key_file)
    seeds = [bytes([i % 256]) + content for i, (_, _, content) in enumerate(files) if len(content) < 4000][:150]
    write("fuzz_runfiles", seeds)


def sqliteschema():
    # Byte 0 picks the run filter; then per mutation: op, table, column, row, value (fuzz_sqliteschema.cpp).
    seeds = [b"", b"\x01", b"\x02", b"\x03"]
    for op in range(9):
        for table in (3, 18, 11, 6, 13, 17, 10):  # experiments, runs, metrics, latest_metrics, versions, models, logged
            seeds.append(bytes([1, op, table, 1, 0, 2]))
            seeds.append(bytes([3, op, table, 3, 1, 6, op, table, 0, 2, 9]))
    write("fuzz_sqliteschema", seeds)


if __name__ == "__main__":
    runsearch()
    loggedmodelsearch()
    restjson()
    yamlmeta()
    runfiles()
    sqliteschema()
