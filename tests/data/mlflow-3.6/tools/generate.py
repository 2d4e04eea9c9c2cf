"""Fill one MLflow 3.6 store with the reference content, the MLflow 3 way.

    /opt/mlflow3/bin/python generate.py file     # file:///home/alice/mlproj/mlruns
    /opt/mlflow3/bin/python generate.py sqlite   # sqlite:////home/alice/mlproj/mlflow.db
                                                 #   artifacts: /home/alice/mlproj/dbproj/mlruns

Both modes log the same logical content; ids and wall-clock times differ. The ids the
run got are written to /home/alice/mlproj/manifest-<mode>.json for readback.py (the
manifest itself is not part of the fixtures; expected.json carries the same map as
`logical_names`).

Explicit metric timestamps use BASE (2025-01-01T00:00:00Z) plus an offset; run, model,
registry and trace times are the machine's wall clock.
"""

import json
import math
import os
import sys

import pandas as pd

import mlflow
from mlflow import MlflowClient
from mlflow.entities import LoggedModelInput, LoggedModelOutput, ViewType  # noqa: F401

MODE = sys.argv[1]
ROOT = "/home/alice/mlproj"
BASE = 1735689600000  # 2025-01-01T00:00:00Z

if MODE == "file":
    URI = f"file://{ROOT}/mlruns"
    os.chdir(ROOT)
elif MODE == "sqlite":
    URI = f"sqlite:///{ROOT}/mlflow.db"
    # The sqlite store's default artifact root is ./mlruns, resolved against the
    # working directory: run from dbproj/ so it becomes /home/alice/mlproj/dbproj/mlruns.
    os.makedirs(f"{ROOT}/dbproj", exist_ok=True)
    os.chdir(f"{ROOT}/dbproj")
else:
    raise SystemExit("usage: generate.py file|sqlite")

mlflow.set_tracking_uri(URI)
mlflow.set_registry_uri(URI)
client = MlflowClient(URI, URI)

names = {}  # logical name -> id
notes = []


class EchoModel(mlflow.pyfunc.PythonModel):
    """A trivial pyfunc model: returns its input unchanged."""

    def predict(self, context, model_input, params=None):
        return model_input


def log_pyfunc(name, **kw):
    # Explicit pip_requirements: no requirement inference (which would start a
    # subprocess that loads the model).
    return mlflow.pyfunc.log_model(
        name=name,
        python_model=EchoModel(),
        pip_requirements=["cloudpickle==2.1.0", "pandas"],
        **kw,
    )


# ---------------------------------------------------------------- datasets
train_df = pd.DataFrame({"x": [0.5, 1.5, 2.5, 3.5, 4.5, 5.5], "y": [0, 1, 0, 1, 0, 1]})
eval_df = pd.DataFrame({"x": [0.25, 1.25, 2.25], "y": [0, 1, 1]})
qa_df = pd.DataFrame(
    {
        "question": ["How do I reset my password?", "Where is my invoice?"],
        "answer": ["Use the 'Forgot password' link.", "Under Billing > Invoices."],
    }
)
train_ds = mlflow.data.from_pandas(
    train_df, source="/data/cifar10/train.csv", name="cifar10-train", targets="y"
)
eval_ds = mlflow.data.from_pandas(
    eval_df, source="/data/cifar10/eval.csv", name="cifar10-eval", targets="y"
)
qa_ds = mlflow.data.from_pandas(qa_df, source="/data/support/qa.csv", name="support-qa")

# ---------------------------------------------------------------- experiment 0
mlflow.set_experiment(experiment_id="0")
with mlflow.start_run(run_name="default-smoke") as r:
    names["default-smoke"] = r.info.run_id
    mlflow.log_param("seed", "42")
    mlflow.log_metric("score", 1.0, timestamp=BASE)

# ---------------------------------------------------------------- image-classification
exp_img = mlflow.create_experiment(
    "image-classification",
    tags={"team": "vision", "mlflow.note.content": "CIFAR-10 classifiers (MLflow 3 logged models)"},
)
names["exp:image-classification"] = exp_img
mlflow.set_experiment(experiment_id=exp_img)

