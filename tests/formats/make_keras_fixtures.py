#!/usr/bin/python3
"""Writes Keras files the way Keras writes them, for test_formats (issue 15).

Keras itself is not installable here (no pip), so these are built with h5py
and zipfile to the layout read off Keras's saving code:
  keras/src/saving/saving_lib.py        (.keras: config.json, metadata.json,
                                         model.weights.h5, layers/<name>/vars/<i>)
  keras/src/legacy/saving/legacy_h5_format.py   (tf.keras 2 .h5: the
                                         model_config attribute, model_weights
                                         with layer_names / weight_names)
The weights are a fixed sequence, also written raw to expected-<model>.bin
(float32, the parameter block's order: kernel (in, out) then bias, per layer)
so the test can compare what digitpad reads bit for bit.

With a digitpad model and MNIST's test files it also writes that model's
weights as mnist.keras and mnist.h5 and prints the test accuracy numpy gets
from them with Keras's arithmetic (x / 255 flattened row by row, x.kernel +
bias, relu, softmax), for digitpad eval to match.

usage: make_keras_fixtures.py DIR [MODEL.json MNIST_DIR]
"""
import io
import json
import sys
import zipfile

import h5py
import numpy as np

out = sys.argv[1]
rng = np.random.RandomState(15)


def dense_weights(sizes):
    ws = []
    for i, o in zip(sizes[:-1], sizes[1:]):
        k = rng.uniform(-0.5, 0.5, size=(i, o)).astype(np.float32)
        b = rng.uniform(-0.1, 0.1, size=(o,)).astype(np.float32)
        ws.append((k, b))
    return ws


def expected(name, ws):
    with open(f"{out}/expected-{name}.bin", "wb") as f:
        for k, b in ws:
            f.write(k.astype("<f4").tobytes())
            f.write(b.astype("<f4").tobytes())


def policy():
    return {"module": "keras", "class_name": "DTypePolicy",
            "config": {"name": "float32"}, "registered_name": None}


def k3_layer(cls, config, build=None):
    d = {"module": "keras.layers", "class_name": cls, "config": config,
         "registered_name": None}
    if build is not None:
        d["build_config"] = {"input_shape": build}
    return d


def k3_dense(name, units, act, inp):
    return k3_layer("Dense", {
        "name": name, "trainable": True, "dtype": policy(), "units": units,
        "activation": act, "use_bias": True,
        "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                               "config": {"seed": None}, "registered_name": None},
        "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros",
                             "config": {}, "registered_name": None},
        "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
        "kernel_constraint": None, "bias_constraint": None}, [None, inp])


