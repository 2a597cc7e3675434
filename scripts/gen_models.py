#!/usr/bin/python3
"""Generates the example ONNX models and their expected outputs, deterministically.

Usage (Debian's python3 with python3-onnx and python3-numpy, not a pyenv python):

    /usr/bin/python3 scripts/gen_models.py examples/models
    /usr/bin/python3 scripts/gen_models.py examples/models --test-models tests/ModelOperator.Runtime.Onnx.Tests/Models

The first argument is where the example models go:

    <dir>/churn/1/model.onnx   churn MLP 8 -> 16 (Relu) -> 1 -> sigmoid
    <dir>/churn/2/model.onnx   "good" new version: weights slightly perturbed, predictions close to v1
    <dir>/churn/3/model.onnx   "bad" new version: predictions shifted strongly upward
    <dir>/wide/1/model.onnx    MLP 256 -> 1024 (Relu) -> 1024 (Relu) -> 10 for benchmarks
    <dir>/integers/1/model.onnx   BOOL and every integer type in, several outputs (identity, Not, casts)
    <dir>/floats/1/model.onnx     FP16, BF16, FP32, FP64 in, identities and casts to FP32 out
    <dir>/strings/1/model.onnx    a string (BYTES) input: a categorical lookup to INT64 and the string back

each with an expected.json beside it (input rows, outputs computed with numpy in float32,
the model file's sha256). ONNX Runtime must match them within 1e-5 relative to the largest
magnitude in each output tensor: |ort - numpy| <= 1e-5 * max|numpy| (a per-element bound would be
unfair to logits near zero, where summing 1024 float32 terms in a different order cancels). With --server-test-models DIR it writes a model with external data for the server's tests. With --test-models DIR it also writes the small models the binding's
tests use: one passing six element types through simple ops, and two with an
unsupported (sequence) input or output.

Everything comes from fixed seeds, so running the script again rewrites identical files.
The models use opset 13 and IR version 8, which ONNX Runtime 1.30 loads.
"""

import argparse
import hashlib
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
IR_VERSION = 8

# The churn model's features, in input column order: (name, unit/meaning, low, high, integer?).
# The ranges are what a telecom-style subscription business would plausibly see.
CHURN_FEATURES = [
    ("tenure_months", "months since the customer signed up", 0, 72, True),
    ("monthly_charges", "current monthly bill in USD", 18.0, 120.0, False),
    ("support_calls_90d", "support calls in the last 90 days", 0, 10, True),
    ("contract_months", "contract length: 1 (month-to-month), 12 or 24", None, None, True),
    ("products", "number of subscribed products", 1, 6, True),
    ("days_since_last_login", "days since the customer last used the app or portal", 0, 60, True),
    ("late_payments_12m", "late payments in the last 12 months", 0, 6, True),
    ("satisfaction_score", "last survey score, 1 (bad) to 5 (good)", 1, 5, True),
]
CONTRACT_CHOICES = np.array([1.0, 12.0, 24.0])
CONTRACT_WEIGHTS = np.array([0.5, 0.3, 0.2])

# Direction and strength of each feature's effect on the churn log-odds (per standard deviation).
# The hidden layer is random; the output layer is fitted so the network follows these effects.
CHURN_EFFECTS = np.array([-1.1, 0.6, 0.9, -0.8, -0.3, 0.7, 0.6, -0.7])


def sample_churn_features(rng, n):
    """Draws n plausible customers, one row each, in CHURN_FEATURES order (float32)."""
    rows = np.empty((n, len(CHURN_FEATURES)), dtype=np.float64)
    for j, (name, _, low, high, integer) in enumerate(CHURN_FEATURES):
        if name == "contract_months":
            rows[:, j] = rng.choice(CONTRACT_CHOICES, size=n, p=CONTRACT_WEIGHTS)
        elif integer:
            rows[:, j] = rng.integers(low, high + 1, size=n)
        else:
            rows[:, j] = np.round(rng.uniform(low, high, size=n), 2)
    return rows.astype(np.float32)


def sigmoid(x):
    return (np.float32(1) / (np.float32(1) + np.exp(-x))).astype(np.float32)


