// Where the tf.data service is: '[grpc://]host:port', as Python's `service` argument, split and checked.

/** A dispatcher's address, split. */
export interface ServiceAddress {
  /** What TensorFlow's ops take as `protocol`: 'grpc'. */
  protocol: string;
  /** What they take as `address`: 'host:port'. */
  address: string;
  host: string;
  port: number;
}

/** `'grpc://host:port'` or `'host:port'` (IPv6 hosts in brackets), as Python's `service` argument. */
export function parseService(service: unknown, name: string): ServiceAddress {
  if (typeof service !== 'string')
    throw new TypeError(`${name} must be a string such as 'grpc://localhost:5050', got ${typeof service}`);
  const parts = service.split('://');
  if (parts.length > 2) throw new RangeError(`${name} has more than one '://': '${service}'`);
  const [protocol, address] = parts.length === 2 ? parts : ['grpc', parts[0]];
  if (protocol !== 'grpc')
    throw new RangeError(`${name}: the tf.data service speaks 'grpc', not '${protocol}' ('${service}')`);
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/.exec(address);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535)
    throw new RangeError(`${name} must be '[grpc://]host:port' with a port from 1 to 65535, got '${service}'`);
  return { protocol, address, host: m[1].replace(/^\[|\]$/g, ''), port };
}