def k3_config(layers, shape):
    """The article's model as Keras 3's model.save() writes config.json."""
    return {"module": "keras", "class_name": "Sequential",
            "config": {"name": "sequential", "trainable": True, "dtype": policy(),
                       "layers": layers, "build_input_shape": [None] + shape},
            "registered_name": None, "build_config": {"input_shape": [None] + shape},
            "compile_config": {"optimizer": {"module": "keras.optimizers", "class_name": "Adam",
                                             "config": {"name": "adam", "learning_rate": 0.001},
                                             "registered_name": None},
                               "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}}


def article_layers(hidden, extra=()):
    layers = [k3_layer("InputLayer", {"batch_shape": [None, 28, 28], "dtype": "float32",
                                      "sparse": False, "name": "input_layer"}),
              k3_layer("Flatten", {"name": "flatten", "trainable": True, "dtype": policy(),
                                   "data_format": "channels_last"}, [None, 28, 28])]
    layers += list(extra)
    prev = 784
    for i, h in enumerate(hidden):
        layers.append(k3_dense("dense" if i == 0 else f"dense_{i}", h, "relu", prev))
        layers.append(k3_layer("Dropout", {"name": f"dropout{'_' + str(i) if i else ''}",
                                           "trainable": True, "dtype": policy(), "rate": 0.2,
                                           "seed": None, "noise_shape": None}, [None, h]))
        prev = h
    n = len(hidden)
    layers.append(k3_dense(f"dense_{n}", 10, "softmax", prev))
    return layers


def weights_h5(ws, mutate=None, extra_vars=False, dtype=np.float32):
    """model.weights.h5: the model's own vars (none), then each layer's, at
    layers/<class in snake case>[_k]/vars/<i>, and the optimizer's."""
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        f.create_group("vars").attrs["name"] = "sequential"
        for i, (k, b) in enumerate(ws):
            name = "dense" if i == 0 else f"dense_{i}"
            g = f.create_group(f"layers/{name}/vars")
            g.attrs["name"] = name
            g["0"] = k.astype(dtype)
            g["1"] = b
            if extra_vars:
                g["2"] = np.ones((k.shape[1],), np.float32)
        f.create_group("layers/flatten")  # no vars of its own
        opt = f.create_group("optimizer/vars")
        opt["0"] = np.array(10, np.int64)  # iterations
        opt["1"] = np.array(0.001, np.float32)
        if mutate:
            mutate(f)
    return buf.getvalue()


def keras_zip(path, config, weights, skip=(), npz=False):
    with zipfile.ZipFile(path, "w") as z:  # ZIP_STORED, as Keras writes it
        if "metadata.json" not in skip:
            z.writestr("metadata.json", json.dumps({"keras_version": "3.6.0",
                                                    "date_saved": "2026-12-01@19:00:00"}))
        if "config.json" not in skip:
            z.writestr("config.json", config if isinstance(config, str) else json.dumps(config))
        if weights is not None:
            z.writestr("model.weights.npz" if npz else "model.weights.h5", weights)


# -- Keras 3 .keras: the article's model, and the deeper one
ws = dense_weights([784, 128, 10])
expected("keras3", ws)
cfg = k3_config(article_layers([128]), [28, 28])
keras_zip(f"{out}/keras3.keras", cfg, weights_h5(ws))
ws_deep = dense_weights([784, 32, 16, 10])
expected("keras3-deep", ws_deep)
keras_zip(f"{out}/keras3-deep.keras", k3_config(article_layers([32, 16]), [28, 28]), weights_h5(ws_deep))
# Rescaling(1/255) in the model: it takes pixels 0..255.
resc = k3_layer("Rescaling", {"name": "rescaling", "trainable": True, "dtype": policy(),
                              "scale": 1 / 255, "offset": 0.0}, [None, 784])
keras_zip(f"{out}/keras3-rescaling.keras", k3_config(article_layers([128], [resc]), [28, 28]),
          weights_h5(ws))

# -- broken .keras
keras_zip(f"{out}/bad-no-config.keras", cfg, weights_h5(ws), skip=("config.json",))
keras_zip(f"{out}/bad-no-weights.keras", cfg, None)
keras_zip(f"{out}/bad-npz.keras", cfg, b"PK\x05\x06" + bytes(18), npz=True)
keras_zip(f"{out}/bad-config-not-json.keras", "{\"class_name\": ", weights_h5(ws))
keras_zip(f"{out}/bad-missing-bias.keras", cfg,
          weights_h5(ws, mutate=lambda f: f.__delitem__("layers/dense_1/vars/1")))
keras_zip(f"{out}/bad-no-datasets.keras", cfg,
          weights_h5(ws, mutate=lambda f: f.__delitem__("layers")))
keras_zip(f"{out}/bad-quantised.keras", cfg, weights_h5(ws, extra_vars=True))
# As Keras 3 writes a model after model.quantize("int8"): the policy says so.
quant = k3_config(article_layers([128]), [28, 28])
quant["config"]["layers"][2]["config"]["dtype"] = {
    "module": "keras", "class_name": "QuantizedDTypePolicy",
    "config": {"name": "int8_from_float32", "source_name": "float32"}, "registered_name": None}
keras_zip(f"{out}/bad-int8-policy.keras", quant, weights_h5(ws, extra_vars=True))
keras_zip(f"{out}/bad-float64.keras", cfg, weights_h5(ws, dtype=np.float64))
keras_zip(f"{out}/bad-weights-not-hdf5.keras", cfg, b"not an hdf5 file at all")
wrong = [(np.zeros((784, 64), np.float32), np.zeros(64, np.float32)), ws[1]]
keras_zip(f"{out}/bad-shape.keras", cfg, weights_h5(wrong))
conv = k3_config(article_layers([128]), [28, 28])
conv["config"]["layers"].insert(2, k3_layer("Conv2D", {"name": "conv2d", "filters": 8}))
keras_zip(f"{out}/bad-conv2d.keras", conv, weights_h5(ws))
elu = k3_config(article_layers([128]), [28, 28])
elu["config"]["layers"][2]["config"]["activation"] = "elu"
keras_zip(f"{out}/bad-elu.keras", elu, weights_h5(ws))
# The other hidden activations Keras names: tanh, then sigmoid.
acts = k3_config(article_layers([32, 16]), [28, 28])
acts["config"]["layers"][2]["config"]["activation"] = "tanh"
acts["config"]["layers"][4]["config"]["activation"] = "sigmoid"
keras_zip(f"{out}/keras3-tanh-sigmoid.keras", acts, weights_h5(ws_deep))
whole = open(f"{out}/keras3.keras", "rb").read()
open(f"{out}/bad-truncated.keras", "wb").write(whole[: len(whole) // 2])
with h5py.File(f"{out}/bad-weights-only.h5", "w") as f:  # what model.save_weights() writes
    f.create_group("vars")
    f.create_group("layers/dense/vars")["0"] = ws[0][0]


# -- tf.keras 2 .h5
def tfk2_config(hidden):
    layers = [{"class_name": "InputLayer", "config": {"batch_input_shape": [None, 28, 28],
                                                      "dtype": "float32", "sparse": False,
                                                      "ragged": False, "name": "flatten_input"}},
              {"class_name": "Flatten", "config": {"name": "flatten", "trainable": True,
                                                   "dtype": "float32",
                                                   "batch_input_shape": [None, 28, 28],
                                                   "data_format": "channels_last"}}]
    for i, h in enumerate(hidden + [10]):
        layers.append({"class_name": "Dense", "config": {
            "name": "dense" if i == 0 else f"dense_{i}", "trainable": True, "dtype": "float32",
            "units": h, "activation": "relu" if i < len(hidden) else "softmax", "use_bias": True,
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
            "bias_initializer": {"class_name": "Zeros", "config": {}},
            "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
            "kernel_constraint": None, "bias_constraint": None}})
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}


def tfk2_h5(path, config, ws, names=None, mutate=None):
    """As tf.keras 2.x model.save('x.h5'): attributes hold JSON as bytes,
    layer_names / weight_names are arrays of fixed-length bytes."""
    with h5py.File(path, "w") as f:
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.15.0"
        f.attrs["model_config"] = json.dumps(config).encode("utf8")
        f.attrs["training_config"] = json.dumps({"loss": "sparse_categorical_crossentropy"}).encode()
        mw = f.create_group("model_weights")
        layer_names = ["flatten"] + [("dense" if i == 0 else f"dense_{i}") for i in range(len(ws))]
        mw.attrs["layer_names"] = np.array([n.encode() for n in layer_names])
        mw.attrs["backend"] = b"tensorflow"
        mw.attrs["keras_version"] = b"2.15.0"
        mw.create_group("flatten").attrs["weight_names"] = np.array([], dtype="S1")
        for i, (k, b) in enumerate(ws):
            n = layer_names[i + 1]
            g = mw.create_group(n)
            wn = (names or (lambda n: [f"{n}/kernel:0", f"{n}/bias:0"]))(n)
            g.attrs["weight_names"] = np.array([w.encode() for w in wn])
            g[wn[0]] = k
            g[wn[1]] = b
        opt = f.create_group("optimizer_weights")
        opt.attrs["weight_names"] = np.array([b"Adam/iter:0"])
        opt["Adam/iter:0"] = np.array(10, np.int64)
        if mutate:
            mutate(f)


ws2 = dense_weights([784, 128, 10])
expected("tfkeras2", ws2)
tfk2_h5(f"{out}/tfkeras2.h5", tfk2_config([128]), ws2)
# Weight names in another order and spelling: found through weight_names, not paths.
tfk2_h5(f"{out}/tfkeras2-names.h5", tfk2_config([128]), ws2,
        names=lambda n: [f"sequential/{n}/kernel", f"sequential/{n}/bias"])
tfk2_h5(f"{out}/bad-h5-no-datasets.h5", tfk2_config([128]), ws2,
        mutate=lambda f: f["model_weights"].__delitem__("dense_1"))
tfk2_h5(f"{out}/bad-h5-not-listed.h5", tfk2_config([128]), ws2,
        mutate=lambda f: f["model_weights"].attrs.__setitem__("layer_names",
                                                              np.array([b"flatten", b"dense"])))
tfk2_h5(f"{out}/bad-h5-no-config.h5", tfk2_config([128]), ws2,
        mutate=lambda f: f.attrs.__delitem__("model_config"))
tfk2_h5(f"{out}/bad-h5-shape.h5", tfk2_config([64]), ws2)
# A kernel whose shape is enormous (stored lazily: HDF5 keeps no data for it).
keras_zip(f"{out}/bad-huge-shape.keras", cfg,
          weights_h5(ws, mutate=lambda f: (f.__delitem__("layers/dense/vars/0"),
                                           f["layers/dense/vars"].create_dataset(
                                               "0", shape=(2**30, 2**30), dtype="f4", chunks=(64, 64)))))

if len(sys.argv) > 3:
    model = json.load(open(sys.argv[2]))
    ws = [(np.array(l["kernel"], np.float32), np.array(l["bias"], np.float32))
          for l in model["layers"]]
    hidden = [k.shape[1] for k, _ in ws[:-1]]
    keras_zip(f"{out}/mnist.keras", k3_config(article_layers(hidden), [28, 28]), weights_h5(ws))
    tfk2_h5(f"{out}/mnist.h5", tfk2_config(hidden), ws)
    raw = open(f"{sys.argv[3]}/t10k-images-idx3-ubyte", "rb").read()
    x = np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / 255
    y = np.frombuffer(open(f"{sys.argv[3]}/t10k-labels-idx1-ubyte", "rb").read(), np.uint8,
                      offset=8)
    for i, (k, b) in enumerate(ws):
        x = x @ k + b
        x = np.maximum(x, 0) if i + 1 < len(ws) else x  # softmax keeps the argmax
    print("%.4f" % float(np.mean(np.argmax(x, axis=1) == y)))
