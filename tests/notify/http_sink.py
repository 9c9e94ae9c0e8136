#!/usr/bin/env python3
"""A local HTTP sink standing in for the SMS gateway in the notification tests.

Listens on 127.0.0.1 on a free port, writes the port to READY_FILE, and appends every request
to OUT_FILE as one JSON line: method, path, headers (lower-case names), body text and the body
parsed as JSON when it is JSON, and the status it answered. It answers 500 to the next N
requests after `POST /__control {"fail_next": N}` (control requests are not recorded), and 200
with {"ok": true} otherwise. Runs until terminated.

usage: http_sink.py OUT_FILE READY_FILE
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
state = {"fail_next": 0}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep the test output clean
        pass

    def _answer(self, status, payload):
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        text = raw.decode("utf-8", "replace")
        if self.path == "/__control":
            with lock:
                state["fail_next"] = int(json.loads(text or "{}").get("fail_next", 0))
            self._answer(200, {"ok": True})
            return
        with lock:
            failing = state["fail_next"] > 0
            if failing:
                state["fail_next"] -= 1
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
            status = 500 if failing else 200
            record = {"method": self.command, "path": self.path,
                      "headers": {k.lower(): v for k, v in self.headers.items()},
                      "body": text, "json": parsed, "status": status}
            with open(sys.argv[1], "a", encoding="utf-8") as out:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        if failing:
            self._answer(500, {"error": "gateway temporarily unavailable (test)"})
        else:
            self._answer(200, {"ok": True})


def exit_with_parent():
    """Ends this helper when the test that started it is gone, even if the test crashed."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main():
    out_path, ready_path = sys.argv[1], sys.argv[2]
    open(out_path, "a").close()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tmp = ready_path + ".tmp"
    with open(tmp, "w") as ready:
        ready.write(str(server.server_address[1]))
    os.replace(tmp, ready_path)
    exit_with_parent()
    server.serve_forever()


if __name__ == "__main__":
    main()
