#!/usr/bin/env python3
"""Eval-mode forward throughput of the PyTorch reference model (../shared/tools/hfref.py), the inference
counterpart of `hfref.py bench`: random-init BertForSequenceClassification, model.eval(), torch.no_grad(),
synthetic ids, batch B x S, median of STEPS after WARMUP. Prints one line `REF_PREDICT_JSON {...}`.

usage: ref_predict.py HFREF_DIR [--config minilm] [--batch 64] [--seq 128] [--steps 5] [--warmup 2] [--threads 2]
Run it as hfref.py's README says (the python3 with Debian's python3-torch, OMP_WAIT_POLICY=PASSIVE,
OPENBLAS_CORETYPE=SkylakeX); jtune-bench's `--reference` does that.
"""
import argparse
import json
import os
import statistics
import sys
import time

p = argparse.ArgumentParser()
p.add_argument("hfref_dir")
p.add_argument("--config", default="minilm")
p.add_argument("--batch", type=int, default=64)
p.add_argument("--seq", type=int, default=128)
p.add_argument("--steps", type=int, default=5)
p.add_argument("--warmup", type=int, default=2)
p.add_argument("--threads", type=int, default=2)
a = p.parse_args()
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(v, str(a.threads))
sys.path.insert(0, a.hfref_dir)

import hfref  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(a.threads)
cfg = dict(hfref.BUILTIN_CONFIGS[a.config])
cfg["num_labels"] = 2
model = hfref.random_init_model(hfref.BertConfig(**cfg), 0)
model.eval()
g = torch.Generator().manual_seed(0)
ids = torch.randint(1000, cfg["vocab_size"], (a.batch, a.seq), generator=g)
ids[:, 0] = 101
am = torch.ones((a.batch, a.seq), dtype=torch.long)
tt = torch.zeros((a.batch, a.seq), dtype=torch.long)
times = []
with torch.no_grad():
    for i in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        out = model(ids, am, tt)
        float(out["logits"].sum())
        t1 = time.perf_counter()
        if i >= a.warmup:
            times.append(t1 - t0)
med = statistics.median(times)
res = {"config": a.config, "batch": a.batch, "seq": a.seq, "threads": torch.get_num_threads(), "torch": torch.__version__,
       "median_step_s": med, "step_s": times, "sentences_per_s": a.batch / med}
print(f"reference predict {a.config} {a.batch}x{a.seq}: median {med:.3f}s -> {a.batch / med:.1f} sentences/s")
print("REF_PREDICT_JSON " + json.dumps(res))
