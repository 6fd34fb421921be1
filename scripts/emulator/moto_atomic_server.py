"""moto_server, with DynamoDB requests applied one at a time.

Real DynamoDB applies each write atomically: two concurrent `ADD`s both count, and of two
conditional puts on the same new key exactly one wins. moto's server handles requests on many
threads without a lock around a DynamoDB operation, so under load two of them can interleave and
both "win". The project's uniqueness guarantees (one account per email, one claim per Stripe
event, one audit entry per sequence number) are tested against this emulator, so it must keep
DynamoDB's atomicity. This wraps moto's own WSGI application and serialises DynamoDB calls only;
everything else (SQS long polls, S3 transfers) stays concurrent.

It also fixes one place where moto parts from AWS: ImportTable reads DYNAMODB_JSON exports with a
lenient parser (py_partiql_parser's JsonParser) that mangles JSON escapes (\u00e9, \", \n) and drops
empty maps, so a faithful export restored through moto would differ from its source. AWS reads an
export as JSON lines; `faithful_import_files` does the same (only for the moto 5 code it replaces).

And it keeps TransactWriteItems from slowing down as tables grow: moto backs up every table a
transaction names with a deep copy (O(items in the table)) so it can roll back. The backup made
here copies the table's item index and deep-copies only the items the transaction updates in
place; the rollback is the same, the cost is per touched item.

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


def raw_mail(message) -> dict:
    """A SendRawEmail message in the shape of a SendEmail one, plus the threading headers."""
    import email
    from email import policy
    from email.utils import getaddresses

    parsed = email.message_from_string(message.raw_data, policy=policy.default)
    body = parsed.get_body(preferencelist=("plain",))
    recipients = [address for _, address in getaddresses(parsed.get_all("to", [])) if address]
    return {
        "id": message.id,
        "source": message.source,
        "destinations": {"ToAddresses": recipients},
        "subject": str(parsed.get("subject", "")),
        "body": body.get_content() if body is not None else "",
        "headers": {
            name: str(parsed.get(name))
            for name in ("In-Reply-To", "References", "Reply-To", "Auto-Submitted")
            if parsed.get(name) is not None
        },
    }


def sent_mail() -> bytes:
    from moto.ses.models import Message, RawMessage, ses_backends

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
                elif isinstance(message, RawMessage):
                    messages.append(raw_mail(message))
    return json.dumps({"ses": {"Message": messages}}).encode("utf-8")


def faithful_import_files(self, s3_backend, bucket) -> None:
    """moto 5's TableImport._process_s3_files, reading each export line with json.loads."""
    from moto.core.utils import gzip_decompress
    from moto.dynamodb.models import dynamodb_backends

    dynamo = dynamodb_backends[self.account_id][self.region_name]
    self.table = dynamo.create_table(
        name=self.table_name,
        billing_mode=self.billing_mode,
        throughput=self.throughput,
        schema=self.key_schema,
        global_indexes=self.global_indexes,
        indexes=None,
        attr=self.attrs,
        sse_specification=None,
        streams=None,
        tags=[],
        deletion_protection_enabled=False,
        warm_throughput=None,
    )
    keys, _, _, _ = s3_backend.list_objects(
        bucket, prefix=self.s3_source.get("S3KeyPrefix"), delimiter=None, marker=None, max_keys=None
    )
    for key in keys:
        raw = gzip_decompress(key.value) if self.compression_type == "GZIP" else key.value
        for line in raw.decode("utf-8").splitlines():
            if not line.strip():
                continue
            self.processed_count += 1
            self.processed_bytes += len(line)
            try:
                self.table.put_item(item_attrs=json.loads(line)["Item"])
                self.imported_count += 1
            except Exception as e:  # noqa: BLE001 - recorded as the import's error, as moto does
                self.failure_message = str(e)
                self.error_count += 1
    self.status = "COMPLETED" if self.error_count == 0 else "FAILED"


def patch_table_import() -> None:
    import inspect

    from moto.dynamodb.models.table_import import TableImport

    original = TableImport._process_s3_files
    if "JsonParser" in inspect.getsource(original) and "warm_throughput" in inspect.getsource(original):
        TableImport._process_s3_files = faithful_import_files


def patch_transaction_backup() -> None:
    import copy as real_copy
    import inspect
    from collections import defaultdict

    import moto.dynamodb.models as models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    original = models.DynamoDBBackend.transact_write_items
    source = inspect.getsource(original)
    if "copy.deepcopy(" not in source or "original_table_state" not in source:
        return  # not the moto 5 code this replaces
    current: dict = {"items": None}

    def table_backup(table: Table) -> Table:
        backup = real_copy.copy(table)
        items = defaultdict(dict)
        for hash_value, value in table.items.items():
            items[hash_value] = dict(value) if table.range_key_attr else value
        backup.items = items
        # Updates change the stored item object in place: those items get a real copy.
        for op in current["items"] or []:
            kind, body = next(iter(op.items()))
            if kind != "Update" or body.get("TableName") != table.name:
                continue
            key = body["Key"]
            hash_value = DynamoType(key[table.hash_key_attr])
            if table.range_key_attr:
                range_value = DynamoType(key[table.range_key_attr])
                if range_value in table.items.get(hash_value, {}):
                    items[hash_value][range_value] = real_copy.deepcopy(table.items[hash_value][range_value])
            elif hash_value in table.items:
                items[hash_value] = real_copy.deepcopy(table.items[hash_value])
        return backup

    class CopyForTransactions:
        """Stands in for the `copy` module inside moto.dynamodb.models."""

        def __getattr__(self, name):
            return getattr(real_copy, name)

        @staticmethod
        def deepcopy(value, memo=None):
            if isinstance(value, Table) and current["items"] is not None:
                return table_backup(value)
            return real_copy.deepcopy(value, memo)

    models.copy = CopyForTransactions()

    def transact_write_items(self, transact_items):
        current["items"] = transact_items
        try:
            return original(self, transact_items)
        finally:
            current["items"] = None

    models.DynamoDBBackend.transact_write_items = transact_write_items


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    patch_table_import()
    patch_transaction_backup()
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
