"""The conformance tour with the OASIS TAXII 2.1 client (taxii2-client), as a user of it would write it.

Usage: oasis_taxii2_client_tour.py DISCOVERY_URL USER PASSWORD ENVELOPE_JSON_FILE
Prints one JSON object with what the client saw, and the warnings it logged; exits non-zero on any error.
"""

import json
import logging
import sys

from taxii2client.v21 import Server, as_pages


class Warnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.seen = []

    def emit(self, record):
        self.seen.append(record.getMessage())


def main():
    url, user, password, envelope_path = sys.argv[1:5]
    warnings = Warnings()
    logging.getLogger("taxii2client").addHandler(warnings)
    with open(envelope_path, encoding="utf-8") as f:
        envelope = json.load(f)

    server = Server(url, user=user, password=password)
    api_root = server.api_roots[0]
    collection = api_root.collections[0]
    status = collection.add_objects(json.dumps(envelope))

    pages = [page.get("objects", []) for page in as_pages(collection.get_objects, per_request=10)]
    typed = [o for page in as_pages(collection.get_objects, per_request=5, type="report") for o in page.get("objects", [])]
    manifest = [r for page in as_pages(collection.get_manifest, per_request=7) for r in page.get("objects", [])]

    polled = []
    added_after = None
    while True:
        kwargs = {"limit": 4}
        if added_after:
            kwargs["added_after"] = added_after
        response = collection.get_objects(**kwargs)
        objects = response.get("objects", [])
        if not objects:
            break
        polled.extend(objects)
        added_after = last_added(collection, kwargs)

    first = envelope["objects"][-1]["id"]
    one = collection.get_object(first)
    versions = collection.object_versions(first)

    print(json.dumps({
        "title": server.title,
        "api_root_title": api_root.title,
        "max_content_length": api_root.max_content_length,
        "collection": collection.id,
        "status": {"status": status.status, "total": status.total_count, "success": status.success_count,
                   "failure": status.failure_count},
        "page_sizes": [len(p) for p in pages],
        "objects": [o["id"] for p in pages for o in p],
        "typed": sorted({o["type"] for o in typed}),
        "typed_count": len(typed),
        "manifest": [r["id"] for r in manifest],
        "polled": [o["id"] for o in polled],
        "one": [o["id"] for o in one.get("objects", [])],
        "versions": versions.get("versions", []),
        "warnings": warnings.seen,
    }))


def last_added(collection, kwargs):
    """The X-TAXII-Date-Added-Last of the page `kwargs` asks for (the client returns bodies only)."""
    response = collection._conn.session.get(
        collection.objects_url,
        headers={"Accept": "application/taxii+json;version=2.1"},
        params=kwargs,
    )
    response.raise_for_status()
    return response.headers.get("X-TAXII-Date-Added-Last")


if __name__ == "__main__":
    main()
