"""The tiny end-to-end run of issue 5: a fixture source tree -> corpora (the real `apiary-train corpus`
commands) -> a tiny causal LM trained from scratch, its loss falling -> saved as safetensors, resumed
from its checkpoint -> loaded by the server's backend and generating -> evaluated (held-out loss, and
pass@k of what it writes, run in the sandbox)."""

import json
import math
import shutil
from pathlib import Path

import pytest

from apiary.generation.backends.base import GenerationRequest
from apiary.generation.backends.factory import load_backend
from apiary_training.cli import main as apiary_train

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "project"
ADD = "def add(a, b):\n    \"\"\"Add two numbers and return the sum.\"\"\"\n    return a + b\n"


def _source_tree(root: Path) -> Path:
    shutil.copytree(FIXTURE, root)
    for i in range(12):  # enough distinct files to learn from (the near-duplicate filter drops copies)
        (root / f"util_{i}.py").write_text(
            f'"""Helpers number {i}."""\n\nimport os\n\n\n{ADD}\n\n'
            f"def scale_{i}(values, factor={i}):\n    \"\"\"Scale the values by a factor of {i}.\"\"\"\n"
            f"    return [v * factor for v in values]\n\n\n"
            f"def path_{i}(name):\n    \"\"\"Join the name to the data folder.\"\"\"\n"
            f"    return os.path.join(os.getcwd(), \"data_{i}\", name)\n"
        )
    return root


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.mark.usefixtures("one_torch_thread")
def test_tiny_end_to_end(tmp_path, capsys):
    src = _source_tree(tmp_path / "src")
    files, pairs, intents = tmp_path / "files.jsonl", tmp_path / "apiseq.jsonl", tmp_path / "intent.jsonl"
    for kind, out in (("files", files), ("apiseq", pairs), ("intent-snippet", intents)):
        assert apiary_train(["corpus", kind, str(src), "--out", str(out), "--no-progress"]) == 0
    corpus = _lines(files)
    assert len(corpus) >= 10 and all(r["weight"] > 0 for r in corpus)
    assert ["os.getcwd", "os.path.join"] in [r["apiseq"] for r in _lines(pairs)]  # by closing parenthesis
    assert {r["label"] for r in _lines(intents)} == {0, 1}

    out = tmp_path / "model"
    common = ["train", "clm", "--train_file", str(files), "--from_scratch", "tiny", "--output_dir", str(out),
              "--block_size", "128", "--per_device_train_batch_size", "4", "--gradient_accumulation_steps", "2",
              "--learning_rate", "3e-3", "--logging_steps", "2", "--save_steps", "12", "--use_cpu",
              "--validation_fraction", "0.1"]
    assert apiary_train([*common, "--max_steps", "12"]) == 0
    first = json.loads((out / "clm_metrics.json").read_text())
    assert first["last_logged_loss"] < first["first_logged_loss"] - 0.3  # it learns
    assert (out / "checkpoint-12" / "model.safetensors").is_file() and (out / "model.safetensors").is_file()
    assert not list(out.rglob("pytorch_model*.bin"))  # weights only in safetensors
    assert apiary_train([*common, "--max_steps", "16"]) == 0  # picks up from checkpoint-12
    resumed = json.loads((out / "clm_metrics.json").read_text())
    assert resumed["resumed_from"].endswith("checkpoint-12") and resumed["steps"] == 16
    assert resumed["eval_loss"] < math.log(512) - 0.3  # below uniform guessing over the tiny vocabulary
    capsys.readouterr()

    backend = load_backend(str(out), None, device="cpu")
    (completion,) = backend.complete(GenerationRequest(prompt="def add(a, b):\n", max_new_tokens=24))
    assert isinstance(completion.text, str) and completion.text

    problems, samples = tmp_path / "problems.jsonl", tmp_path / "samples.jsonl"
    problems.write_text(json.dumps({"task_id": "Tiny/0", "prompt": "def add(a, b):\n", "entry_point": "add",
                                    "test": "def check(f):\n    assert f(2, 3) == 5\n"}) + "\n")
    samples.write_text(json.dumps({"task_id": "Tiny/0", "completion": completion.text}) + "\n")
    report_path = tmp_path / "passk.json"
    assert apiary_train(["eval", "passk", "--problems", str(problems), "--samples", str(samples),
                         "--timeout", "5", "--json", str(report_path), "--allow-weak-sandbox"]) == 0
    report = json.loads(report_path.read_text())
    assert report["problems"][0]["n"] == 1 and sum(report["statuses"].values()) == 1
    assert 0.0 <= report["pass_at"]["pass@1"] <= 1.0
