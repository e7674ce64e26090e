"""Golden values for jtune's encoder families from REAL transformers (5.17), for configurations, seeds, texts and
hyper-parameters that ../shared/fixtures/arch does not use (DistilBERT with sinusoidal positions, ELECTRA without the
embeddings projection, DeBERTa-v2 with absolute positions + conv + separate position projections, ModernBERT with
cls pooling and biases, ...). Same case format as ../shared/fixtures/arch/cases (see its README), so
ArchFixtureParityTest reads both.

Run where transformers is installed, on CPU, float32, eager attention:
    python3 make_variant_fixtures.py SHARED_ARCH_MODELS OUT_DIR
SHARED_ARCH_MODELS holds <family>/{config.json,tokenizer.json,tokenizer_config.json} (the tokenizers are reused; only
config.json and model.safetensors of each variant are written, into OUT_DIR/models/<variant>/; cases into
OUT_DIR/cases/<variant>.json).
"""
import copy
import json
import os
import sys

import torch
import transformers
from transformers import (AutoConfig, AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding,
                          Trainer, TrainingArguments)

SRC, OUT = sys.argv[1], sys.argv[2]
torch.use_deterministic_algorithms(True)

VARIANTS = {
    # name: (family, config overrides, dropout keys for the train-mode runs, seed)
    "bert-gelu-new": ("bert", {"hidden_act": "gelu_new", "num_hidden_layers": 3, "classifier_dropout": 0.2},
                      ["hidden_dropout_prob", "attention_probs_dropout_prob", "classifier_dropout"], 11),
    "distilbert-sinusoidal": ("distilbert", {"sinusoidal_pos_embds": True, "activation": "relu", "n_layers": 3},
                              ["dropout", "attention_dropout", "seq_classif_dropout", "qa_dropout"], 12),
    "roberta-seed": ("roberta", {"num_hidden_layers": 3, "max_position_embeddings": 80},
                     ["hidden_dropout_prob", "attention_probs_dropout_prob", "classifier_dropout"], 13),
    "xlm-roberta-seed": ("xlm-roberta", {"intermediate_size": 29},
                         ["hidden_dropout_prob", "attention_probs_dropout_prob", "classifier_dropout"], 14),
    "electra-no-projection": ("electra", {"embedding_size": 32, "hidden_act": "relu"},
                              ["hidden_dropout_prob", "attention_probs_dropout_prob", "classifier_dropout"], 15),
    "deberta-v2-classic": ("deberta-v2", {"position_biased_input": True, "type_vocab_size": 2, "position_buckets": -1,
                                          "max_relative_positions": 24, "pos_att_type": "p2c|c2p", "share_att_key": False,
                                          "norm_rel_ebd": "none", "conv_kernel_size": 3, "conv_act": "gelu",
                                          "embedding_size": 24},
                           ["hidden_dropout_prob", "attention_probs_dropout_prob", "pooler_dropout"], 16),
    "deberta-v3-buckets8": ("deberta-v2", {"position_buckets": 8, "max_relative_positions": 16, "pos_att_type": ["c2p"],
                                           "num_hidden_layers": 3},
                            ["hidden_dropout_prob", "attention_probs_dropout_prob", "pooler_dropout"], 17),
    "modernbert-cls-bias": ("modernbert", {"classifier_pooling": "cls", "attention_bias": True, "mlp_bias": True,
                                           "norm_bias": True, "classifier_bias": True, "local_attention": 4,
                                           "layer_types": ["full_attention", "sliding_attention", "full_attention"],
                                           "rope_parameters": {"full_attention": {"rope_theta": 80000.0, "rope_type": "default"},
                                                               "sliding_attention": {"rope_theta": 5000.0, "rope_type": "default"}},
                                           "classifier_activation": "silu"},
                            ["embedding_dropout", "attention_dropout", "mlp_dropout", "classifier_dropout"], 18),
}

