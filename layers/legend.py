"""Title and legend, generated from the style table (there is no hand-kept copy).

The title says what the map shows, on which day, in which worldview, and the worldview's
convention sentence, because a map of a contested border must state whose view it draws.
The legend folds away behind a button (`aria-expanded`, operable by keyboard and touch), so
on a phone it takes no room until asked for; each layer's section is marked so it can follow
the layer. On paper (`@media print`) it is always open and the map's controls are gone.
"""

from __future__ import annotations

from collections.abc import Sequence

from geodata.boundaries import BOUNDARY_CAVEAT
from geodata.snapshot import Snapshot
from layers.popups import text
from layers.style import LEGEND_SECTIONS, Category, Section

__all__ = [
    "ATTRIBUTION",
    "LEGEND_CSS",
    "legend_html",
    "legend_sections",
    "title_html",
    "title_parts",
]

ATTRIBUTION = (
    "Boundaries: Natural Earth (public domain). "
    + BOUNDARY_CAVEAT
    + " Facts: geomap record, sources in each popup."
)

LEGEND_CSS = """
.geomap-title { position: absolute; top: 10px; left: 50%; transform: translateX(-50%);
  z-index: 800; width: max-content; max-width: calc(100% - 130px); box-sizing: border-box;
  padding: 4px 10px; text-align: center; pointer-events: none;
  background: rgba(255,255,255,.92); border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,.3);
  font: 13px/1.35 system-ui, sans-serif; }
.geomap-title small { display: block; font-size: 11px; color: #333; }
.geomap-legend { max-width: 270px; padding: 4px 8px;
  background: rgba(255,255,255,.94); border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,.3);
  font: 11px/1.25 system-ui, sans-serif; }
.geomap-legend-toggle { display: block; margin: 0; padding: 4px 2px; min-height: 28px;
  border: 0; background: none; color: inherit; cursor: pointer;
  font: 600 12px system-ui, sans-serif; }
.geomap-legend-toggle::before { content: "▸ " / ""; }
.geomap-legend-toggle[aria-expanded="true"]::before { content: "▾ " / ""; }
.geomap-legend-toggle:focus-visible { outline: 2px solid #0072B2; outline-offset: 2px; }
.geomap-legend-body { overflow-y: auto; }
.geomap-legend-body[hidden] { display: none; }
.geomap-legend h4 { margin: 5px 0 1px; font-size: 11px; }
.geomap-legend ul { list-style: none; margin: 0; padding: 0; }
.geomap-legend li { display: flex; align-items: center; gap: 6px; margin: 0; }
.geomap-legend svg { flex: none; }
.geomap-legend p { margin: 4px 0 0; color: #444; font-size: 10px; }
.geomap-popup h4 { margin: 0 0 4px; font-size: 14px; }
.geomap-popup h5 { margin: 8px 0 2px; font-size: 13px; }
.geomap-popup .geomap-summary { margin: 0; color: #444; }
.geomap-popup section + section { border-top: 1px solid #ddd; margin-top: 6px; }
.geomap-popup ul { margin: 0; padding-left: 16px; }
.geomap-popup .note, .geomap-popup .geomap-checked { color: #555; }
.geomap-popup details summary { cursor: pointer; color: #555; }
@media (max-width: 480px) {
  .geomap-title { max-width: calc(100% - 110px); padding: 3px 6px; font-size: 12px; }
  .geomap-title small { font-size: 10px; }
  .geomap-legend { max-width: calc(100vw - 40px); }
}
"""


def legend_sections(layers: Sequence[str]) -> list[Section]:
    """The style table's sections for the layers on the map, in the table's order."""
    return [s for s in LEGEND_SECTIONS if s.layer in layers]


def _swatch(category: Category) -> str:
    """A 28x14 SVG drawing the category the way the map does."""
    color, stripe = text(category.color), text(category.stripe or "")
    if category.kind == "fill":
        shape = f'<rect x="1" y="1" width="26" height="12" fill="{color}" stroke="#999"/>'
    elif category.kind == "hatch":
        stripes = "".join(
            f'<line x1="{x}" y1="14" x2="{x + 14}" y2="0" stroke="{stripe}" stroke-width="2.5"/>'
            for x in range(-12, 28, 6)
        )
        shape = (
            f'<rect x="1" y="1" width="26" height="12" fill="{color}"/>'
            f"{stripes}"
            '<rect x="1" y="1" width="26" height="12" fill="none" stroke="#999"/>'
        )
    elif category.kind == "line":
        dash = f' stroke-dasharray="{text(category.dash)}"' if category.dash else ""
        shape = (
            f'<line x1="2" y1="7" x2="26" y2="7" stroke="{color}" '
            f'stroke-width="{category.weight}" stroke-linecap="{text(category.cap)}"{dash}/>'
        )
    elif category.kind == "text":
        shape = (
            f'<text x="14" y="11" text-anchor="middle" font-size="11" fill="{color}" '
            'font-family="DejaVu Sans, sans-serif"><tspan font-weight="bold">A</tspan>'
            '<tspan font-style="italic">a</tspan></text>'
        )
    elif category.shape == "triangle":
        shape = f'<path d="M14 1 L21 13 L7 13 Z" fill="{color}" stroke="#fff"/>'
    else:
        shape = f'<circle cx="14" cy="7" r="5" fill="{color}" stroke="#1a1a1a" stroke-width="2"/>'
    return f'<svg width="28" height="14" viewBox="0 0 28 14" aria-hidden="true">{shape}</svg>'


def legend_html(layers: Sequence[str]) -> str:
    """A panel folded behind its button: every category of the shown layers with its swatch,
    one section per layer (marked with its name), then the attribution line."""
    blocks = []
    for section in legend_sections(layers):
        items = "".join(
            f'<li data-category="{text(c.key)}">{_swatch(c)}{text(c.label)}</li>'
            for c in section.categories
        )
        blocks.append(
            f'<section data-layer="{text(section.layer)}">'
            f"<h4>{text(section.title)}</h4><ul>{items}</ul></section>"
        )
    return (
        '<button type="button" class="geomap-legend-toggle" aria-expanded="false" '
        'aria-controls="geomap-legend-body">Legend</button>'
        '<div class="geomap-legend-body" id="geomap-legend-body" hidden>'
        f"{''.join(blocks)}<p>{text(ATTRIBUTION)}</p></div>"
    )


def title_parts(snapshot: Snapshot) -> tuple[str, str, str, str]:
    """The title's plain text: subject, day, worldview label and convention sentence."""
    subject = " and ".join(snapshot.name(s) for s in snapshot.subject)
    day = f"{snapshot.as_of.day} {snapshot.as_of:%B %Y}"
    view = snapshot.worldview
    return subject, day, view.label, view.convention


def title_html(snapshot: Snapshot) -> str:
    """ "Abkhazia and South Ossetia, 23 January 2015: de facto control" and the convention."""
    subject, day, label, convention = title_parts(snapshot)
    return f"<b>{text(subject)}</b>, {text(day)}: {text(label)}<small>{text(convention)}</small>"
