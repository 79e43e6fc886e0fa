"""``lightbox``: the editor, and the same plugins headless on the command line.

    lightbox [FILE...]                         open the editor
    lightbox plugins                           list plugins, their params and devices
    lightbox run PLUGIN INPUT... -o OUTDIR [-p key=value]... [--device auto|cpu|cuda|mps]
    lightbox train PLUGIN DATA_DIR -o MODEL.pt [-p key=value]... [--device ...] [--scan-only]
    lightbox models                            list trained models
    lightbox check INPUT... --profile NAME [--json R] [--html H] [--csv S] [--fix -o OUTDIR]
    lightbox labels convert|stats ...          box label files (see editor.cli_labels)

Exit codes: 0 every input succeeded, 1 some input failed, 2 the command itself was wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from editor import cli_check, cli_labels, cli_train
from editor.cli_common import UsageError, gather_images, prepare_outdir
from editor.model.atomic import OutputError
from editor.model.imageio import ImageFileError, load_image
from editor.tasks.api import Request
from editor.tasks.device import DEVICES, available_devices
from editor.tasks.jobs import Job, JobState
from editor.tasks.manifest import ParamError, ParamSpec
from editor.tasks.outputs import planned_paths, write_result
from editor.tasks.registry import PluginInfo, Registry
from editor.training.run import training_params

SUBCOMMANDS = ("plugins", "run", "train", "models", "labels", "check")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lightbox", description="Lightbox: a studio for e-commerce product photos."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("plugins", help="list installed plugins, their parameters and devices")
    run = sub.add_parser("run", help="run a plugin on images or folders")
    run.add_argument("plugin", help="plugin id (see `lightbox plugins`)")
    run.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="images or folders")
    run.add_argument("-o", "--output", required=True, type=Path, metavar="OUTDIR")
    run.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE")
    run.add_argument("--device", choices=DEVICES, default="auto")
    cli_train.add_parsers(sub)
    cli_labels.add_parsers(sub)
    cli_check.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (args[0] not in SUBCOMMANDS and _looks_like_a_file(args[0])):
        from editor.qt.app import run_gui  # Qt only when the editor is wanted

        return run_gui(args)
    ns = build_parser().parse_args(args)
    try:
        if ns.command == "plugins":
            return cmd_plugins(Registry.discover(), sys.stdout)
        if ns.command == "train":
            return cli_train.cmd_train(Registry.discover(), ns, sys.stdout, sys.stderr)
        if ns.command == "models":
            return cli_train.cmd_models(sys.stdout)
        if ns.command == "check":
            return cli_check.cmd_check(ns, sys.stdout, sys.stderr)
        if ns.command == "labels":
            return cli_labels.cmd_labels(ns, sys.stdout, sys.stderr)
        return cmd_run(
            Registry.discover(), ns.plugin, ns.inputs, ns.output, ns.param, ns.device,
            out=sys.stdout, err=sys.stderr,
        )
    except UsageError as exc:
        print(f"lightbox: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("lightbox: interrupted", file=sys.stderr)
        return 130


def _looks_like_a_file(arg: str) -> bool:
    """A file to open in the editor, rather than a mistyped command (which gets usage help)."""
    return not arg.startswith("-") and (Path(arg).exists() or bool(Path(arg).suffix))


def cmd_plugins(registry: Registry, out: TextIO) -> int:
    print(f"devices: {', '.join(available_devices())}", file=out)
    for plugin in registry.plugins:
        if plugin.broken:
            print(f"\n{plugin.id}  BROKEN: {plugin.error}", file=out)
            continue
        m = plugin.manifest
        assert m is not None
        print(f"\n{m.id}  {m.name} {m.version}", file=out)
        if m.description:
            print(f"  {m.description}", file=out)
        for p in m.params:
            print(f"  -p {_describe_param(p)}", file=out)
        if m.training is not None:
            print(f"  trainable on {m.training.dataset} folders: "
                  f"lightbox train {m.id} DATA_DIR -o MODEL.pt", file=out)
            for p in training_params(m):
                print(f"    -p {_describe_param(p)}", file=out)
    return 0


def _describe_param(p: ParamSpec) -> str:
    limits = ""
    if p.choices:
        limits = f" one of {'|'.join(p.choices)}"
    elif p.min is not None or p.max is not None:
        limits = f" in [{_fmt(p.min)}, {_fmt(p.max)}]"
    default = "unset" if p.default is None else p.default
    return f"{p.name}=<{p.type}>{limits}  (default {default})  {p.help}"


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def cmd_run(
    registry: Registry, plugin_id: str, inputs: list[Path], outdir: Path, pairs: list[str],
    device: str, *, out: TextIO, err: TextIO,
) -> int:
    plugin = _plugin(registry, plugin_id)
    assert plugin.manifest is not None
    try:
        params = plugin.manifest.parse_cli(pairs)
    except ParamError as exc:
        raise UsageError(f"{plugin_id}: {exc}") from None
    prepare_outdir(outdir)
    files, failures = gather_images(inputs, err)

    # no output may land on any input, not just the one being processed
    inputs = {f.resolve() for f in files}
    progress = _Progress(err, len(files))
    claimed: dict[Path, Path] = {}
    done = 0
    for index, path in enumerate(files, 1):
        progress.start(index, path)
        ok = _run_one(plugin, path, params, device, outdir, claimed, inputs, progress, err)
        progress.end()
        if ok:
            done += 1
            print(f"{path}: ok", file=out)
        else:
            failures += 1
    print(f"{done} succeeded, {failures} failed", file=out)
    return 0 if failures == 0 and done > 0 else 1


def _plugin(registry: Registry, plugin_id: str) -> PluginInfo:
    try:
        plugin = registry.get(plugin_id)
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None
    if plugin.broken:
        raise UsageError(f"plugin {plugin_id!r} is broken: {plugin.error}")
    return plugin


def _run_one(
    plugin: PluginInfo, path: Path, params: dict, device: str, outdir: Path,
    claimed: dict[Path, Path], inputs: set[Path], progress: _Progress, err: TextIO,
) -> bool:
    try:
        loaded = load_image(path)
    except ImageFileError as exc:
        progress.clear()
        print(f"{exc}", file=err)
        return False
    job = Job(plugin, Request(loaded.pixels, params), device=device)
    job.run(on_update=progress.update)
    progress.clear()
    if job.state is not JobState.DONE:
        reason = job.error or job.state.value
        print(f"{path}: {reason}", file=err)
        return False
    assert job.result is not None
    job.result.report.setdefault("image_size", list(loaded.size))
    targets = planned_paths(job.result, outdir, path.stem)
    clash = next((t for t in targets if t in claimed), None)
    if clash is not None:
        print(f"{path}: its output {clash.name} was already written for {claimed[clash]}; "
              "rename one of the inputs", file=err)
        return False
    try:
        written = write_result(job.result, outdir, path.stem, protect=inputs)
    except (ImageFileError, OutputError, OSError, ValueError) as exc:
        print(f"{path}: cannot write the output ({exc})", file=err)
        return False
    claimed.update(dict.fromkeys(written, path))
    if progress.first_device_note:
        why = f" ({job.device_reason})" if job.device_reason else ""
        print(f"device: {job.device}{why}", file=err)
        progress.first_device_note = False
    return True


class _Progress:
    """A one-line progress bar on a terminal; silent when stderr is not a terminal."""

    def __init__(self, stream: TextIO, total: int) -> None:
        self.stream = stream
        self.total = total
        self.tty = stream.isatty()
        self.label = ""
        self.first_device_note = True

    def start(self, index: int, path: Path) -> None:
        self.label = f"[{index}/{self.total}] {path.name}"

    def update(self, job: Job) -> None:
        if not self.tty:
            return
        filled = int(job.progress * 24)
        eta = f" {job.eta:.0f}s left" if job.eta is not None else ""
        line = f"{self.label} [{'#' * filled}{'.' * (24 - filled)}] {job.progress:4.0%}{eta}"
        self.stream.write("\r" + line[:100].ljust(100))
        self.stream.flush()

    def clear(self) -> None:
        if self.tty:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()

    def end(self) -> None:
        self.clear()


if __name__ == "__main__":
    sys.exit(main())