def relu(x):
    return np.maximum(x, np.float32(0))


def mlp_forward(x, layers, final_sigmoid):
    """float32 forward pass: Relu between layers, optional sigmoid at the end."""
    h = x.astype(np.float32)
    for i, (w, b) in enumerate(layers):
        h = (h @ w + b).astype(np.float32)
        if i < len(layers) - 1:
            h = relu(h)
    return sigmoid(h) if final_sigmoid else h


def churn_v1_layers():
    rng = np.random.default_rng(20261122)
    sample = sample_churn_features(rng, 4096).astype(np.float64)
    mean = sample.mean(axis=0)
    std = sample.std(axis=0)
    z = (sample - mean) / std

    # Random hidden layer on standardized features, then folded into raw-feature weights
    # so the model takes the raw values: W' = W / std, b' = b - (mean / std) @ W.
    w1 = rng.normal(0.0, 1.0 / np.sqrt(8), size=(8, 16))
    b1 = rng.normal(0.0, 0.3, size=16)
    hidden = np.maximum(z @ w1 + b1, 0.0)

    # Fit the output layer (least squares) to the intended log-odds: the named effects plus
    # a little noise, centred slightly below zero (most customers stay).
    target = z @ CHURN_EFFECTS - 0.4 + rng.normal(0.0, 0.3, size=len(z))
    design = np.hstack([hidden, np.ones((len(z), 1))])
    coef, *_ = np.linalg.lstsq(design, target, rcond=None)
    w2 = coef[:16].reshape(16, 1)
    b2 = coef[16:]

    w1_raw = w1 / std[:, None]
    b1_raw = b1 - (mean / std) @ w1
    return [
        (w1_raw.astype(np.float32), b1_raw.astype(np.float32)),
        (w2.astype(np.float32), b2.astype(np.float32)),
    ]


def churn_v2_layers(v1):
    """A retrained-looking version: every weight nudged by about 1 % of its size."""
    rng = np.random.default_rng(20261123)
    out = []
    for w, b in v1:
        w2 = w * (1 + rng.normal(0.0, 0.01, size=w.shape))
        b2 = b + rng.normal(0.0, 0.01, size=b.shape) * (np.abs(b).mean() + 1e-3)
        out.append((w2.astype(np.float32), b2.astype(np.float32)))
    return out


def churn_v3_layers(v1):
    """A broken version: same network, output log-odds shifted up by 2.5."""
    (w1, b1), (w2, b2) = v1
    return [(w1.copy(), b1.copy()), (w2.copy(), (b2 + np.float32(2.5)).astype(np.float32))]


def wide_layers():
    rng = np.random.default_rng(256102410)
    sizes = [256, 1024, 1024, 10]
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        w = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
        b = rng.normal(0.0, 0.05, size=fan_out)
        layers.append((w.astype(np.float32), b.astype(np.float32)))
    return layers


def batch_dim(name):
    return [name, None]


def mlp_model(graph_name, input_name, output_name, layers, final_sigmoid, doc):
    """An MLP as Gemm/Relu nodes with a dynamic batch dimension named 'batch'."""
    n_in = layers[0][0].shape[0]
    n_out = layers[-1][0].shape[1]
    nodes, inits = [], []
    prev = input_name
    for i, (w, b) in enumerate(layers):
        inits.append(numpy_helper.from_array(w, f"W{i}"))
        inits.append(numpy_helper.from_array(b, f"B{i}"))
        last = i == len(layers) - 1
        gemm_out = f"gemm{i}" if not (last and not final_sigmoid) else output_name
        nodes.append(helper.make_node("Gemm", [prev, f"W{i}", f"B{i}"], [gemm_out], name=f"Gemm{i}"))
        if not last:
            nodes.append(helper.make_node("Relu", [gemm_out], [f"relu{i}"], name=f"Relu{i}"))
            prev = f"relu{i}"
        elif final_sigmoid:
            nodes.append(helper.make_node("Sigmoid", [gemm_out], [output_name], name="Sigmoid"))
    graph = helper.make_graph(
        nodes,
        graph_name,
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, ["batch", n_in])],
        [helper.make_tensor_value_info(output_name, TensorProto.FLOAT, ["batch", n_out])],
        initializer=inits,
    )
    return finish(graph, doc)


