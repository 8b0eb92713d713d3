#!/usr/bin/env node
// Generates a PNG grid of images from a keras-gan ONNX export with onnxruntime-node.
//
//   npm ci
//   node generate.js --model ../../exports/cgan/1/model.onnx --num 16 --seed 0 --out grid.png
//
// Options:
//   --model FILE     model.onnx written by `keras-gan export` (required)
//   --out FILE       PNG grid to write (default grid.png)
//   --num N          number of images (default 16)
//   --seed S         seed of the noise z ~ N(0, I) drawn here (default 0)
//   --z FILE         read z instead: raw little-endian float32, N x latent_dim
//   --label L        class of every image (conditional models); default: i % num_classes
//   --labels FILE    read labels instead: raw little-endian int32, N values
//   --num-classes K  classes, when there is no model.json beside the model
//   --columns C      grid columns (default ceil(sqrt(N)))
//   --dump FILE      also write the float32 `images` output, raw little-endian
//
// The latent width comes from the model's `z` input; the class count from the export's
// model.json. Pixels come from the model's `images_uint8` output, so no value-range
// arithmetic is repeated here.
'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const ort = require('onnxruntime-node');

function parseArgs(argv) {
  const args = {out: 'grid.png', num: 16, seed: 0};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const value = argv[i + 1];
    if (!key.startsWith('--') || value === undefined) {
      throw new Error(`Expected --option value pairs. Received: ${argv.slice(i).join(' ')}`);
    }
    args[key.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = value;
  }
  if (!args.model) throw new Error('--model is required (path to model.onnx)');
  for (const name of ['num', 'seed', 'label', 'numClasses', 'columns']) {
    if (args[name] !== undefined) {
      args[name] = Number(args[name]);
      if (!Number.isInteger(args[name])) throw new Error(`--${name} must be an integer`);
    }
  }
  if (args.num < 1) throw new Error(`--num must be >= 1. Received: ${args.num}`);
  return args;
}

// mulberry32: a small, fast, seedable 32-bit PRNG; Box-Muller turns it into N(0, 1).
function normalNoise(count, seed) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u1 = Math.max(uniform(), 1e-12);
    const u2 = uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

function readRaw(file, ArrayType, count, what) {
  const buffer = fs.readFileSync(file);
  if (buffer.length !== count * ArrayType.BYTES_PER_ELEMENT) {
    throw new Error(`${what} file ${file} has ${buffer.length} bytes; expected ${count} values ` +
                    `(${count * ArrayType.BYTES_PER_ELEMENT} bytes)`);
  }
  const copy = new Uint8Array(buffer);  // aligned copy
  return new ArrayType(copy.buffer, 0, count);
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

// 8-bit PNG of an H x W x C uint8 image (C = 1 gray, 3 RGB, 4 RGBA).
function encodePng(pixels, height, width, channels) {
  const colorType = {1: 0, 3: 2, 4: 6}[channels];
  if (colorType === undefined) throw new Error(`Cannot write a PNG with ${channels} channels`);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;  // bit depth
  header[9] = colorType;
  const stride = width * channels;
  const raw = Buffer.alloc(height * (stride + 1));  // filter byte 0 (None) per row
  for (let y = 0; y < height; y++) {
    Buffer.from(pixels.buffer, pixels.byteOffset + y * stride, stride).copy(raw, y * (stride + 1) + 1);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', header), pngChunk('IDAT', zlib.deflateSync(raw)),
                        pngChunk('IEND', Buffer.alloc(0))]);
}

// Tiles N x H x W x C images into rows x columns with `padding` black pixels between.
function tile(images, n, height, width, channels, columns, padding) {
  const rows = Math.ceil(n / columns);
  const gridH = rows * height + (rows - 1) * padding;
  const gridW = columns * width + (columns - 1) * padding;
  const grid = new Uint8Array(gridH * gridW * channels);
  for (let i = 0; i < n; i++) {
    const top = Math.floor(i / columns) * (height + padding);
    const left = (i % columns) * (width + padding);
    for (let y = 0; y < height; y++) {
      const src = ((i * height + y) * width) * channels;
      const dst = ((top + y) * gridW + left) * channels;
      grid.set(images.subarray(src, src + width * channels), dst);
    }
  }
  return {grid, gridH, gridW};
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const session = await ort.InferenceSession.create(args.model);
  const zMeta = session.inputMetadata.find((m) => m.name === 'z');
  if (!zMeta) throw new Error(`${args.model} has no input named z: not a keras-gan export`);
  const latentDim = Number(zMeta.shape[1]);
  const conditional = session.inputNames.includes('label');
  const n = args.num;
  const factsFile = path.join(path.dirname(args.model), 'model.json');
  const facts = fs.existsSync(factsFile) ? JSON.parse(fs.readFileSync(factsFile, 'utf8')) : {};
  const numClasses = args.numClasses !== undefined ? args.numClasses : facts.num_classes;

  const z = args.z ? readRaw(args.z, Float32Array, n * latentDim, '--z') : normalNoise(n * latentDim, args.seed);
  const feeds = {z: new ort.Tensor('float32', z, [n, latentDim])};
  if (conditional) {
    let labels;
    if (args.labels) {
      labels = readRaw(args.labels, Int32Array, n, '--labels');
    } else if (args.label !== undefined) {
      labels = new Int32Array(n).fill(args.label);
    } else {
      if (!numClasses) throw new Error('Conditional model: pass --label, --labels or --num-classes');
      labels = Int32Array.from({length: n}, (_, i) => i % numClasses);
    }
    // ONNX Gather accepts negative indices and the ONNX graph has no asserts: check here.
    const bad = labels.find((l) => l < 0 || (numClasses && l >= numClasses));
    if (bad !== undefined) {
      throw new Error(`label ${bad} is out of range: labels must be in [0, ${numClasses})`);
    }
    feeds.label = new ort.Tensor('int32', labels, [n]);
  }

  const outputs = await session.run(feeds);
  const images = outputs.images_uint8;
  const [, height, width, channels] = images.dims;
  const columns = args.columns || Math.ceil(Math.sqrt(n));
  const {grid, gridH, gridW} = tile(images.data, n, height, width, channels, columns, 2);
  fs.writeFileSync(args.out, encodePng(grid, gridH, gridW, channels));
  if (args.dump) {
    const data = outputs.images.data;
    fs.writeFileSync(args.dump, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }
  console.log(`wrote ${args.out}: ${n} images ${height}x${width}x${channels}, grid ${gridH}x${gridW}`);
}

main().catch((err) => {
  console.error(`error: ${err.message}`);
  process.exit(1);
});