with mlflow.start_run(run_name="resnet50-baseline") as r:
    rid = r.info.run_id
    names["resnet50-baseline"] = rid
    mlflow.log_params({"lr": "0.001", "epochs": "3", "optimizer": "adam"})
    mlflow.set_tags({"stage": "baseline", "mlflow.note.content": "baseline run"})
    mlflow.log_input(train_ds, context="training", tags={"split": "train"})
    mlflow.log_input(eval_ds, context="eval")
    # ordinary run metrics (no model): a slash key, a unicode key, non-finite values
    for i in range(10):
        mlflow.log_metric("train/loss", round(1.0 / (i + 1), 6), step=i, timestamp=BASE + i * 1000)
    mlflow.log_metric("准确率", 0.875, step=0, timestamp=BASE + 500)
    mlflow.log_text("baseline run, 3 epochs\n", "notes/summary.txt")
    mlflow.log_dict({"lr": 0.001, "layers": [64, 128]}, "config/train.json")
    weird = [1.0, math.nan, math.inf, -math.inf, -1.5]
    for i, v in enumerate(weird):
        mlflow.log_metric("weird_values", v, step=i, timestamp=BASE + 20000 + i)
    # a logged model created inside the run, at step 3
    m_base = log_pyfunc(
        "resnet-pyfunc",
        params={"x": "1", "arch": "resnet50"},
        tags={"framework": "pyfunc", "temp": "remove-me"},
        model_type="classifier",
        step=3,
    )
    names["model:resnet-pyfunc"] = m_base.model_id
    mid = m_base.model_id
    # model metrics with datasets (file store: 5-field run metric lines)
    mlflow.log_metric("accuracy", 0.81, step=3, timestamp=BASE + 30000, model_id=mid, dataset=eval_ds)
    mlflow.log_metric("accuracy", 0.93, step=3, timestamp=BASE + 30001, model_id=mid, dataset=train_ds)
    mlflow.log_metrics(
        {"f1": 0.7, "precision": 0.75}, step=3, timestamp=BASE + 30002, model_id=mid, dataset=eval_ds
    )
    # no model_id given: log_metric links a metric to the run's model outputs at the same
    # step, but only from a freshly fetched run (run_id=...): the active run object that
    # the fluent API caches was fetched at start_run, before the model output existed.
    mlflow.log_metric("eval_loss", 0.42, step=3, timestamp=BASE + 30003, run_id=rid)
    mlflow.log_metric("eval_loss_active_run", 0.43, step=3, timestamp=BASE + 30003)
    # a metric with a model but no dataset
    mlflow.log_metric("model_size_mb", 97.8, step=3, timestamp=BASE + 30004, model_id=mid)
    mlflow.set_logged_model_tags(mid, {"validated": "true"})
    client.delete_logged_model_tag(mid, "temp")
    mlflow.log_model_params({"input_size": "224"}, model_id=mid)
    notes.append(
        "resnet50-baseline: eval_loss and eval_loss_active_run were both logged without model_id "
        "at step 3, after resnet-pyfunc was logged at step 3; eval_loss (log_metric(run_id=...)) "
        "was linked to resnet-pyfunc, eval_loss_active_run (plain fluent call in the active run) "
        "was not"
    )
    notes.append(
        "resnet50-baseline: log_model(step=3) copied the run's params and its step-3 metrics "
        "(train/loss, weird_values) to resnet-pyfunc by re-logging them through log_batch"
    )

with mlflow.start_run(run_name="resnet50-finetune") as r:
    rid_ft = r.info.run_id
    names["resnet50-finetune"] = rid_ft
    mlflow.log_params({"lr": "0.0001", "epochs": "2", "base_model": mid})
    mlflow.log_input(train_ds, context="training")
    # fluent mlflow.log_inputs(models=...) is refused outside Databricks in 3.6; the client
    # call is what log_metric(model_id=...) uses internally.
    client.log_inputs(rid_ft, models=[LoggedModelInput(model_id=mid)])
    m_ft = log_pyfunc(
        "resnet-ft", params={"x": "2", "arch": "resnet50"}, tags={"framework": "pyfunc"},
        model_type="classifier",
    )
    names["model:resnet-ft"] = m_ft.model_id
    for step, v in enumerate([0.88, 0.91]):
        mlflow.log_metric("accuracy", v, step=step, timestamp=BASE + 40000 + step,
                          model_id=m_ft.model_id, dataset=eval_ds)
    mlflow.log_metric("accuracy", 0.97, step=1, timestamp=BASE + 40010,
                      model_id=m_ft.model_id, dataset=train_ds)

