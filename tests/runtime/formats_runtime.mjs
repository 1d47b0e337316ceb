// The real runtimes against digitpad (issue 15), under Node with npm's
// @tensorflow/tfjs-core, -layers, -backend-cpu and onnxruntime-web:
//   1. a model trained in TF.js (a slice of MNIST, a few steps), saved as
//      tfjs saves one but in two shards, scores the same in digitpad;
//   2. digitpad's --to onnx export scores in ONNX Runtime what digitpad scores;
//   3. digitpad's --to tfjs export scores the same in TF.js.
// usage: node formats_runtime.mjs DIGITPAD MODEL.json MNIST_DIR WORK_DIR
// Exits 77 (skip) when the packages are not installed.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import {createRequire} from 'node:module';

const [digitpad, bundled, mnistDir, work] = process.argv.slice(2);
const require = createRequire(path.join(process.env.DIGITPAD_NPM_DIR || '.', 'node_modules', 'x.js'));
let tf, ort;
try {
  tf = require('@tensorflow/tfjs-core');
  require('@tensorflow/tfjs-backend-cpu');
  const layers = require('@tensorflow/tfjs-layers');
  tf = {...tf, ...layers, layers: layers.layers};
  ort = require('onnxruntime-web');
} catch (e) {
  console.log(`skip: npm packages not installed (${e.message.split('\n')[0]})`);
  process.exit(77);
}
await tf.setBackend('cpu');
ort.env.wasm.numThreads = 1;

function idx(name) {
  for (const f of [name, name + '.gz', name.replace('-idx', '.idx'), name.replace('-idx', '.idx') + '.gz']) {
    const p = path.join(mnistDir, f);
    if (fs.existsSync(p)) {
      let b = fs.readFileSync(p);
      if (f.endsWith('.gz')) b = zlib.gunzipSync(b);
      return b;
    }
  }
  console.log(`skip: no ${name} in ${mnistDir}`);
  process.exit(77);
}
function images(name) {
  const b = idx(name);
  const n = b.readUInt32BE(4), px = b.readUInt32BE(8) * b.readUInt32BE(12);
  const x = new Float32Array(n * px);
  for (let i = 0; i < n * px; i++) x[i] = b[16 + i] / 255;
  return {x, n, px};
}
const labels = (name) => idx(name).subarray(8);

const test = images('t10k-images-idx3-ubyte'), testY = labels('t10k-labels-idx1-ubyte');
const train = images('train-images-idx3-ubyte'), trainY = labels('train-labels-idx1-ubyte');

function accuracy(probs, n, k) {
  let right = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (probs[i * k + j] > probs[i * k + best]) best = j;
    if (best === testY[i]) right++;
  }
  return right / n;
}
function digitpadAccuracy(model) {
  const out = execFileSync(digitpad, ['eval', '--model', model, '--data', mnistDir, '--json']);
  return JSON.parse(out).accuracy;
}
function tfjsAccuracy(model) {
  const x = tf.tensor(test.x, [test.n, 28, 28]);
  const p = model.predict(x);
  const acc = accuracy(p.dataSync(), test.n, 10);
  tf.dispose([x, p]);
  return acc;
}
// tf.io handlers over plain files, as tfjs-node's file:// would do.
function saveTo(dir, shards) {
  return tf.io.withSaveHandler(async (a) => {
    fs.mkdirSync(dir, {recursive: true});
    const data = new Uint8Array(a.weightData);
    const names = [];
    const cut = Math.ceil(data.length / shards / 4) * 4;
    for (let s = 0; s < shards; s++) {
      const name = `group1-shard${s + 1}of${shards}.bin`;
      fs.writeFileSync(path.join(dir, name), data.subarray(s * cut, Math.min(data.length, (s + 1) * cut)));
      names.push(name);
    }
    // model.json as tfjs-node's file system handler writes it.
    const json = {modelTopology: a.modelTopology, weightsManifest: [{paths: names, weights: a.weightSpecs}],
                  format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy};
    if (a.trainingConfig) json.trainingConfig = a.trainingConfig;
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
  });
}
function loadFrom(dir) {
  return {
    load: async () => {
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
      const specs = [], bufs = [];
      for (const g of json.weightsManifest) {
        specs.push(...g.weights);
        for (const p of g.paths) bufs.push(fs.readFileSync(path.join(dir, p)));
      }
      const all = Buffer.concat(bufs);
      return {modelTopology: json.modelTopology, format: json.format, generatedBy: json.generatedBy,
              convertedBy: json.convertedBy, userDefinedMetadata: json.userDefinedMetadata,
              weightSpecs: specs,
              weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.length)};
    }
  };
}

