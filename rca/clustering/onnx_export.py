"""The packaged MiniLM as an ONNX graph for ONNX Runtime, made once per machine from the package's weights.

Nothing is downloaded: torch loads ``model.safetensors`` from the model
package's folder, ``torch.onnx.export`` traces it, ONNX Runtime's BERT
optimizer fuses attention, layer norms and GELU into single operators, and
for the ``int8`` variant ``quantize_dynamic`` stores the matrix weights as
int8, one scale per output channel (activations are quantised per batch
at run time).  The files go to
``<user data folder>/rca/models`` (``RCA_MODEL_CACHE`` overrides it), named
after the model package's version, the variant and ``RECIPE``: a machine
exports once (about half a minute), every later run loads the file in a
second without importing torch.

Changing anything here that changes the graph's numbers must bump
``RECIPE``: the embedding cache is keyed by it (rca.clustering.semantic),
so vectors from an older graph are never mixed with new ones.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import threading
import warnings
from importlib import metadata
from pathlib import Path

RECIPE = 1  # version of the export steps below
ENV_MODEL_CACHE = "RCA_MODEL_CACHE"
OPSET = 17
_export_lock = threading.Lock()


def model_cache_dir() -> Path:
    configured = os.environ.get(ENV_MODEL_CACHE)
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_data_dir("rca", appauthor=False)) / "models"


def onnx_file(package: str, variant: str) -> Path:
    """Where the exported graph of ``variant`` lives (it may not exist yet)."""
    return model_cache_dir() / f"{package}-{metadata.version(package)}-{variant}-r{RECIPE}.onnx"


def ensure_onnx(model_dir: Path, package: str, variant: str) -> Path:
    """The graph file of ``variant`` ("fp32" or "int8"), exported first if this machine has none."""
    target = onnx_file(package, variant)
    if target.is_file():
        return target
    with _export_lock:
        if target.is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".export-") as work:
            work = Path(work)
            fused = _export_fp32(model_dir, work)
            if variant == "int8":
                fused = _quantize(fused, work / "int8.onnx")
            # Written whole, then renamed: a second process exporting at the same
            # time, or a run killed half-way, never leaves a partial file behind.
            os.replace(fused, target)
    return target


@contextlib.contextmanager
def _quiet():
    """The library never prints: silence the exporters' warnings and log lines."""
    names = ("onnxruntime", "onnxruntime.transformers", "onnxruntime.quantization", "torch.onnx", "root")
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for lg in loggers:
            lg.setLevel(logging.ERROR)
        try:
            yield
        finally:
            for lg, level in zip(loggers, levels):
                lg.setLevel(level)


def _export_fp32(model_dir: Path, work: Path) -> Path:
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    with _quiet():
        # "eager" attention traces to the MatMul/Softmax pattern that ONNX
        # Runtime's optimizer recognises and fuses; the SDPA kernel does not.
        bert = AutoModel.from_pretrained(str(model_dir), local_files_only=True, attn_implementation="eager").eval()

        class LastHiddenState(torch.nn.Module):
            def __init__(self, model):
                super().__init__()
                self.model = model

            def forward(self, input_ids, attention_mask, token_type_ids):
                return self.model(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state

        example = torch.ones((2, 16), dtype=torch.long)
        axes = {0: "batch", 1: "tokens"}
        raw = work / "raw.onnx"
        with torch.inference_mode():
            torch.onnx.export(LastHiddenState(bert).eval(), (example, example, torch.zeros_like(example)), str(raw),
                              input_names=["input_ids", "attention_mask", "token_type_ids"],
                              output_names=["last_hidden_state"], opset_version=OPSET, dynamo=False,
                              dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes,
                                            "last_hidden_state": axes})
        from onnxruntime.transformers import optimizer

        config = bert.config
        fused = optimizer.optimize_model(str(raw), model_type="bert", num_heads=config.num_attention_heads,
                                         hidden_size=config.hidden_size)
        out = work / "fp32.onnx"
        fused.save_model_to_file(str(out))
    return out


def _quantize(source: Path, out: Path) -> Path:
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with _quiet():
        # The fused operators come from ONNX Runtime's own domain, whose output
        # types ONNX shape inference cannot name: tell the quantiser they are float.
        # Per output channel, signed: one scale per weight column kept vectors at
        # cosine 0.993 of the fp32 ones on banking77 (one scale per matrix: 0.968).
        quantize_dynamic(str(source), str(out), weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": TensorProto.FLOAT})
    return out
