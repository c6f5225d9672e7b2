"""librdkafka (confluent-kafka-python) clients for `npm run chaos -- --kafka`.

  rdkafka_client.py produce --bootstrap H:P --topic T --name N --rate R --seed S [--no-idempotence]
  rdkafka_client.py consume --bootstrap H:P --topic T --group G --member M [--session-timeout-ms MS]

Writes one JSON object per line on stdout (every one with "t", ms since the epoch, and "e", what it is):
  producer: ack {id, p, o} | nack {id, err} | error {code, name, str, fatal, retriable} | sent {n} | summary {...}
  consumer: rec {p, o, id} | assign/revoke/lost {parts} | commit {err, parts: [[p, o, err]]} | error | closed
Runs until its standard input is closed (or SIGTERM/SIGINT), then the producer flushes and the consumer
closes (a last commit, leaving the group), and it exits 0.

The producer's records are the chaos suite's (server/suites/chaos/record-codec.ts): the key is a unique id
"<name>.<seq>", seq counting from 0 in send order, and the value the JSON {"id", "pad", "sum"} with
sum = the first 16 hex digits of sha256("<id>\\n<key>\\n<pad>").
"""

import argparse
import hashlib
import json
import random
import signal
import sys
import threading
import time

from confluent_kafka import Consumer, Producer

stop = threading.Event()


def now_ms():
    return round(time.time() * 1000, 3)


def emit(kind, **fields):
    fields["e"] = kind
    fields["t"] = now_ms()
    sys.stdout.write(json.dumps(fields, separators=(",", ":")) + "\n")


def watch_stdin():
    # The harness closes our standard input to say "finish": read until EOF.
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        stop.set()


def on_error(err):
    emit("error", code=err.code(), name=err.name(), str=err.str(), fatal=bool(err.fatal()), retriable=bool(err.retriable()))


PAD_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-_"


def record(rng, name, seq):
    rid = f"{name}.{seq}"
    pad = "".join(rng.choice(PAD_CHARS) for _ in range(rng.randint(0, 48)))
    digest = hashlib.sha256(f"{rid}\n{rid}\n{pad}".encode()).hexdigest()[:16]
    return rid, json.dumps({"id": rid, "pad": pad, "sum": digest}, separators=(",", ":"))


def produce(args):
    producer = Producer(
        {
            "bootstrap.servers": args.bootstrap,
            "client.id": args.name,
            "enable.idempotence": args.idempotence,
            "acks": "all",
            "linger.ms": 5,
            "message.timeout.ms": 120000,
            "error_cb": on_error,
        }
    )
    counts = {"acked": 0, "failed": 0}

    def on_delivery(err, msg):
        rid = msg.key().decode()
        if err is None:
            counts["acked"] += 1
            emit("ack", id=rid, p=msg.partition(), o=msg.offset())
        else:
            counts["failed"] += 1
            emit("nack", id=rid, err=str(err), p=msg.partition())

    rng = random.Random(args.seed)
    seq = 0
    started = time.monotonic()
    last_progress = started
    pending = None
    while not stop.is_set():
        due = int((time.monotonic() - started) * args.rate)
        while seq < due and not stop.is_set():
            if pending is None:
                pending = record(rng, args.name, seq)
            try:
                producer.produce(args.topic, key=pending[0], value=pending[1], on_delivery=on_delivery)
            except BufferError:
                producer.poll(0.05)  # the local queue is full: wait, then the same record again (send order kept)
                continue
            pending = None
            seq += 1
        producer.poll(0.005)
        if time.monotonic() - last_progress >= 1:
            last_progress = time.monotonic()
            emit("sent", n=seq)
        sys.stdout.flush()
        time.sleep(0.005)
    emit("sent", n=seq)
    sys.stdout.flush()
    deadline = time.monotonic() + 150  # longer than message.timeout.ms: every record gets its report
    while len(producer) > 0 and time.monotonic() < deadline:
        producer.flush(1)
        sys.stdout.flush()
    emit("summary", produced=seq, acked=counts["acked"], failed=counts["failed"], unflushed=len(producer))
    sys.stdout.flush()


def consume(args):
    parts_of = lambda partitions: [p.partition for p in partitions]  # noqa: E731

    def on_commit(err, partitions):
        emit(
            "commit",
            err=None if err is None else str(err),
            parts=[[p.partition, p.offset, None if p.error is None else str(p.error)] for p in partitions],
        )

    consumer = Consumer(
        {
            "bootstrap.servers": args.bootstrap,
            "group.id": args.group,
            "client.id": args.member,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": True,
            "session.timeout.ms": args.session_timeout_ms,
            "error_cb": on_error,
            "on_commit": on_commit,
        }
    )
    consumer.subscribe(
        [args.topic],
        on_assign=lambda c, ps: emit("assign", parts=parts_of(ps)),
        on_revoke=lambda c, ps: emit("revoke", parts=parts_of(ps)),
        on_lost=lambda c, ps: emit("lost", parts=parts_of(ps)),
    )
    # At-least-once as librdkafka does it by default: each record is processed (reported) before the next
    # poll, and the offsets stored at poll are committed in the background every auto.commit.interval.ms.
    while not stop.is_set():
        msg = consumer.poll(0.1)
        if msg is not None:
            if msg.error():
                emit("error", code=msg.error().code(), name=msg.error().name(), str=msg.error().str(),
                     fatal=bool(msg.error().fatal()), retriable=bool(msg.error().retriable()), poll=True)
            else:
                key = msg.key()
                emit("rec", p=msg.partition(), o=msg.offset(), id=None if key is None else key.decode("utf-8", "replace"))
        sys.stdout.flush()
    consumer.close()
    emit("closed")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("produce")
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--topic", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--rate", type=float, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-idempotence", dest="idempotence", action="store_false")
    c = sub.add_parser("consume")
    c.add_argument("--bootstrap", required=True)
    c.add_argument("--topic", required=True)
    c.add_argument("--group", required=True)
    c.add_argument("--member", required=True)
    c.add_argument("--session-timeout-ms", type=int, default=10000)
    args = parser.parse_args()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    threading.Thread(target=watch_stdin, daemon=True).start()
    if args.mode == "produce":
        produce(args)
    else:
        consume(args)


if __name__ == "__main__":
    main()