with mlflow.start_run(run_name="hpo-sweep") as parent:
    names["hpo-sweep"] = parent.info.run_id
    mlflow.log_param("n_trials", "2")
    kids = []
    for t, lr in enumerate(["0.01", "0.001"]):
        with mlflow.start_run(run_name=f"trial-{t}", nested=True) as child:
            kids.append(child.info.run_id)
            mlflow.log_param("lr", lr)
            for s in range(3):
                mlflow.log_metric("val_accuracy", 0.5 + 0.1 * s + 0.05 * t, step=s,
                                  timestamp=BASE + 50000 + 10 * t + s)
    names["hpo-children"] = kids
    mlflow.log_metric("best_val_accuracy", 0.75, timestamp=BASE + 50100)

with mlflow.start_run(run_name="crashed-oom") as r:
    names["crashed-oom"] = r.info.run_id
    mlflow.log_metric("loss", 2.5, timestamp=BASE + 60000)
    mlflow.end_run(status="FAILED")

with mlflow.start_run(run_name="deleted-run") as r:
    names["deleted-run"] = r.info.run_id
    mlflow.log_metric("m", 1.0, timestamp=BASE + 61000)
client.delete_run(names["deleted-run"])

# ---------------------------------------------------------------- genai-agent
exp_ai = mlflow.create_experiment("genai-agent", tags={"purpose": "agents"})
names["exp:genai-agent"] = exp_ai
mlflow.set_experiment(experiment_id=exp_ai)

ext = mlflow.create_external_model(
    name="support-agent",
    params={"llm": "tiny-llm", "temperature": "0.2", "x": "1"},
    tags={"owner": "nlp"},
    model_type="agent",
    experiment_id=exp_ai,
)
names["model:support-agent"] = ext.model_id
draft = mlflow.initialize_logged_model(
    name="agent-draft", params={"x": "3"}, model_type="agent", experiment_id=exp_ai
)
names["model:agent-draft"] = draft.model_id  # stays PENDING
broken = mlflow.initialize_logged_model(name="agent-broken", model_type="agent", experiment_id=exp_ai)
mlflow.finalize_logged_model(broken.model_id, "FAILED")
names["model:agent-broken"] = broken.model_id
scratch = mlflow.create_external_model(name="scratch-model", experiment_id=exp_ai)
names["model:scratch-model"] = scratch.model_id
client.delete_logged_model(scratch.model_id)

with mlflow.start_run(run_name="agent-eval") as r:
    names["agent-eval"] = r.info.run_id
    mlflow.log_param("judge", "exact-match")
    mlflow.log_input(qa_ds, context="evaluation", tags={"version": "v1"})
    client.log_inputs(r.info.run_id, models=[LoggedModelInput(model_id=ext.model_id)])
    mlflow.log_metric("answer_correctness", 0.66, step=0, timestamp=BASE + 70000,
                      model_id=ext.model_id, dataset=qa_ds)
    mlflow.log_metric("latency_ms", 120.0, step=0, timestamp=BASE + 70001, model_id=ext.model_id)
    mlflow.log_outputs(models=[LoggedModelOutput(model_id=draft.model_id, step=1)])

# one trace, linked to the external model through the active model
mlflow.set_active_model(model_id=ext.model_id)


@mlflow.trace(name="answer_question", span_type="AGENT")
def answer(question):
    with mlflow.start_span(name="retrieve", span_type="RETRIEVER") as span:
        span.set_inputs({"query": question})
        docs = ["Use the 'Forgot password' link."]
        span.set_outputs({"documents": docs})
    return docs[0]


