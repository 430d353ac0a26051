// Image ops, with tf.image's conventions (HWC or NHWC layouts, half-pixel centres).
import { DType, GraphDType } from '../tensor/dtypes';
import { Sym } from '../graph/sym';
import { cond } from './control';
import { Operand, constOf, intConst, toSym } from '../graph/operands';
import { Seed, statelessRandomUniform } from './random';
import {
  AddV2,
  Cast,
  ClipByValue,
  DecodeBmp,
  DecodeGif,
  DecodeImage,
  DecodeJpeg,
  DecodePng,
  EncodePng,
  ExpandDims,
  Less,
  Mul,
  ResizeBilinear,
  ResizeNearestNeighbor,
  ReverseV2,
  Squeeze,
} from './generated/index';

/** Any Sym, as a generated builder's dtype-typed operand takes it (addOp checks the dtypes). */
type AnySym = Sym<never>;
type ResizeOp = (args: {
  images: AnySym;
  size: Sym<'int32'>;
  align_corners: boolean;
  half_pixel_centers: boolean;
}) => Sym;

function imageRank(s: Sym, what: string): 3 | 4 {
  if (s.rank !== 3 && s.rank !== 4)
    throw new TypeError(`${what}: image must have rank 3 [h, w, c] or 4 [n, h, w, c], got ${s.rank ?? 'unknown'}`);
  return s.rank;
}

function checkSize(size: readonly number[], what: string): void {
  if (size.length !== 2 || size.some((d) => !Number.isInteger(d) || d <= 0))
    throw new RangeError(`${what}: size must be [height, width] of positive integers`);
}

function resize(op: ResizeOp, image: Operand, size: readonly number[], what: string): Sym {
  const s = toSym(image, undefined, what) as AnySym;
  checkSize(size, what);
  const batched = imageRank(s, what) === 4;
  const input = batched ? s : ExpandDims({ input: s, dim: intConst(0, what) as Sym<'int32'> });
  const out = op({
    images: input,
    size: intConst(size, what) as Sym<'int32'>,
    align_corners: false,
    half_pixel_centers: true,
  });
  return batched ? out : Squeeze({ input: out, squeeze_dims: [0] });
}

/** Bilinear resize to [height, width] (float32 output, like tf.image.resize). */
export function resizeBilinear(image: Operand, size: readonly [number, number] | readonly number[]): Sym<'float32'> {
  return resize(ResizeBilinear, image, size, 'resizeBilinear') as Sym<'float32'>;
}

/** Nearest-neighbour resize to [height, width] (keeps the dtype). */
export function resizeNearest<D extends GraphDType>(
  image: Operand<D>,
  size: readonly [number, number] | readonly number[],
): Sym<D> {
  return resize(ResizeNearestNeighbor, image, size, 'resizeNearest') as Sym<D>;
}

/** Mirrors the width axis. */
export function flipLeftRight<D extends GraphDType>(image: Operand<D>): Sym<D> {
  const s = toSym(image, undefined, 'flipLeftRight');
  const axis = imageRank(s, 'flipLeftRight') === 3 ? 1 : 2;
  return ReverseV2({ tensor: s as AnySym, axis: intConst([axis], 'flipLeftRight') as Sym<'int32'> });
}

/** Flips an [h, w, c] image with probability 1/2, decided by the seed (tf.image.stateless_random_flip_left_right). */
export function statelessRandomFlipLeftRight<D extends GraphDType>(image: Operand<D>, seed: Seed): Sym<D> {
  const s = toSym(image, undefined, 'statelessRandomFlipLeftRight') as Sym<D>;
  if (imageRank(s, 'statelessRandomFlipLeftRight') !== 3)
    throw new TypeError('statelessRandomFlipLeftRight: image must be [h, w, c]');
  const u = statelessRandomUniform([], seed);
  const flip = Less({ x: u, y: constOf(0.5, 'float32', 'statelessRandomFlipLeftRight') as Sym<'float32'> });
  return cond(
    flip,
    () => flipLeftRight(s),
    () => s,
  );
}

const INT_MAX: Partial<Record<DType, number>> = {
  uint8: 255,
  int8: 127,
  uint16: 65535,
  int16: 32767,
  int32: 2147483647,
};

/** tf.image.convert_image_dtype: integers scale to [0, 1] floats and back (saturating). */
export function convertImageDtype<T extends DType>(image: Operand, dtype: T): Sym<T> {
  const s = toSym(image, undefined, 'convertImageDtype');
  if (s.dtype === dtype) return s as unknown as Sym<T>;
  const srcMax = INT_MAX[s.dtype as DType];
  const dstMax = INT_MAX[dtype];
  const isFloat = (d: GraphDType) => d === 'float32' || d === 'float64';
  if (srcMax !== undefined && isFloat(dtype)) {
    const f = Cast({ x: s, DstT: dtype, Truncate: false }) as AnySym;
    return Mul({ x: f, y: constOf(1 / srcMax, dtype, 'convertImageDtype') as AnySym });
  }
  if (isFloat(s.dtype) && dstMax !== undefined) {
    const scaled = Mul({ x: s as AnySym, y: constOf(dstMax + 0.5, s.dtype as DType, 'convertImageDtype') as AnySym });
    const clipped = ClipByValue({
      t: scaled,
      clip_value_min: constOf(0, s.dtype as DType, 'convertImageDtype') as AnySym,
      clip_value_max: constOf(dstMax, s.dtype as DType, 'convertImageDtype') as AnySym,
    });
    return Cast({ x: clipped, DstT: dtype, Truncate: false });
  }
  if (isFloat(s.dtype) && isFloat(dtype)) return Cast({ x: s, DstT: dtype, Truncate: false });
  throw new TypeError(`convertImageDtype: ${s.dtype} → ${dtype} is not supported`);
}