TEXTS = [
    ("Absolutely wonderful acting from the whole cast.", None, 2),
    ("I waited forty minutes and nobody came to our table.", None, 0),
    ("The museum opens at nine on weekdays.", None, 1),
    ("Two men are playing guitar on a stage.", "A pair of musicians perform a concert.", 2),
    ("Das Essen war kalt, aber der Service freundlich.", None, 1),
    ("Worst purchase ever; it broke after a day!!!", None, 0),
    ("Is the library open on Sundays?", "The library is closed on Sundays.", 0),
    ("naïve façade — ¿qué tal? 你好 🙂", None, 1),
    ("The battery lasts all week and charges fast.", None, 2),
    ("A cat sleeps on the sofa.", "", 1),
    ("Meh. It was fine, I guess.", None, 1),
    ("Terrible plot, stunning visuals.", "Mixed feelings overall.", 0),
]
TOKENIZE = [
    ("Hello there, General Kenobi!", None), ("", None), ("  leading and trailing  ", None), ("UPPER case ÀÉÎ", None),
    ("x" * 300, None), ("question?", "answer!"), ("emoji 👩‍💻 and tabs\tand\nlines", None),
    ("numbers 1,234.56 and dates 2026-12-04", "same-day delivery"), ("<mask> [MASK] literal", None),
    ("long pair " * 40, "second part " * 40), ("Straße München Zürich", ""), ("日本語のテキストです", "中文文本"),
]
MAX_LENGTH = 48


def encode(tok, text, pair):
    return tok(text, pair if pair else None, truncation="longest_first", max_length=MAX_LENGTH, add_special_tokens=True)


def batch(tok, rows):
    feats = [encode(tok, t, p) for t, p, _ in rows]
    return tok.pad(feats, return_tensors="pt")


def fresh(cfg, state=None):
    m = AutoModelForSequenceClassification.from_config(cfg, attn_implementation="eager")
    if state is not None:
        m.load_state_dict(state)
    return m


def main():
    os.makedirs(os.path.join(OUT, "cases"), exist_ok=True)
    for name, (family, overrides, dropouts, seed) in VARIANTS.items():
        try:
            one(name, family, overrides, dropouts, seed)
        except Exception as e:  # report and go on with the other variants
            import traceback
            traceback.print_exc()
            print(name, "FAILED", repr(e), flush=True)


