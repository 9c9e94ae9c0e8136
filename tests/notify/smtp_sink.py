#!/usr/bin/env python3
"""A local SMTP server for the notification tests (Debian's python3-aiosmtpd).

Listens on 127.0.0.1 on a free port, writes the port to READY_FILE when it accepts connections,
and appends every message received to OUT_FILE as one JSON line: the envelope, the decoded
subject and text body, the Message-ID and the raw message. Runs until terminated.

usage: smtp_sink.py OUT_FILE READY_FILE
"""
import asyncio
import email
import email.policy
import json
import os
import sys
import threading
import time

from aiosmtpd.smtp import SMTP


class Recorder:
    def __init__(self, out_path):
        self.out_path = out_path

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        message = email.message_from_bytes(raw, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "subject": str(message["subject"] or ""),
            "message_id": str(message["message-id"] or ""),
            "from": str(message["from"] or ""),
            "to": str(message["to"] or ""),
            "content_type": message.get_content_type(),
            "body": body.get_content() if body is not None else "",
            "raw": raw.decode("utf-8", "replace"),
        }
        with open(self.out_path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return "250 Message accepted"


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
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = Recorder(out_path)
    server = loop.run_until_complete(
        loop.create_server(lambda: SMTP(handler, enable_SMTPUTF8=True, decode_data=False), "127.0.0.1", 0))
    port = server.sockets[0].getsockname()[1]
    tmp = ready_path + ".tmp"
    with open(tmp, "w") as ready:
        ready.write(str(port))
    os.replace(tmp, ready_path)  # the test reads a complete port number or nothing
    exit_with_parent()
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()
