"""The map's popup and the dashboard's panel say the same thing, because both render one
content model (`geodata.details.Details`) through the templates of `layers/templates/`.

The popups are read back from the exported page (what a reader clicks), the panel from the
HTML the dashboard shows, and both are parsed, not searched for substrings: each fact's
label, sentence, "status checked on" date, note and cited sources must agree.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from html.parser import HTMLParser

import pytest
from test_layers import configs

from geodata.details import Details, details
from geodata.loader import default_record
from geodata.model import Record, Source
from geodata.snapshot import as_of
from geodata.worldviews import Worldview
from layers.map import build_map
from layers.popups import panel_html

DAY = date(2015, 1, 23)


@dataclasses.dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = dataclasses.field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def elements(self, tag: str | None = None) -> list[Node]:
        """The child elements (not deeper), of `tag` if given."""
        return [c for c in self.children if isinstance(c, Node) and tag in (None, c.tag)]

    def find_all(self, tag: str) -> list[Node]:
        found = []
        for child in self.elements():
            found += [child] * (child.tag == tag) + child.find_all(tag)
        return found

    def first(self, tag: str) -> Node | None:
        return next(iter(self.find_all(tag)), None)


class _Tree(HTMLParser):
    """A minimal DOM of an HTML fragment, enough to read facts back."""

    VOID = {"br", "img", "hr", "meta", "input"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        while len(self.stack) > 1:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(fragment: str) -> Node:
    tree = _Tree()
    tree.feed(fragment)
    tree.close()
    return tree.root


def read_fact(li: Node) -> dict[str, object]:
    """A fact as a reader sees it: what, the sentence, when checked, parts, note, sources."""
    said = next((s for s in li.elements("span") if s.attrs.get("class") == "geomap-said"), None)
    checked = next(
        (s for s in li.elements("span") if s.attrs.get("class") == "geomap-checked"), None
    )
    parts = li.elements("ul")
    cited = li.elements("details")
    note = cited[0].first("div") if cited else None
    return {
        "label": li.elements("b")[0].text(),
        "said": said.text() if said else "",
        "checked": checked.text() if checked else "",
        "parts": [read_fact(p) for p in parts[0].elements("li")] if parts else [],
        "note": note.text() if note and note.attrs.get("class") == "note" else "",
        "sources": read_sources(cited[0]) if cited else [],
    }


def read_sources(node: Node) -> list[tuple[str, str | None]]:
    """(title as shown, link) of each cited source under `node`."""
    box = next((d for d in node.find_all("div") if d.attrs.get("class") == "geomap-sources"), None)
    if box is None:
        return []
    items = box.find_all("li")
    return [(li.text(), a.attrs["href"] if (a := li.first("a")) else None) for li in items]


def read_sections(html: str) -> dict[str, list[dict[str, object]]]:
    """Section key -> its facts, in order."""
    return {
        s.attrs["data-section"]: [
            read_fact(li) for li in (s.elements("ul") or [Node("", {})])[0].elements("li")
        ]
        for s in parse(html).find_all("section")
    }


def own_sources(html: str) -> list[tuple[str, str | None]]:
    """The sources cited for the item itself (the last list, outside every fact)."""
    (frame,) = parse(html).elements("div")
    boxes = [d for d in frame.elements("div") if d.attrs.get("class") == "geomap-sources"]
    return read_sources(Node("", {}, list(boxes)))


def summary(html: str) -> str:
    found = [p for p in parse(html).find_all("p") if p.attrs.get("class") == "geomap-summary"]
    assert len(found) == 1
    return found[0].text()


def map_popups(record: Record, worldview: str) -> dict[str, str]:
    """Every popup of the exported page of the day, by the clicked item's id."""
    page = build_map(as_of(DAY, worldview, record)).get_root().render()
    popups: dict[str, str] = {}
    for config in configs(page):
        popups.update(config.get("popups") or {})
        popups.update({i["id"]: i["popup"] for i in config.get("items", []) if i.get("popup")})
    return popups


@pytest.mark.parametrize("worldview", [w.value for w in Worldview])
def test_the_popup_and_the_panel_of_abkhazia_state_the_same_facts(worldview: str) -> None:
    record = default_record()
    panel: Details | None = details(as_of(DAY, worldview, record), "ABK")
    assert panel is not None
    popup_html, shown = map_popups(record, worldview)["ABK"], panel_html(panel)
    popup, dashboard = read_sections(popup_html), read_sections(shown)

    assert summary(popup_html) == summary(shown) == panel.summary
    drawn_apart = worldview == Worldview.DE_JURE
    assert ("drawn as part of Georgia" in panel.summary) is drawn_apart
    # The popup has every section about the day that has facts, the panel every section.
    assert list(popup) == [s.key for s in panel.sections if s.in_popup and s.facts]
    assert list(dashboard) == [s.key for s in panel.sections]
    for key, facts in popup.items():
        assert facts == dashboard[key], key
    # ... and both say what the model says, sentence for sentence.
    recognisers = popup["recognised-un"]
    model = panel.section("recognised-un").facts
    assert [f["label"] for f in recognisers] == [f.label for f in model]
    assert [f["said"] for f in recognisers] == [f.text for f in model]
    russia = next(f for f in recognisers if f["label"] == "Russia")
    assert russia["said"] == "since 2008-08-26"
    assert russia["sources"] and all(
        href and href.startswith("http") for _, href in russia["sources"]
    )
    assert {s.url for s in model[0].sources} == {href for _, href in recognisers[0]["sources"]}
    treaties = popup["treaties"]
    assert any(f["said"].startswith("in ratification: Russia: State Duma so far") for f in treaties)
    # The item's own sources close both.
    expected = [(s.title, s.url) for s in panel.sources]
    assert own_sources(popup_html) == own_sources(shown) == expected


HOSTILE = "<script>window.__xss=1</script><img src=x onerror=alert(1)>"


def hostile_record() -> Record:
    """The real record with hostile text in a name, a note and a source, and a source at a
    `javascript:` address (the loader would refuse it; the views must not rely on that)."""
    record = default_record()
    abk = dataclasses.replace(record.entities["ABK"], name="Abkhazia" + HOSTILE)
    recognitions = tuple(
        dataclasses.replace(
            r,
            note=(r.note or "") + HOSTILE,
            sources=(
                *r.sources,
                Source("hostile" + HOSTILE, url="javascript:alert(1)"),
                Source("hostile data", url="data:text/html,<script>alert(1)</script>"),
            ),
        )
        if r.id == "rus-abk"
        else r
        for r in record.recognitions
    )
    return dataclasses.replace(
        record, entities={**record.entities, "ABK": abk}, recognitions=recognitions
    )


@pytest.mark.parametrize("worldview", [w.value for w in Worldview])
def test_hostile_text_is_shown_as_text_in_the_popup_and_the_panel(worldview: str) -> None:
    record = hostile_record()
    assert any(r.id == "rus-abk" for r in record.recognitions)
    panel = details(as_of(DAY, worldview, record), "ABK")
    assert panel is not None
    popups = map_popups(record, worldview)
    for html in (popups["ABK"], panel_html(panel), popups["RUS"]):
        assert "<script" not in html and "<img" not in html
        assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
        hrefs = re.findall(r'href="([^"]*)"', html)
        assert hrefs and all(re.match(r"https?://", h) for h in hrefs), hrefs
        sources = [s for li in parse(html).find_all("li") for s in read_sources(li)]
        hostile = [s for s in sources if s[0].startswith("hostile")]
        assert hostile and all(href is None for _, href in hostile)  # named, never linked
        assert any("unlinked address: javascript:alert(1)" in title for title, _ in hostile)
