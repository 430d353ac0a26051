"""A tf.data service server (dispatcher or worker) from TensorFlow's own Python servers.

usage: service.py dispatcher [--port P] [--work-dir D] [--worker-addresses H:P,...]
                             [--worker-timeout-ms MS]
       service.py worker --dispatcher HOST:PORT [--port P] [--worker-address HOST:PORT]
                         [--heartbeat-ms MS]

Run by `npx tfdata-node service ...` (lib/cli.ts) and by the tests. Once listening it prints one
JSON line on stdout: {"ready": true, "role", "port", "address", "pid", "tensorflow"}. SIGTERM or
SIGINT stops the server and exits 0. The server's own join() would block Python's signal
handlers, so the main thread sleeps in short steps instead; and a worker whose dispatcher is
already gone can take many seconds to stop, so stopping is given STOP_GRACE_S, then the
process exits regardless.
"""
import argparse
import json
import os
import signal
import sys
import threading
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
STOP_GRACE_S = 3.0


def parse(argv):
    p = argparse.ArgumentParser(prog="tfdata-node service")
    sub = p.add_subparsers(dest="role", required=True)
    d = sub.add_parser("dispatcher", help="the tf.data service dispatcher")
    d.add_argument("--port", type=int, default=0, help="port to listen on (0: any free port)")
    d.add_argument("--work-dir", help="journal directory: registrations and jobs survive a restart")
    d.add_argument("--worker-addresses", help="comma-separated fixed worker list (file/data/hint sharding)")
    d.add_argument("--worker-timeout-ms", type=int, help="drop a worker silent for this long")
    w = sub.add_parser("worker", help="a tf.data service worker")
    w.add_argument("--dispatcher", required=True, help="the dispatcher's HOST:PORT")
    w.add_argument("--port", type=int, default=0, help="port to listen on (0: any free port)")
    w.add_argument("--worker-address", help="HOST:PORT clients use to reach this worker (default localhost)")
    w.add_argument("--heartbeat-ms", type=int, help="how often to report to the dispatcher")
    return p.parse_args(argv)


def start(args):
    from tensorflow.data.experimental import service

    if args.role == "dispatcher":
        config = service.DispatcherConfig(
            port=args.port,
            work_dir=args.work_dir,
            fault_tolerant_mode=bool(args.work_dir),
            worker_addresses=args.worker_addresses.split(",") if args.worker_addresses else None,
            worker_timeout_ms=args.worker_timeout_ms,
        )
        server = service.DispatchServer(config)
        return server, int(server.target.rsplit(":", 1)[1])
    address = args.worker_address or "localhost:%port%"
    config = service.WorkerConfig(
        dispatcher_address=args.dispatcher.split("://")[-1],
        worker_address=address,
        port=args.port,
        heartbeat_interval_ms=args.heartbeat_ms,
    )
    server = service.WorkerServer(config)
    # The bound port (with --port 0) is only exposed as the worker's "localhost:PORT" address.
    return server, int(server._address.rsplit(":", 1)[1])  # noqa: SLF001


def main(argv):
    args = parse(argv)
    stopping = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, _frame: stopping.append(signum))
    import tensorflow as tf

    server, port = start(args)
    ready = {
        "ready": True,
        "role": args.role,
        "port": port,
        "address": f"localhost:{port}",
        "pid": os.getpid(),
        "tensorflow": tf.__version__,
    }
    print(json.dumps(ready), flush=True)
    while not stopping:
        time.sleep(0.1)
    stopper = threading.Thread(target=server.stop, daemon=True)
    stopper.start()
    stopper.join(STOP_GRACE_S)
    stopped = {"stopped": True, "role": args.role, "signal": stopping[0], "clean": not stopper.is_alive()}
    print(json.dumps(stopped), flush=True)
    # Not a normal exit: TensorFlow's server threads (and a stop still running) would hold it up.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
