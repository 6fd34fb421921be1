"""moto_server, with DynamoDB requests applied one at a time.

Real DynamoDB applies each write atomically: two concurrent `ADD`s both count, and of two
conditional puts on the same new key exactly one wins. moto's server handles requests on many
threads without a lock around a DynamoDB operation, so under load two of them can interleave and
both "win". The project's uniqueness guarantees (one account per email, one claim per Stripe
event, one audit entry per sequence number) are tested against this emulator, so it must keep
DynamoDB's atomicity. This wraps moto's own WSGI application and serialises DynamoDB calls only;
everything else (SQS long polls, S3 transfers) stays concurrent.

It also answers GET /_helpshelf/mail with the messages SES accepted (what `npm run ops -- mail
list` and the tests read). moto's own /moto-api/data.json would do, but it serialises every model
of every service, every DynamoDB item and S3 object included, which grows slow as a stage fills.

Usage: python3 moto_atomic_server.py HOST PORT
"""
import json
import os
import signal
import sys
import threading

from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

DYNAMODB_TARGET = "DynamoDB_"
MAIL_PATH = "/_helpshelf/mail"


def sent_mail() -> bytes:
    from moto.ses.models import Message, ses_backends

    messages = []
    for regions in ses_backends.values():
        for backend in regions.values():
            for message in backend.sent_messages:
                if isinstance(message, Message):
                    messages.append(
                        {
                            "id": message.id,
                            "source": message.source,
                            "destinations": message.destinations,
                            "subject": message.subject,
                            "body": message.body,
                        }
                    )
    return json.dumps({"ses": {"Message": messages}}).encode("utf-8")


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    dispatcher = DomainDispatcherApplication(create_backend_app)
    dispatcher.debug = True
    lock = threading.Lock()

    def application(environ, start_response):
        if environ.get("PATH_INFO") == MAIL_PATH:
            body = sent_mail()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        if not environ.get("HTTP_X_AMZ_TARGET", "").startswith(DYNAMODB_TARGET):
            return dispatcher(environ, start_response)
        with lock:
            result = dispatcher(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close:
                    close()
        return [body]

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    run_simple(host, port, application, threaded=True)


if __name__ == "__main__":
    main()