def finish(graph, doc):
    model = helper.make_model(
        graph,
        producer_name="modeloperator-gen_models",
        producer_version="1",
        opset_imports=[helper.make_opsetid("", OPSET)],
        doc_string=doc,
    )
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    return model


def save(model, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = model.SerializeToString()
    with open(path, "wb") as f:
        f.write(data)
    return hashlib.sha256(data).hexdigest()


def tensor_json(a):
    # float(np.float32) is the exact double of the float32, so parsing back as double and
    # narrowing to float32 gives the same bits.
    return {"shape": list(a.shape), "data": [float(v) for v in a.reshape(-1)]}


def write_expected(path, name, version, sha, input_name, output_name, cases, extra=None):
    doc = {
        "model": name,
        "version": version,
        "sha256": sha,
        "opset": OPSET,
        "ir_version": IR_VERSION,
        "dtype": "float32",
        "tolerance": {"relative": 1e-5, "relative_to": "largest magnitude in the output tensor"},
        "input": input_name,
        "output": output_name,
        "cases": [
            {"name": case_name, "inputs": {input_name: tensor_json(x)}, "outputs": {output_name: tensor_json(y)}}
            for case_name, x, y in cases
        ],
    }
    if extra:
        doc.update(extra)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def churn_cases(layers, rows1, rows4):
    return [
        ("batch1", rows1, mlp_forward(rows1, layers, True)),
        ("batch4", rows4, mlp_forward(rows4, layers, True)),
    ]


def generate_examples(out):
    v1 = churn_v1_layers()
    v2 = churn_v2_layers(v1)
    v3 = churn_v3_layers(v1)

    # Sanity checks on the intended behaviour, on a fresh sample of customers.
    check = sample_churn_features(np.random.default_rng(7), 2000)
    p1 = mlp_forward(check, v1, True)
    p2 = mlp_forward(check, v2, True)
    p3 = mlp_forward(check, v3, True)
    spread = np.percentile(p1, [5, 50, 95])
    if not (spread[0] < 0.2 and spread[2] > 0.8 and 0.15 < spread[1] < 0.7):
        sys.exit(f"gen_models: churn v1 probabilities not spread across (0,1): {spread}")
    d2 = np.abs(p2 - p1)
    if np.percentile(d2, 95) >= 0.05:
        sys.exit(f"gen_models: churn v2 drifts too far from v1: p95 |diff| = {np.percentile(d2, 95)}")
    if (p3 - p1).mean() < 0.2:
        sys.exit(f"gen_models: churn v3 is not markedly different from v1: mean diff = {(p3 - p1).mean()}")

    rng = np.random.default_rng(424242)
    rows1 = sample_churn_features(rng, 1)
    rows4 = sample_churn_features(rng, 4)
    summary = {
        "churn_v1_probability_p5_p50_p95": [round(float(v), 4) for v in spread],
        "churn_v2_abs_diff_mean_max": [round(float(d2.mean()), 4), round(float(d2.max()), 4)],
        "churn_v3_mean_shift": round(float((p3 - p1).mean()), 4),
    }

    docs = {
        1: "Churn probability from 8 customer features (see README.md). Version 1.",
        2: "Churn probability from 8 customer features (see README.md). Version 2: a close retrain of v1.",
        3: "Churn probability from 8 customer features (see README.md). Version 3: deliberately broken, "
        "predictions shifted up.",
    }
    for version, layers in ((1, v1), (2, v2), (3, v3)):
        model = mlp_model("churn", "features", "churn_probability", layers, True, docs[version])
        d = os.path.join(out, "churn", str(version))
        sha = save(model, os.path.join(d, "model.onnx"))
        write_expected(
            os.path.join(d, "expected.json"),
            "churn",
            version,
            sha,
            "features",
            "churn_probability",
            churn_cases(layers, rows1, rows4),
            {"features": [f[0] for f in CHURN_FEATURES]},
        )

    wide = wide_layers()
    model = mlp_model("wide", "input", "logits", wide, False, "Benchmark MLP 256 -> 1024 -> 1024 -> 10 (logits).")
    d = os.path.join(out, "wide", "1")
    sha = save(model, os.path.join(d, "model.onnx"))
    wrng = np.random.default_rng(99)
    x1 = wrng.normal(0.0, 1.0, size=(1, 256)).astype(np.float32)
    x4 = wrng.normal(0.0, 1.0, size=(4, 256)).astype(np.float32)
    write_expected(
        os.path.join(d, "expected.json"),
        "wide",
        1,
        sha,
        "input",
        "logits",
        [("batch1", x1, mlp_forward(x1, wide, False)), ("batch4", x4, mlp_forward(x4, wide, False))],
    )
    generate_type_examples(out)
    return summary


# The Open Inference Protocol's datatype name of each ONNX element type the type examples use.
OIP_NAMES = {
    TensorProto.BOOL: "BOOL", TensorProto.UINT8: "UINT8", TensorProto.UINT16: "UINT16",
    TensorProto.UINT32: "UINT32", TensorProto.UINT64: "UINT64", TensorProto.INT8: "INT8",
    TensorProto.INT16: "INT16", TensorProto.INT32: "INT32", TensorProto.INT64: "INT64",
    TensorProto.FLOAT16: "FP16", TensorProto.BFLOAT16: "BF16", TensorProto.FLOAT: "FP32",
    TensorProto.DOUBLE: "FP64", TensorProto.STRING: "BYTES",
}


def typed_json(onnx_type, values, shape):
    """A tensor as the protocol's JSON gives it: BOOL as true/false, BYTES as strings, the rest as numbers."""
    flat = list(np.asarray(values, dtype=object).reshape(-1))
    if onnx_type == TensorProto.BOOL:
        data = [bool(v) for v in flat]
    elif onnx_type == TensorProto.STRING:
        data = [str(v) for v in flat]
    elif onnx_type in (TensorProto.FLOAT16, TensorProto.BFLOAT16, TensorProto.FLOAT, TensorProto.DOUBLE):
        data = [float(v) for v in flat]
    else:
        data = [int(v) for v in flat]
    return {"datatype": OIP_NAMES[onnx_type], "shape": list(shape), "data": data}


def write_typed_expected(path, name, sha, doc, inputs, outputs):
    """expected.json of a type example: one case, every tensor with its datatype; outputs are exact."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump({
            "model": name, "version": 1, "sha256": sha, "opset": OPSET, "ir_version": IR_VERSION,
            "doc": doc, "tolerance": {"exact": True},
            "cases": [{"name": "batch2", "inputs": inputs, "outputs": outputs}],
        }, f, indent=1)
        f.write("\n")


def identities(tensors):
    """Graph pieces passing each (name, type, 2x2 values) through Identity as <name>_out, with the JSON of both."""
    vi = helper.make_tensor_value_info
    nodes, ins, outs, inputs, outputs = [], [], [], {}, {}
    for n, t, v in tensors:
        ins.append(vi(n, t, ["batch", 2]))
        inputs[n] = typed_json(t, v, [2, 2])
        nodes.append(helper.make_node("Identity", [n], [n + "_out"]))
        outs.append(vi(n + "_out", t, ["batch", 2]))
        outputs[n + "_out"] = typed_json(t, v, [2, 2])
    return nodes, ins, outs, inputs, outputs


def generate_type_examples(out):
    """One small model per type family, each with several inputs and outputs and exact expected outputs."""
    vi = helper.make_tensor_value_info

    # BOOL and every integer type: y = x (Identity), flags_not = !flags, and each integer cast to INT64.
    ints = [
        ("flags", TensorProto.BOOL, [[True, False], [False, True]]),
        ("u8", TensorProto.UINT8, [[0, 255], [1, 128]]),
        ("u16", TensorProto.UINT16, [[0, 65535], [1, 40000]]),
        ("u32", TensorProto.UINT32, [[0, 4294967295], [1, 3000000000]]),
        ("u64", TensorProto.UINT64, [[0, 18446744073709551615], [1, 10000000000000000000]]),
        ("i8", TensorProto.INT8, [[-128, 127], [0, -1]]),
        ("i16", TensorProto.INT16, [[-32768, 32767], [0, -1]]),
        ("i32", TensorProto.INT32, [[-2147483648, 2147483647], [0, -1]]),
        ("i64", TensorProto.INT64, [[-9223372036854775808, 9223372036854775807], [0, -1]]),
    ]
    nodes, ins, outs, inputs, outputs = identities(ints)
    nodes.append(helper.make_node("Not", ["flags"], ["flags_not"]))
    outs.append(vi("flags_not", TensorProto.BOOL, ["batch", 2]))
    outputs["flags_not"] = typed_json(TensorProto.BOOL, [[False, True], [True, False]], [2, 2])
    for n, t, v in ints[1:]:
        if t == TensorProto.UINT64:
            continue  # values above INT64's range have no INT64 cast to compare
        nodes.append(helper.make_node("Cast", [n], [n + "_as_i64"], to=TensorProto.INT64))
        outs.append(vi(n + "_as_i64", TensorProto.INT64, ["batch", 2]))
        outputs[n + "_as_i64"] = typed_json(TensorProto.INT64, v, [2, 2])
    doc = "BOOL and every integer type: <x>_out = x, flags_not = !flags, <x>_as_i64 = (INT64) x."
    save_typed(out, "integers", helper.make_graph(nodes, "integers", ins, outs), doc, inputs, outputs)

    # Floating point: values exact in FP16 and BF16, so identities and casts to FP32 are exact.
    floats = [
        ("h", TensorProto.FLOAT16, [[1.5, -2.0], [65504.0, 0.0009765625]]),
        ("bh", TensorProto.BFLOAT16, [[1.5, -2.0], [3.3895313892515355e38, 0.0078125]]),
        ("f", TensorProto.FLOAT, [[1.5, -2.0], [3.4028234663852886e38, 1e-45]]),
        ("d", TensorProto.DOUBLE, [[1.5, -2.0], [1.7976931348623157e308, 5e-324]]),
    ]
    nodes, ins, outs, inputs, outputs = identities(floats)
    for n, t, v in floats[:2]:
        nodes.append(helper.make_node("Cast", [n], [n + "_as_f32"], to=TensorProto.FLOAT))
        outs.append(vi(n + "_as_f32", TensorProto.FLOAT, ["batch", 2]))
        outputs[n + "_as_f32"] = typed_json(TensorProto.FLOAT, v, [2, 2])
    nodes.append(helper.make_node("Cast", ["f"], ["f_as_h"], to=TensorProto.FLOAT16))
    outs.append(vi("f_as_h", TensorProto.FLOAT16, ["batch", 2]))
    # FP32 -> FP16 rounds to nearest even: the largest float overflows to infinity, 1e-45 underflows to 0.
    outputs["f_as_h"] = {"datatype": "FP16", "shape": [2, 2], "data": [1.5, -2.0, "Infinity", 0.0]}
    doc = "FP16, BF16, FP32, FP64: <x>_out = x, h_as_f32 and bh_as_f32 = (FP32) x, f_as_h = (FP16) f."
    save_typed(out, "floats", helper.make_graph(nodes, "floats", ins, outs), doc, inputs, outputs)

    # A categorical string input: the colour's id (LabelEncoder, -1 when unknown) and the string itself.
    colours = ["red", "green", "blue"]
    x = [["red", "blue"], ["purple", ""]]
    nodes = [
        helper.make_node("LabelEncoder", ["colour"], ["colour_id"], domain="ai.onnx.ml",
                         keys_strings=colours, values_int64s=[0, 1, 2], default_int64=-1),
        helper.make_node("Identity", ["colour"], ["colour_out"]),
        helper.make_node("Identity", ["count"], ["count_out"]),
    ]
    graph = helper.make_graph(
        nodes, "strings",
        [vi("colour", TensorProto.STRING, ["batch", 2]), vi("count", TensorProto.INT64, ["batch"])],
        [vi("colour_id", TensorProto.INT64, ["batch", 2]), vi("colour_out", TensorProto.STRING, ["batch", 2]),
         vi("count_out", TensorProto.INT64, ["batch"])])
    inputs = {"colour": typed_json(TensorProto.STRING, x, [2, 2]), "count": typed_json(TensorProto.INT64, [3, 4], [2])}
    outputs = {
        "colour_id": typed_json(TensorProto.INT64, [[0, 2], [-1, -1]], [2, 2]),
        "colour_out": typed_json(TensorProto.STRING, x, [2, 2]),
        "count_out": typed_json(TensorProto.INT64, [3, 4], [2]),
    }
    doc = "A BYTES (string) input: colour_id = index of colour in [red, green, blue] or -1, colour_out = colour."
    save_typed(out, "strings", graph, doc, inputs, outputs, ml=True)


def save_typed(out, name, graph, doc, inputs, outputs, ml=False):
    if ml:
        model = helper.make_model(
            graph, producer_name="modeloperator-gen_models", producer_version="1", doc_string=doc,
            opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid("ai.onnx.ml", 2)])
        model.ir_version = IR_VERSION
        onnx.checker.check_model(model)
    else:
        model = finish(graph, doc)
    d = os.path.join(out, name, "1")
    sha = save(model, os.path.join(d, "model.onnx"))
    write_typed_expected(os.path.join(d, "expected.json"), name, sha, doc, inputs, outputs)


def generate_test_models(out):
    """Small models for the binding's tests (see the README.md written beside them)."""
    os.makedirs(out, exist_ok=True)
    f32, u8, i32, i64, b, f64 = (
        TensorProto.FLOAT,
        TensorProto.UINT8,
        TensorProto.INT32,
        TensorProto.INT64,
        TensorProto.BOOL,
        TensorProto.DOUBLE,
    )
    vi = helper.make_tensor_value_info
    consts = [
        numpy_helper.from_array(np.array(2.0, dtype=np.float32), "two_f32"),
        numpy_helper.from_array(np.array(1, dtype=np.int32), "one_i32"),
        numpy_helper.from_array(np.array(3, dtype=np.int64), "three_i64"),
        numpy_helper.from_array(np.array(0.5, dtype=np.float64), "half_f64"),
    ]
    nodes = [
        helper.make_node("Mul", ["x_f32", "two_f32"], ["y_f32"]),  # y = 2x
        helper.make_node("Identity", ["x_u8"], ["y_u8"]),  # y = x
        helper.make_node("Add", ["x_i32", "one_i32"], ["y_i32"]),  # y = x + 1
        helper.make_node("Mul", ["x_i64", "three_i64"], ["y_i64"]),  # y = 3x
        helper.make_node("Not", ["x_bool"], ["y_bool"]),  # y = !x
        helper.make_node("Mul", ["x_f64", "half_f64"], ["y_f64"]),  # y = x / 2
        helper.make_node("Cast", ["x_i32"], ["i32_as_f64"], to=f64),  # y = (double)x
    ]
    graph = helper.make_graph(
        nodes,
        "all_types",
        [
            vi("x_f32", f32, ["batch", 3]),
            vi("x_u8", u8, [2, 3]),
            vi("x_i32", i32, ["batch", 3]),
            vi("x_i64", i64, ["batch"]),
            vi("x_bool", b, ["batch", 2]),
            vi("x_f64", f64, ["batch", 3]),
        ],
        [
            vi("y_f32", f32, ["batch", 3]),
            vi("y_u8", u8, [2, 3]),
            vi("y_i32", i32, ["batch", 3]),
            vi("y_i64", i64, ["batch"]),
            vi("y_bool", b, ["batch", 2]),
            vi("y_f64", f64, ["batch", 3]),
            vi("i32_as_f64", f64, ["batch", 3]),
        ],
        initializer=consts,
    )
    save(finish(graph, "Every supported element type: y_f32=2x, y_u8=x, y_i32=x+1, y_i64=3x, y_bool=!x, "
                "y_f64=x/2, i32_as_f64=(double)x_i32."), os.path.join(out, "all_types.onnx"))

    # Every tensor element type ONNX Runtime runs is supported; what the binding refuses is a value
    # that is not a tensor, here a sequence of tensors as an input and as an output.
    seq = helper.make_sequence_type_proto(helper.make_tensor_type_proto(f32, ["n"]))
    graph = helper.make_graph(
        [helper.make_node("Identity", ["ok_in"], ["ok_out"]), helper.make_node("SequenceLength", ["seq_in"], ["seq_len"])],
        "sequence_input",
        [vi("ok_in", f32, ["batch", 2]), helper.make_value_info("seq_in", seq)],
        [vi("ok_out", f32, ["batch", 2]), vi("seq_len", TensorProto.INT64, [])],
    )
    save(finish(graph, "Input seq_in is a sequence of float32 tensors, which the binding does not support."),
         os.path.join(out, "sequence_input.onnx"))

    graph = helper.make_graph(
        [helper.make_node("SequenceConstruct", ["x"], ["seq_out"])],
        "sequence_output",
        [vi("x", f32, ["n"])],
        [helper.make_value_info("seq_out", seq)],
    )
    save(finish(graph, "Output seq_out is a sequence of float32 tensors, which the binding does not support."),
         os.path.join(out, "sequence_output.onnx"))

    with open(os.path.join(out, "README.md"), "w", encoding="utf-8") as f:
        f.write(TEST_MODELS_README)


TEST_MODELS_README = """# Test models for the ONNX Runtime binding

Generated by `scripts/gen_models.py` (do not edit by hand):

    /usr/bin/python3 scripts/gen_models.py examples/models --test-models tests/ModelOperator.Runtime.Onnx.Tests/Models

| file | inputs | outputs |
|------|--------|---------|
| `all_types.onnx` | `x_f32` float32 [batch,3], `x_u8` uint8 [2,3], `x_i32` int32 [batch,3], `x_i64` int64 [batch], `x_bool` bool [batch,2], `x_f64` float64 [batch,3] | `y_f32` = 2x, `y_u8` = x, `y_i32` = x+1, `y_i64` = 3x, `y_bool` = not x, `y_f64` = x/2, `i32_as_f64` = (double) x_i32 |
| `sequence_input.onnx` | `ok_in` float32 [batch,2], `seq_in` sequence of float32 [n] | `ok_out` float32, `seq_len` int64 |
| `sequence_output.onnx` | `x` float32 [n] | `seq_out` sequence of float32 [n] |

The sequence models exist to check that the binding refuses values that are not tensors.
"""


def generate_server_test_models(out):
    """external/model.onnx: the churn input and output ([batch,8] -> [batch,1], y = x W) with W
    kept in external/weights.bin (TensorProto.data_location = EXTERNAL). The server must refuse
    it, since the model's sha256 does not cover the weights file."""
    d = os.path.join(out, "external")
    os.makedirs(d, exist_ok=True)
    w = numpy_helper.from_array(np.arange(8, dtype=np.float32).reshape(8, 1) / 8.0, name="W")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["features", "W"], ["churn_probability"])],
        "external_weights",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", 8])],
        [helper.make_tensor_value_info("churn_probability", TensorProto.FLOAT, ["batch", 1])],
        [w],
    )
    model = finish(graph, "Churn-shaped model whose weight W lives in the external file weights.bin.")
    from onnx import external_data_helper
    external_data_helper.convert_model_to_external_data(
        model, all_tensors_to_one_file=True, location="weights.bin", size_threshold=0)
    onnx.save_model(model, os.path.join(d, "model.onnx"))


def main():
    parser = argparse.ArgumentParser(description="Generate the example ONNX models and their expected outputs.")
    parser.add_argument("out", help="directory for the example models (e.g. examples/models)")
    parser.add_argument("--test-models", metavar="DIR", help="also write the binding's small test models to DIR")
    parser.add_argument("--server-test-models", metavar="DIR", help="also write the server's test models (external data) to DIR")
    args = parser.parse_args()
    summary = generate_examples(args.out)
    if args.test_models:
        generate_test_models(args.test_models)
    if args.server_test_models:
        generate_server_test_models(args.server_test_models)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