def one(name, family, overrides, dropouts, seed):
    if True:
        src = os.path.join(SRC, family)
        tok = AutoTokenizer.from_pretrained(src)
        base = json.load(open(os.path.join(src, "config.json")))
        for k in ("architectures", "transformers_version", "dtype", "torch_dtype"):
            base.pop(k, None)
        base.update(overrides)
        base["num_labels"] = 3
        base["id2label"] = {"0": "negative", "1": "neutral", "2": "positive"}
        base["label2id"] = {"negative": 0, "neutral": 1, "positive": 2}
        base["initializer_range"] = 0.1
        model_type = base.pop("model_type")
        cfg = AutoConfig.for_model(model_type, **base)
        torch.manual_seed(seed)
        model = fresh(cfg)
        model.eval()
        state = {k: v.clone() for k, v in model.state_dict().items()}
        out_model = os.path.join(OUT, "models", name)
        model.save_pretrained(out_model)

        case = {"family": family, "variant": name, "model": name, "transformers": transformers.__version__,
                "torch": torch.__version__, "overrides": overrides}
        uses_types = "token_type_ids" in tok.model_input_names
        cases = []
        for t, p in TOKENIZE:
            e = encode(tok, t, p)
            c = {"text": t, "text_pair": p, "input_ids": e["input_ids"], "attention_mask": e["attention_mask"],
                 "tokens": tok.convert_ids_to_tokens(e["input_ids"])}
            if uses_types:
                c["token_type_ids"] = e["token_type_ids"]
            cases.append(c)
        case["tokenize"] = {"max_length": MAX_LENGTH, "truncation": "longest_first", "add_special_tokens": True, "cases": cases}

        rows = TEXTS[:8]
        b = batch(tok, rows)
        inputs = {k: v for k, v in b.items()}
        labels_single = torch.tensor([r[2] for r in rows], dtype=torch.long)
        g = torch.Generator().manual_seed(seed)
        labels_multi = (torch.rand(len(rows), 3, generator=g) > 0.5).float()
        with torch.no_grad():
            o = model(**inputs, labels=labels_single)
            multi = fresh(copy.deepcopy(cfg), state)
            multi.config.problem_type = None
            multi.eval()
            om = multi(**inputs, labels=labels_multi)
        case["forward"] = {"batch": {k: v.tolist() for k, v in inputs.items()}, "labels_single": labels_single.tolist(),
                           "logits": o.logits.tolist(), "loss_single": o.loss.item(), "labels_multi": labels_multi.tolist(),
                           "loss_multi": om.loss.item(), "problem_type_multi_inferred": multi.config.problem_type}

        train_over = {k: 0.0 for k in dropouts}
        tcfg = copy.deepcopy(cfg)
        for k, v in train_over.items():
            setattr(tcfg, k, v)
        tm = fresh(tcfg, state)
        tm.train()
        ot = tm(**inputs, labels=labels_single)
        ot.loss.backward()
        norms, no_grad = {}, []
        for n, p in tm.named_parameters():
            if p.grad is None:
                no_grad.append(n)
            else:
                norms[n] = p.grad.norm().item()
        case["config_overrides_for_train"] = train_over
        case["grads"] = {"loss": ot.loss.item(), "grad_norms": norms, "no_grad": no_grad}
        case["parameter_names"] = [n for n, _ in tm.named_parameters()]
        case["state_dict_keys"] = sorted(model.state_dict().keys())

        args = {"learning_rate": 5e-4, "weight_decay": 0.05, "max_grad_norm": 0.5, "lr_scheduler_type": "cosine",
                "warmup_steps": 1, "per_device_train_batch_size": 3, "max_steps": 6, "seed": 7, "max_length": MAX_LENGTH,
                "train_sampling_strategy": "sequential", "gradient_accumulation_steps": 1}
        trm = fresh(tcfg, state)
        data = [dict(encode(tok, t, p), labels=l) for t, p, l in TEXTS]
        targs = TrainingArguments(output_dir=os.path.join(OUT, "tmp-" + name), learning_rate=args["learning_rate"],
                                  weight_decay=args["weight_decay"], max_grad_norm=args["max_grad_norm"],
                                  lr_scheduler_type=args["lr_scheduler_type"], warmup_steps=args["warmup_steps"],
                                  per_device_train_batch_size=args["per_device_train_batch_size"], max_steps=args["max_steps"],
                                  seed=args["seed"], train_sampling_strategy="sequential", logging_steps=1,
                                  save_strategy="no", report_to=[], use_cpu=True, disable_tqdm=True)
        trainer = Trainer(model=trm, args=targs, train_dataset=data, data_collator=DataCollatorWithPadding(tok))
        lrs = []
        trainer.add_callback(type("LrSpy", (transformers.TrainerCallback,), {
            "on_step_begin": lambda self, a, s, c, **kw: lrs.append(kw["lr_scheduler"].get_last_lr()[0] if kw.get("lr_scheduler") else None)})())
        trainer.train()
        steps = [{"step": h["step"], "loss": h["loss"], "grad_norm": h["grad_norm"], "learning_rate": h["learning_rate"]}
                 for h in trainer.state.log_history if "loss" in h and "grad_norm" in h]
        trm.eval()
        with torch.no_grad():
            fl = trm(**{k: v for k, v in batch(tok, TEXTS[:4]).items()}).logits.tolist()
        case["train"] = {"data": [{"text": t, "text_pair": p, "label": l} for t, p, l in TEXTS], "args": args,
                         "steps": steps, "lr_at_step_begin": lrs, "final_logits_rows_0_3": fl}
        json.dump(case, open(os.path.join(OUT, "cases", name + ".json"), "w"), indent=1)
        print(name, "ok", "loss", round(o.loss.item(), 5), "steps", len(steps), flush=True)


main()
