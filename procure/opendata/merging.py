"""The OCDS 1.1 merge (standard.open-contracting.org, "Merging"): a process's releases compiled into one release.

The rules are those of the OCDS 1.1.5 release schema, written out here so that compiling needs neither the
schema nor the network; tests/opendata derive them from the official schema and check that this merge gives
what the reference implementation (ocdsmerge) gives on the demo.
- Objects are merged key by key; a later value replaces an earlier one; `null` removes a field.
- An array of objects is merged by `id`: an object whose `id` was seen before is merged into it, a new `id`
  is added at the end (an object without `id` is always added). Nothing is ever dropped from such an array.
- Any other array (of strings, or marked wholeListMerge in the schema) is replaced as a whole.
- Empty objects and arrays change nothing; `id`, `date` and `tag` of a release are not merged
  (omitWhenMerged): the compiled release has its own.
"""
import copy

# Fields of the release schema whose array is replaced as a whole, even where its objects have an `id`
# (wholeListMerge), and those left out of a merge (omitWhenMerged). Paths without array positions.
WHOLE_LIST_MERGE = frozenset(tuple(path.split(".")) for path in (
    "awards.amendment.changes", "awards.amendments.changes", "awards.items.additionalClassifications",
    "awards.suppliers.additionalIdentifiers", "buyer.additionalIdentifiers",
    "contracts.amendment.changes", "contracts.amendments.changes",
    "contracts.implementation.transactions.payee.additionalIdentifiers",
    "contracts.implementation.transactions.payer.additionalIdentifiers",
    "contracts.items.additionalClassifications", "contracts.relatedProcesses.relationship",
    "parties.additionalIdentifiers", "parties.roles", "relatedProcesses.relationship",
    "tender.additionalProcurementCategories", "tender.amendment.changes", "tender.amendments.changes",
    "tender.items.additionalClassifications", "tender.procuringEntity.additionalIdentifiers",
    "tender.submissionMethod", "tender.tenderers.additionalIdentifiers",
))
OMIT_WHEN_MERGED = frozenset({("id",), ("date",), ("tag",)})


def compiled_release(releases: list[dict]) -> dict:
    """The compiled release of one process's releases, given oldest first (the feed's order: by date, then as
    written). Its id is the ocid and the date of the latest release, as the reference implementation writes it."""
    latest = releases[-1]
    merged = {"ocid": latest["ocid"], "id": f"{latest['ocid']}-{latest['date']}", "date": latest["date"],
              "tag": ["compiled"]}
    for release in releases:
        _merge_object(merged, release, ())
    return merged


def _replaced_whole(path: tuple, value) -> bool:
    return (path in WHOLE_LIST_MERGE or not isinstance(value, (dict, list))
            or (isinstance(value, list) and any(not isinstance(item, dict) for item in value)))


def _merge_object(target: dict, source: dict, path: tuple) -> bool:
    """Merge `source` into `target`; whether it held any value at all (a field, even null, at any depth): an
    object or array that holds none is not created."""
    wrote = False
    for key, value in source.items():
        field = (*path, key)
        if field in OMIT_WHEN_MERGED:
            continue
        if _replaced_whole(field, value):
            if value is None:
                target.pop(key, None)
            else:
                target[key] = copy.deepcopy(value)
            wrote = True
        elif isinstance(value, dict):
            child = target[key] if isinstance(target.get(key), dict) else {}
            if _merge_object(child, value, field):
                target[key], wrote = child, True
        else:
            items = target[key] if isinstance(target.get(key), list) else []
            if _merge_array(items, value, field):
                target[key], wrote = items, True
    return wrote


def _merge_array(target: list, source: list, path: tuple) -> bool:
    """Objects merged by `id` (our ids are all strings); an object without `id` is a new one."""
    by_id = {item["id"]: item for item in target if isinstance(item, dict) and "id" in item}
    wrote = False
    for value in source:
        fields = {key: field for key, field in value.items() if key != "id"}
        if "id" not in value:
            item = {}
            if _merge_object(item, fields, path):
                target.append(item)
                wrote = True
            continue
        item = by_id.get(value["id"])
        if item is None:
            item = by_id[value["id"]] = {"id": value["id"]}
            target.append(item)
        _merge_object(item, fields, path)
        wrote = True
    return wrote
