"""The ``jokkgeo`` click group and the entry point that turns errors into exit codes.

Exit status: 0 success, 2 user error (bad input, config, existing output: one
message, no traceback), 1 internal error (a bug: short message; ``-v`` shows the traceback).
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import sys
import traceback

import click

from jokkgeo import __version__
from jokkgeo.cli.options import set_verbosity
from jokkgeo.errors import JokkgeoError

# command name -> module defining ``command`` (a click.Command or Group)
COMMANDS: dict[str, str] = {
    "layers": "jokkgeo.cli.layers",
    "inspect": "jokkgeo.cli.inspect",
    "catchments": "jokkgeo.cli.catchments",
    "conflicts": "jokkgeo.cli.conflicts",
    "influence": "jokkgeo.cli.influence",
    "report": "jokkgeo.cli.report",
    "compare": "jokkgeo.cli.compare",
    "growth": "jokkgeo.cli.growth",
    "services": "jokkgeo.cli.services",
    "init": "jokkgeo.cli.init",
}


class LazyGroup(click.Group):
    """Imports a command's module only when that command runs (keeps ``--help`` fast)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The names of the commands whose modules are installed, sorted.

        Parameters
        ----------
        ctx
            The click context.
        """
        return sorted(name for name, mod in COMMANDS.items() if importlib.util.find_spec(mod) is not None)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command ``cmd_name``, imported on first use; ``None`` when unknown.

        Parameters
        ----------
        ctx
            The click context.
        cmd_name
            Name typed on the command line.
        """
        module_name = COMMANDS.get(cmd_name)
        if module_name is None or importlib.util.find_spec(module_name) is None:
            return None
        return importlib.import_module(module_name).command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """Resolve the command of ``args``; an unknown name fails with "did you mean" suggestions.

        Parameters
        ----------
        ctx
            The click context.
        args
            Remaining command-line arguments, the command name first.
        """
        name = click.utils.make_str(args[0]) if args else None
        if name is not None and not name.startswith("-") and self.get_command(ctx, name) is None:
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=3, cutoff=0.5)
            hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            ctx.fail(f"No such command '{name}'.{hint} Commands: {', '.join(self.list_commands(ctx))}")
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; a :class:`~jokkgeo.errors.JokkgeoError` prints ``Error: …`` and exits 2.

        Parameters
        ----------
        ctx
            The click context.
        """
        try:
            return super().invoke(ctx)
        except JokkgeoError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(2)


@click.group(cls=LazyGroup)
@click.version_option(__version__, prog_name="jokkgeo")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """jokkgeo — spatial site analysis for Jokkmokk municipality (SWEREF 99 TM)."""
    obj = ctx.ensure_object(dict)
    obj["verbose"] = verbose
    obj["quiet"] = quiet
    set_verbosity(verbose, quiet)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; user errors exit 2 (handled in the group), internal errors exit 1.

    Parameters
    ----------
    argv
        Command-line arguments (default: ``sys.argv[1:]``).
    """
    args = sys.argv[1:] if argv is None else argv
    try:
        cli.main(args=args, prog_name="jokkgeo")
    except Exception as exc:  # noqa: BLE001 - last line of defence: a bug, not a user error
        if any(a in ("-v", "-vv", "--verbose") for a in args):
            traceback.print_exc()
        click.echo(f"Internal error: {type(exc).__name__}: {exc} (rerun with -v for the traceback)", err=True)
        sys.exit(1)
