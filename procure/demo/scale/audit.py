"""The copies' audit entries, sealed into the hash chain as procure.audit.chain seals an entry: each carries the
SHA-256 of its canonical JSON and of the entry before it. The parts of that JSON a copy keeps (action, comment,
data, states) are made once per demo entry; only the id, time, people and links change per copy."""
import hashlib
import json
from datetime import timezone

from procure.audit import chain
from procure.demo.scale.bulk import parse_time


def kept_parts(entry: dict) -> tuple:
    """The JSON of the fields a copy keeps, in canonical order (chain.canonical sorts keys)."""
    def dumped(value):
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    data = json.loads(entry["data"]) if isinstance(entry["data"], str) else entry["data"]
    head = f'{{"action":{dumped(entry["action"])},"at":"'
    middle = (f'","comment":{dumped(entry["comment"] or "")},"data":{dumped({} if data is None else data)},'
              f'"from_state":{dumped(entry["from_state"])},"id":')
    tail = f',"to_state":{dumped(entry["to_state"])},"user_id":'
    return head, middle, tail


class Seal:
    """Continues the audit chain from its head: each new entry links to the one before (chain.digest's hash)."""

    def __init__(self, last_hash: str, columns: list[str]):
        self.last_hash = last_hash
        self.at = {name: columns.index(name) for name in ("id", "at", "organisation_id", "prev_hash", "project_id",
                                                          "user_id", "hash")}
        self.checked = False

    def seal(self, rows: list[tuple], parts: list[tuple]) -> list[tuple]:
        at = self.at
        sealed = []
        for row, (head, middle, tail) in zip(rows, parts):
            row = list(row)
            canonical = (f'{head}{row[at["at"]].replace(" ", "T")}Z{middle}{row[at["id"]]},"organisation_id":'
                         f'{_json_int(row[at["organisation_id"]])},"prev_hash":"{self.last_hash}","project_id":'
                         f'{_json_int(row[at["project_id"]])}{tail}{_json_int(row[at["user_id"]])}}}')
            row[at["prev_hash"]] = self.last_hash
            row[at["hash"]] = self.last_hash = hashlib.sha256(canonical.encode()).hexdigest()
            sealed.append(tuple(row))
        return sealed

    def check(self, row: tuple, columns: list[str]):
        """The first sealed row, hashed again by procure.audit.chain itself: the two must agree."""
        fields = dict(zip(columns, row))
        fields["at"] = parse_time(fields["at"]).replace(tzinfo=timezone.utc)
        fields["data"] = json.loads(fields["data"]) if isinstance(fields["data"], str) else fields["data"]
        fields["comment"] = fields["comment"] or ""
        if hashlib.sha256(chain.canonical({name: fields[name] for name in chain.FIELDS})).hexdigest() != \
                fields["hash"]:
            raise RuntimeError("scale: the audit hash made here differs from procure.audit.chain's")
        self.checked = True


def _json_int(value) -> str:
    return "null" if value is None else str(int(value))
