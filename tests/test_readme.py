"""The README's examples run as written (the README must stay true)."""

from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_examples_run():
    text = README.read_text(encoding="utf-8")
    blocks = [part.split("```", 1)[0] for part in text.split("```python")[1:]]
    assert len(blocks) >= 2
    namespace: dict = {}
    for code in blocks:  # in order, one namespace, as a reader would type them
        exec(compile(code, "README.md", "exec"), namespace)