let failed = 0;
function same(what, a, b) {
  // The same test images right in both: at most one answer apart out of 10,000
  // (summation order differs; a near-tie may fall the other way).
  const ok = Math.abs(a - b) <= 1e-4 + 1e-9;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}: ${a.toFixed(4)} vs ${b.toFixed(4)}`);
  if (!ok) failed++;
}

// 1. Trained in TF.js, read by digitpad.
tf.util.seedrandom && tf.util.seedrandom(1);
const model = tf.sequential({layers: [
  tf.layers.flatten({inputShape: [28, 28]}),
  tf.layers.dense({units: 64, activation: 'relu'}),
  tf.layers.dense({units: 10, activation: 'softmax'}),
]});
model.compile({optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy']});
const nTrain = 6000;
const xs = tf.tensor(train.x.subarray(0, nTrain * 784), [nTrain, 28, 28]);
const ys = tf.tensor1d(Array.from(trainY.subarray(0, nTrain)), 'float32');
await model.fit(xs, ys, {epochs: 2, batchSize: 32, verbose: 0});
tf.dispose([xs, ys]);
const tfjsDir = path.join(work, 'tfjs-trained');
await model.save(saveTo(tfjsDir, 2));
const trainedAcc = tfjsAccuracy(model);
same('TF.js-trained model (2 shards): TF.js vs digitpad', trainedAcc,
     digitpadAccuracy(path.join(tfjsDir, 'model.json')));

// 1b. The same with tanh and sigmoid hidden layers, one epoch.
const acts = tf.sequential({layers: [
  tf.layers.flatten({inputShape: [28, 28]}),
  tf.layers.dense({units: 32, activation: 'tanh'}),
  tf.layers.dense({units: 16, activation: 'sigmoid'}),
  tf.layers.dense({units: 10, activation: 'softmax'}),
]});
acts.compile({optimizer: tf.train.adam(0.003), loss: 'sparseCategoricalCrossentropy'});
const xs2 = tf.tensor(train.x.subarray(0, nTrain * 784), [nTrain, 28, 28]);
const ys2 = tf.tensor1d(Array.from(trainY.subarray(0, nTrain)), 'float32');
await acts.fit(xs2, ys2, {epochs: 1, batchSize: 32, verbose: 0});
tf.dispose([xs2, ys2]);
const actsDir = path.join(work, 'tfjs-tanh-sigmoid');
await acts.save(saveTo(actsDir, 1));
same('TF.js-trained tanh + sigmoid model: TF.js vs digitpad', tfjsAccuracy(acts),
     digitpadAccuracy(path.join(actsDir, 'model.json')));

// 2. digitpad's ONNX in ONNX Runtime.
const ref = digitpadAccuracy(bundled);
const onnxPath = path.join(work, 'bundled.onnx');
execFileSync(digitpad, ['convert', '--to', 'onnx', bundled, onnxPath]);
const session = await ort.InferenceSession.create(fs.readFileSync(onnxPath));
const res = await session.run({input: new ort.Tensor('float32', test.x, [test.n, 784])});
same('digitpad --to onnx: digitpad vs ONNX Runtime', ref, accuracy(res.probabilities.data, test.n, 10));

// 3. digitpad's TF.js export in TF.js.
const outDir = path.join(work, 'bundled-tfjs');
execFileSync(digitpad, ['convert', '--to', 'tfjs', bundled, outDir]);
const loaded = await tf.loadLayersModel(loadFrom(outDir));
same('digitpad --to tfjs: digitpad vs TF.js', ref, tfjsAccuracy(loaded));

// 4. digitpad-trained tanh and sigmoid models through both exports.
for (const act of ['tanh', 'sigmoid']) {
  const m = path.join(work, `${act}.json`);
  execFileSync(digitpad, ['train', '--data', mnistDir, '--layers', '64,32', '--activation', act,
                          '--epochs', '1', '--limit', '10000', '-q', '--out', m]);
  const want = digitpadAccuracy(m);
  const o = path.join(work, `${act}.onnx`), d = path.join(work, `${act}-tfjs`);
  execFileSync(digitpad, ['convert', '--to', 'onnx', m, o]);
  execFileSync(digitpad, ['convert', '--to', 'tfjs', m, d]);
  const s = await ort.InferenceSession.create(fs.readFileSync(o));
  const r = await s.run({input: new ort.Tensor('float32', test.x, [test.n, 784])});
  same(`digitpad ${act} model --to onnx: digitpad vs ONNX Runtime`, want,
       accuracy(r.probabilities.data, test.n, 10));
  same(`digitpad ${act} model --to tfjs: digitpad vs TF.js`, want,
       tfjsAccuracy(await tf.loadLayersModel(loadFrom(d))));
}

// 5. Class names (a Fashion-MNIST-style model): TF.js keeps digitpad's
// labels as the model's user-defined metadata, and ONNX Runtime loads a
// model whose metadata carries them.
const fashion = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt',
                 'Sneaker', 'Bag', 'Ankle boot'];
const named = JSON.parse(fs.readFileSync(bundled, 'utf8'));
named.labels = fashion;
const namedPath = path.join(work, 'named.json');
fs.writeFileSync(namedPath, JSON.stringify(named));
const namedDir = path.join(work, 'named-tfjs'), namedOnnx = path.join(work, 'named.onnx');
execFileSync(digitpad, ['convert', '--to', 'tfjs', namedPath, namedDir]);
execFileSync(digitpad, ['convert', '--to', 'onnx', namedPath, namedOnnx]);
const namedModel = await tf.loadLayersModel(loadFrom(namedDir));
const udm = namedModel.getUserDefinedMetadata();
const kept = JSON.stringify(udm && udm.digitpad_labels) === JSON.stringify(fashion);
console.log(`${kept ? 'ok  ' : 'FAIL'} labels kept by TF.js: ${JSON.stringify(udm)}`);
if (!kept) failed++;
const namedSession = await ort.InferenceSession.create(fs.readFileSync(namedOnnx));
const nr = await namedSession.run({input: new ort.Tensor('float32', test.x, [test.n, 784])});
same('labelled model --to onnx: digitpad vs ONNX Runtime', ref,
     accuracy(nr.probabilities.data, test.n, 10));

console.log(failed ? `${failed} failed` : 'all runtimes agree');
process.exit(failed ? 1 : 0);
