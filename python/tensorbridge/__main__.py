"""``python -m tensorbridge``: the tour and the benchmark, the README's two demos.

Only argument parsing lives here; ``_tour`` and ``_bench`` hold the logic and are
imported on demand so ``--help`` stays instant.
"""

from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    """The command line: one subcommand per demo."""
    parser = argparse.ArgumentParser(
        prog="python -m tensorbridge", description="tensorbridge demos: the tour and the bench."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    tour = commands.add_parser("tour", help="who shares memory with whom, measured live")
    tour.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    bench = commands.add_parser("bench", help="tensorbridge vs NumPy vs PyTorch timings")
    bench.add_argument("--quick", action="store_true", help="small sizes, 1 repeat (smoke run)")
    bench.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    bench.add_argument("--cuda", action="store_true", help="benchmark host<->GPU copies")
    bench.add_argument(
        "--threads", type=int, default=None, help="torch.set_num_threads (default: all cores)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the chosen demo and return its exit status."""
    args = _parser().parse_args(argv)
    if args.command == "tour":
        from ._tour import main as tour

        return tour(markdown=args.markdown)
    from ._bench import main as bench

    return bench(quick=args.quick, markdown=args.markdown, cuda=args.cuda, threads=args.threads)


if __name__ == "__main__":
    sys.exit(main())
