// The dtype a JS literal becomes, at the type level: the static side of tensor()'s inference
// (inferDType in tensor.ts), so a literal's Sym or Tensor is typed as it runs. Where the type
// cannot tell (a `number` not known statically, an exponent), the type is the union of what it
// may become: wider, never wrong.

/** Counts the characters of a string literal, up to 12 (enough to tell int32 from int64). */
export type Digits<S extends string, N extends unknown[] = []> = N['length'] extends 12
  ? 12
  : S extends `${string}${infer Rest}`
    ? Digits<Rest, [...N, 0]>
    : N['length'];

/** The dtype of a non-negative number literal's text. */
export type UnsignedDType<S extends string> = S extends `${bigint}`
  ? Digits<S> extends 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9
    ? 'int32' // below 10^9: int32 for sure
    : Digits<S> extends 10
      ? 'int32' | 'int64' // around 2^31: either
      : 'int64'
  : S extends `${string}e${string}`
    ? 'int32' | 'int64' | 'float32' // 1e21 is an integer, 1e-3 is not
    : 'float32';

/**
 * The dtype tensor() infers for one number: an integer → int32 (int64 beyond int32's range), any
 * other number → float32; `number` (not a literal) → any of them.
 */
export type NumberDType<N extends number> = number extends N
  ? 'int32' | 'int64' | 'float32'
  : `${N}` extends `-${infer A}`
    ? UnsignedDType<A>
    : UnsignedDType<`${N}`>;

/**
 * The leaf types of a nested array type (never for an empty one). The depth is bounded: a
 * recursive type such as NestedArray<number> has its leaves at every level anyway.
 */
export type Leaves<V, Depth extends unknown[] = []> = Depth['length'] extends 8
  ? never
  : V extends readonly (infer E)[]
    ? Leaves<E, [...Depth, 0]>
    : V;

/** True when some member of the union `N` is float32 for sure (a fraction among the numbers). */
export type HasFraction<N extends number> = N extends unknown
  ? NumberDType<N> extends 'float32'
    ? true
    : never
  : never;

/**
 * The dtype tensor() infers for numbers `N` (a union of literals): float32 when one is a fraction
 * (or there are none: an empty array), else int32 or int64 as their size says.
 */
export type NumbersDType<N extends number> = [N] extends [never]
  ? 'float32'
  : true extends HasFraction<N>
    ? 'float32'
    : N extends unknown
      ? NumberDType<N>
      : never;

/**
 * The dtype tensor() infers for a nested array of numbers, bigints, booleans or strings (float32
 * when empty, as TensorFlow's).
 */
export type LiteralDType<V> = [Leaves<V>] extends [never]
  ? 'float32'
  : [Leaves<V>] extends [number]
    ? NumbersDType<Leaves<V> & number>
    : [Leaves<V>] extends [bigint]
      ? 'int64'
      : [Leaves<V>] extends [boolean]
        ? 'bool'
        : 'string';
