#!/usr/bin/env bash
# The CPU training runs of the training issue, one after another (each capped by wall-clock time),
# then their figures collected into benchmarks/training/results/. Weights stay in
# benchmarks/training/runs/ (gitignored). About 75 minutes on 2 cores.
#
#   bash benchmarks/training/run_cpu.sh [seq2seq|classifier|retriever ...]
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-.venv/bin/python}
TRAIN=${TRAIN:-.venv/bin/apiary-train}
RUNS=benchmarks/training/runs
STDLIB=$($PY -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
mkdir -p "$RUNS"
runs=("$@"); [ ${#runs[@]} -eq 0 ] && runs=(seq2seq classifier retriever)

for run in "${runs[@]}"; do
  case $run in
  seq2seq)  # description -> API sequence, on pairs mined from this interpreter's stdlib and site-packages
    $PY -m benchmarks.training.prepare_apiseq --out $RUNS/apiseq-train.jsonl --test-out $RUNS/apiseq-test.jsonl \
        --test-fraction 0.04
    $TRAIN train seq2seq --pairs $RUNS/apiseq-train.jsonl --test_pairs $RUNS/apiseq-test.jsonl \
        --output_dir $RUNS/apiseq --max_minutes 25 --batch_size 32 --learning_rate 1e-4 --max_target_length 16 \
        --max_test_pairs 500 --num_beams 5 --logging_steps 25 > $RUNS/seq2seq.log 2>&1 ;;
  classifier)  # intent-snippet pairs from a slice of the standard library
    $TRAIN corpus intent-snippet \
        $STDLIB/{json,email,http,logging,urllib,importlib,asyncio,concurrent,xml,unittest} \
        $STDLIB/{argparse,shutil,pathlib,tarfile,zipfile,subprocess,csv,datetime}.py --out $RUNS/intent-snippet.jsonl
    $TRAIN train classifier --pairs $RUNS/intent-snippet.jsonl --output_dir $RUNS/classifier \
        --max_minutes 12 --batch_size 16 --max_length 128 --learning_rate 5e-5 --test_fraction 0.05 \
        --logging_steps 25 > $RUNS/classifier.log 2>&1 ;;
  retriever)  # installed public libraries, never TorchData
    $PY -m apiary_training.corpus.library_pairs --library networkx --library sklearn --library scipy \
        --library pandas --library matplotlib --library sympy --library PIL --library transformers \
        --out $RUNS/retriever-pairs.jsonl
    $TRAIN train retriever --pairs $RUNS/retriever-pairs.jsonl --output_dir $RUNS/retriever \
        --max_minutes 25 --batch_size 32 --num_negatives 1 > $RUNS/retriever.log 2>&1
    $PY -m benchmarks.training.run_retriever --encoder $RUNS/retriever --json benchmarks/training/results/retriever.json ;;
  *) echo "unknown run: $run" >&2; exit 2 ;;
  esac
done
$PY -m benchmarks.training.collect
