// Asking the dispatcher, before TensorFlow does, whether it is there and knows a dataset.
// TensorFlow's client retries an absent dispatcher for up to an hour, in kernels that ignore
// cancellation and step timeouts, so this comes first, with a deadline: one gRPC call
// (DispatcherService/GetDataServiceMetadata) over Node's HTTP/2 client. A closed port, a silent
// one, a server that is not gRPC, or a worker instead of the dispatcher all become a TFError
// UNAVAILABLE that names the address.
import * as http2 from 'node:http2';

import { TFError } from '../../errors';
import { encodeProto } from '../../proto';
import type { ServiceAddress } from './address';

/** How long the check waits for the dispatcher's answer (connection and name lookup included). */
export const PROBE_TIMEOUT_MS = 3000;
const UNAVAILABLE = 14;
// gRPC status codes (the same numbers as TensorFlow's).
const GRPC_OK = '0';
const GRPC_NOT_FOUND = '5';
const GRPC_UNIMPLEMENTED = '12';

function unavailable(where: ServiceAddress, why: string): TFError {
  return new TFError(
    `no tf.data service dispatcher answers at ${where.address} (${why}); start one with ` +
      '`npx tfdata-node service dispatcher --port PORT`, or check the address',
    UNAVAILABLE,
  );
}

/** A gRPC message: a compression flag byte and a 4-byte length, then the message. */
function grpcFrame(message: Uint8Array): Uint8Array {
  const frame = new Uint8Array(5 + message.length);
  new DataView(frame.buffer).setUint32(1, message.length);
  frame.set(message, 5);
  return frame;
}

/**
 * Resolves to whether the dispatcher at `where` has `datasetId` registered; rejects with a
 * TFError UNAVAILABLE within `timeoutMs` when no dispatcher answers there.
 */
export function isRegistered(where: ServiceAddress, datasetId: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const host = where.host.includes(':') ? `[${where.host}]` : where.host;
    const session = http2.connect(`http://${host}:${where.port}`);
    let settled = false;
    const finish = (known: boolean | undefined, why = '') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      if (known === undefined) reject(unavailable(where, why));
      else resolve(known);
    };
    const timer = setTimeout(() => finish(undefined, `no gRPC answer within ${timeoutMs} ms`), timeoutMs);
    // A refused or failed connection: Node wraps its cause in the stream's error.
    const why = (e: Error) => ((e as { cause?: Error }).cause ?? e).message;
    session.on('error', (e) => finish(undefined, why(e)));
    const request = session.request({
      ':method': 'POST',
      ':path': '/tensorflow.data.DispatcherService/GetDataServiceMetadata',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    let status: string | undefined;
    request.on('response', (headers) => {
      if (!String(headers['content-type'] ?? '').startsWith('application/grpc'))
        return finish(undefined, 'a server that does not speak gRPC is listening there');
      status = headers['grpc-status'] as string | undefined; // a trailers-only answer
    });
    request.on('trailers', (trailers) => (status = trailers['grpc-status'] as string | undefined));
    request.on('error', (e) => finish(undefined, why(e)));
    request.on('data', () => undefined);
    request.on('end', () => {
      if (status === GRPC_OK) return finish(true);
      if (status === GRPC_NOT_FOUND) return finish(false);
      if (status === GRPC_UNIMPLEMENTED)
        return finish(undefined, 'a gRPC server that is not a dispatcher, e.g. a worker');
      finish(undefined, `the dispatcher answered with gRPC status ${status ?? 'none'}`);
    });
    // GetDataServiceMetadataRequest { string dataset_id = 1 }
    request.end(grpcFrame(encodeProto([[1, datasetId]])));
  });
}