/** Adds `delta` in [0, 1] float space, as tf.image.adjust_brightness (integer images saturate). */
export function adjustBrightness<D extends GraphDType>(image: Operand<D>, delta: number): Sym<D> {
  const s = toSym(image, undefined, 'adjustBrightness');
  const floaty = s.dtype === 'float32' || s.dtype === 'float16';
  const f = floaty ? s : convertImageDtype(s, 'float32');
  const adjusted = AddV2({ x: f as AnySym, y: constOf(delta, f.dtype as DType, 'adjustBrightness') as AnySym });
  return (floaty ? adjusted : convertImageDtype(adjusted, s.dtype as DType)) as Sym<D>;
}

/** Decodes JPEG bytes (a string scalar) to uint8 [h, w, channels]; channels 0 keeps the file's. */
export function decodeJpeg(contents: Operand<'string'>, options: { channels?: 0 | 1 | 3 } = {}): Sym<'uint8'> {
  return DecodeJpeg({ contents: toSym(contents, 'string', 'decodeJpeg') as AnySym, channels: options.channels ?? 0 });
}

/** Decodes PNG bytes to [h, w, channels] uint8 (or uint16). */
export function decodePng<D extends 'uint8' | 'uint16' = 'uint8'>(
  contents: Operand<'string'>,
  options: { channels?: 0 | 1 | 3 | 4; dtype?: D } = {},
): Sym<D> {
  return DecodePng({
    contents: toSym(contents, 'string', 'decodePng') as AnySym,
    channels: options.channels ?? 0,
    dtype: options.dtype ?? ('uint8' as D),
  });
}

/** Encodes a uint8/uint16 [h, w, c] image as PNG bytes. */
export function encodePng(
  image: Operand<'uint8'> | Operand<'uint16'>,
  options: { compression?: number } = {},
): Sym<'string'> {
  return EncodePng({ image: toSym(image, undefined, 'encodePng') as AnySym, compression: options.compression ?? -1 });
}

/** Options of `decodeImage`. */
export interface DecodeImageOptions<D extends 'uint8' | 'uint16' | 'float32'> {
  /** 0 (the file's, the default), 1 (grey), 3 (RGB) or 4 (RGBA). */
  channels?: 0 | 1 | 3 | 4;
  /** uint8 (default), uint16, or float32 in [0, 1]. */
  dtype?: D;
  /**
   * An animated GIF decodes to [frames, h, w, c] (true, the default); with false only its first
   * frame, so every image is [h, w, c].
   */
  expandAnimations?: boolean;
}

/**
 * Decodes a JPEG, PNG, GIF or BMP, told apart by content (tf.io.decode_image, DecodeImage):
 * [h, w, c], or [frames, h, w, c] for a GIF unless `expandAnimations: false`. Bytes of no known
 * format, or a truncated image, fail the element with INVALID_ARGUMENT.
 */
export function decodeImage<D extends 'uint8' | 'uint16' | 'float32' = 'uint8'>(
  contents: Operand<'string'>,
  options: DecodeImageOptions<D> = {},
): Sym<D> {
  const channels = options.channels ?? 0;
  if (![0, 1, 3, 4].includes(channels))
    throw new RangeError(`decodeImage: channels must be 0, 1, 3 or 4, got ${channels}`);
  const dtype = options.dtype ?? ('uint8' as D);
  if (!['uint8', 'uint16', 'float32'].includes(dtype))
    throw new TypeError(`decodeImage: dtype must be 'uint8', 'uint16' or 'float32', got ${String(dtype)}`);
  const expand = options.expandAnimations ?? true;
  if (typeof expand !== 'boolean') throw new TypeError('decodeImage: expandAnimations must be a boolean');
  return DecodeImage({
    contents: toSym(contents, 'string', 'decodeImage') as AnySym,
    channels,
    dtype,
    expand_animations: expand,
  });
}

/** Decodes a GIF to uint8 [frames, h, w, 3] (tf.io.decode_gif). */
export function decodeGif(contents: Operand<'string'>): Sym<'uint8'> {
  return DecodeGif({ contents: toSym(contents, 'string', 'decodeGif') as AnySym });
}

/** Decodes a BMP to uint8 [h, w, channels] (tf.io.decode_bmp); channels 0 keeps the file's. */
export function decodeBmp(contents: Operand<'string'>, options: { channels?: 0 | 3 | 4 } = {}): Sym<'uint8'> {
  return DecodeBmp({ contents: toSym(contents, 'string', 'decodeBmp') as AnySym, channels: options.channels ?? 0 });
}
