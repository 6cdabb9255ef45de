"""The README's example runs as written (the README must stay true)."""

from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_example_runs():
    text = README.read_text(encoding="utf-8")
    start = text.index("```python") + len("```python")
    code = text[start : text.index("```", start)]
    exec(compile(code, "README.md", "exec"), {})
