import { TF_CODES } from './shared/tables';

export { TF_CODES };

/** Name of a TensorFlow status code, e.g. `'INVALID_ARGUMENT'`. */
export type TFCode = (typeof TF_CODES)[number];

/**
 * An error raised by TensorFlow itself: building an op, tracing a function or running a pipeline.
 * `code` is TensorFlow's status code name, `tfCode` its number, `op` the graph node TF named.
 */
export class TFError extends Error {
  /** TensorFlow's status code name, e.g. 'INVALID_ARGUMENT'. */
  readonly code: TFCode;
  /** The status code's number (3 for INVALID_ARGUMENT). */
  readonly tfCode: number;
  /** The graph node TensorFlow named in the message, when it named one. */
  readonly op: string | undefined;

  constructor(message: string, tfCode: number, op?: string) {
    super(message);
    this.name = 'TFError';
    this.tfCode = tfCode;
    this.code = TF_CODES[tfCode] ?? 'UNKNOWN';
    this.op = op ?? TFError.nodeIn(message);
  }

  /** The node name TensorFlow mentions as `{{node NAME}}` or as `'NAME'` after an op type. */
  private static nodeIn(message: string): string | undefined {
    const node = /\{\{node ([^}]+)\}\}/.exec(message);
    if (node) return node[1];
    const ours = /^[A-Za-z0-9_]+ '([^']+)':/.exec(message);
    return ours ? ours[1] : undefined;
  }
}