answer("How do I reset my password?")
mlflow.flush_trace_async_logging()
mlflow.clear_active_model()
traces = client.search_traces(experiment_ids=[exp_ai])
names["trace"] = traces[0].info.trace_id
notes.append("one trace (answer_question > retrieve) in genai-agent, with support-agent as active model")

# ---------------------------------------------------------------- small extra experiments
exp_del = mlflow.create_experiment("to-be-deleted")
names["exp:to-be-deleted"] = exp_del
with mlflow.start_run(experiment_id=exp_del, run_name="run-in-deleted-exp") as r:
    names["run-in-deleted-exp"] = r.info.run_id
    mlflow.log_metric("m", 3.0, timestamp=BASE + 80000)
client.delete_experiment(exp_del)
names["exp:empty-experiment"] = mlflow.create_experiment("empty-experiment")

# ---------------------------------------------------------------- registry
client.create_registered_model(
    "resnet-classifier",
    tags={"task": "image-classification"},
    description="ResNet-50 classifier for CIFAR-10.\n\nRegistered from MLflow 3 logged models.",
)
v1 = mlflow.register_model(f"models:/{mid}", "resnet-classifier", tags={"iteration": "0"})
# runs:/<run>/<model name>: the run has no artifacts there, MLflow resolves it to the
# logged model of that name whose source run is <run> (stored source: models:/m-...)
v2 = mlflow.register_model(f"runs:/{rid_ft}/resnet-ft", "resnet-classifier", tags={"iteration": "1"})
# the same runs:/ URI straight to create_model_version: stored as given
v3 = client.create_model_version(
    "resnet-classifier", source=f"runs:/{rid_ft}/resnet-ft", run_id=rid_ft,
    tags={"iteration": "2"}, description="created with a runs:/ source",
)
v4 = mlflow.register_model(f"models:/{mid}", "resnet-classifier")
client.transition_model_version_stage("resnet-classifier", v1.version, "Staging")
client.transition_model_version_stage("resnet-classifier", v2.version, "Production")
client.transition_model_version_stage("resnet-classifier", v1.version, "Archived")
client.transition_model_version_stage("resnet-classifier", v3.version, "Staging")
client.set_registered_model_alias("resnet-classifier", "champion", v2.version)
client.set_registered_model_alias("resnet-classifier", "challenger", v3.version)
client.set_registered_model_alias("resnet-classifier", "temp", v4.version)
client.delete_registered_model_alias("resnet-classifier", "temp")
client.set_model_version_tag("resnet-classifier", v2.version, "validated", "true")
client.delete_model_version("resnet-classifier", v4.version)
notes.append(
    "resnet-classifier/4 was created then deleted (delete_model_version); alias 'temp' on it "
    "was set then deleted"
)

client.create_registered_model("support-agent", description="customer-support agent")
va = mlflow.register_model(f"models:/{ext.model_id}", "support-agent")
client.set_registered_model_alias("support-agent", "prod", va.version)
client.create_registered_model("empty-model", description="no versions yet")

# ---------------------------------------------------------------- prompts
p1 = mlflow.genai.register_prompt(
    name="summarize-prompt",
    template="Summarize the following text in {{ num_sentences }} sentences:\n\n{{ text }}",
    commit_message="initial version",
    tags={"task": "summarization", "language": "en"},
)
p2 = mlflow.genai.register_prompt(
    name="summarize-prompt",
    template=[
        {"role": "system", "content": "You write short summaries."},
        {"role": "user", "content": "Summarize in {{ num_sentences }} sentences: {{ text }}"},
    ],
    commit_message="chat format",
    tags={"task": "summarization", "format": "chat"},
)
mlflow.genai.set_prompt_alias("summarize-prompt", alias="production", version=p1.version)
notes.append("prompt summarize-prompt: v1 text template, v2 chat template; alias production -> 1")

with open(f"{ROOT}/manifest-{MODE}.json", "w") as f:
    json.dump({"tracking_uri": URI, "logical_names": names, "notes": notes}, f, indent=1)
print(json.dumps(names, indent=1))
