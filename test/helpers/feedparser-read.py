"""Reads a feed from stdin with Python feedparser and prints what a feed reader would see, as JSON.

Used by test/helpers/feed-validators.ts: the tests check Tributary's output with a real, independent consumer.
"""
import json
import sys

import feedparser


def detail(value):
    return None if value is None else {"type": value.get("type"), "value": value.get("value")}


def main():
    data = sys.stdin.buffer.read()
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    feed = parsed.get("feed", {})
    out = {
        "bozo": bool(parsed.get("bozo")),
        "bozo_exception": str(parsed.get("bozo_exception")) if parsed.get("bozo") else None,
        "version": parsed.get("version"),
        "feed": {
            "title": feed.get("title"),
            "links": [{"rel": l.get("rel"), "href": l.get("href"), "type": l.get("type")} for l in feed.get("links", [])],
        },
        "entries": [
            {
                "id": e.get("id"),
                "title": e.get("title"),
                "title_detail": detail(e.get("title_detail")),
                "summary_detail": detail(e.get("summary_detail")),
                "content": [detail(c) for c in e.get("content", [])],
                "published": e.get("published"),
                "updated": e.get("updated"),
                "link": e.get("link"),
                "links": [{"rel": l.get("rel"), "href": l.get("href"), "type": l.get("type")} for l in e.get("links", [])],
                "author": e.get("author"),
                "authors": [{"name": a.get("name"), "email": a.get("email")} for a in e.get("authors", [])],
                "tags": [t.get("term") for t in e.get("tags", [])],
                "enclosures": [{"href": n.get("href"), "type": n.get("type"), "length": n.get("length")} for n in e.get("enclosures", [])],
                "source": {"title": e.get("source", {}).get("title"), "href": e.get("source", {}).get("href"),
                           "links": [l.get("href") for l in e.get("source", {}).get("links", [])]},
            }
            for e in parsed.get("entries", [])
        ],
    }
    json.dump(out, sys.stdout)


main()
