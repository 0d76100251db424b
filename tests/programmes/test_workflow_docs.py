"""docs/programmes.md shows the workflow the code runs."""

from pathlib import Path

from innocluster.programmes.workflows import diagram

DOC = Path(__file__).resolve().parents[2] / "docs" / "programmes.md"


def test_the_documented_diagram_is_the_tables():
    text = DOC.read_text(encoding="utf-8")
    documented = text.split("```mermaid\n", 1)[1].split("\n```", 1)[0]
    assert documented == diagram(), "regenerate the diagram in docs/programmes.md"
