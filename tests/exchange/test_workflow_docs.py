"""docs/exchange.md shows the workflows the code runs."""

from pathlib import Path

from innocluster.exchange.workflows import CHALLENGE_TRANSITIONS, SOLUTION_TRANSITIONS, diagram

DOC = Path(__file__).resolve().parents[2] / "docs" / "exchange.md"


def test_the_documented_diagrams_are_the_tables():
    blocks = [
        block.split("\n```", 1)[0]
        for block in DOC.read_text(encoding="utf-8").split("```mermaid\n")[1:]
    ]
    assert blocks == [diagram(CHALLENGE_TRANSITIONS), diagram(SOLUTION_TRANSITIONS)], (
        "regenerate the diagrams in docs/exchange.md"
    )
