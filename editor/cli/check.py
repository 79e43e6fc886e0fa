"""``lightbox check``: check photos against a marketplace profile, report, and fix.

    lightbox check INPUT... --profile NAME [--json REPORT] [--html REPORT.html]
                   [--csv SUMMARY.csv] [--fix -o OUTDIR]

One line per file; exit code 0 when every file passed, 1 when any failed a rule, 2 when
an input could not be read or the profile is unknown or broken. Inputs are never
overwritten; every output is written atomically. Report files that cannot be written,
and fixed copies that would replace files this run did not write (without
``--overwrite``), are refused before any photo is checked.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from editor.cli.common import (
    UsageError,
    gather_images,
    prepare_outdir,
    refuse_outdir_inside_inputs,
    refuse_unwritable,
)
from editor.model.atomic import OutputError, atomic_write
from editor.model.imageio import ImageFileError, load_image


def add_parsers(sub: argparse._SubParsersAction) -> None:
    check = sub.add_parser("check", help="check photos against a marketplace's image rules")
    check.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="images or folders")
    check.add_argument("--profile", required=True, metavar="NAME",
                       help="profile name (e.g. amazon-main) or a profile .toml file")
    check.add_argument("--json", type=Path, metavar="REPORT", help="write the JSON report")
    check.add_argument("--html", type=Path, metavar="REPORT.html",
                       help="write an HTML report with thumbnails")
    check.add_argument("--csv", type=Path, metavar="SUMMARY.csv", help="write a CSV summary")
    check.add_argument("--fix", action="store_true",
                       help="write a fixed copy of each failing photo into OUTDIR")
    check.add_argument("--pad-edges", action="store_true",
                       help="with --fix: add white space where a product touches the frame's "
                            "edge (check first that the frame did not cut part of it off)")
    check.add_argument("-o", "--output", type=Path, metavar="OUTDIR",
                       help="folder for the fixed photos (with --fix)")
    check.add_argument("--overwrite", action="store_true",
                       help="with --fix: replace photos already in OUTDIR named like a fixed "
                            "copy (without it the check refuses, naming them)")


def cmd_check(ns: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # the plugin's modules are imported only when the command runs
    from plugins.compliance import report as reports
    from plugins.compliance.checks import check, passed
    from plugins.compliance.facts import read_facts
    from plugins.compliance.profiles import ProfileError, load_profile

    if ns.fix and ns.output is None:
        raise UsageError("--fix needs -o OUTDIR for the fixed photos")
    if ns.pad_edges and not ns.fix:
        raise UsageError("--pad-edges works with --fix")
    try:
        profile = load_profile(ns.profile)
    except ProfileError as exc:
        raise UsageError(str(exc)) from None
    _check_reports(ns)
    if ns.fix:
        refuse_outdir_inside_inputs(ns.output, ns.inputs)
        prepare_outdir(ns.output)
    files, unusable = gather_images(ns.inputs, err)
    if ns.fix and not getattr(ns, "overwrite", False):
        _refuse_replacing(files, ns.output)
    entries, thumbs = [], {}
    written: set[Path] = set()  # fixed copies of this run: two inputs must not share one
    inputs = {f.resolve() for f in files}  # no fixed copy may replace any input of the run
    failed = fixed_count = 0
    for path in files:
        name = str(path)
        try:
            loaded = load_image(path)
            facts = read_facts(path)
        except (ImageFileError, OSError, ValueError) as exc:
            reason = exc.reason if isinstance(exc, ImageFileError) else str(exc)
            print(f"{path}: unreadable: {reason}", file=err)
            entries.append(reports.unreadable_entry(name, reason))
            unusable += 1
            continue
        violations = check(loaded.pixels, facts, profile)
        ok = passed(violations)
        failed += not ok
        entries.append(reports.file_entry(name, violations))
        if ns.html:
            thumbs[name] = reports.thumbnail(loaded.pixels, violations)
        rules = ", ".join(f"{v.rule} ({v.severity})" for v in violations)
        print(f"{path}: {'passed' if ok else 'FAILED'}{': ' + rules if rules else ''}", file=out)
        if ns.fix and not ok:
            fixed_count += _fix_one(path, loaded.pixels, facts, profile, violations, ns.output,
                                    written, out, err, inputs, ns.pad_edges)
    report = reports.build_report(profile.name, entries)
    try:
        if ns.json:
            reports.write_json(ns.json, report)
        if ns.csv:
            reports.write_csv(ns.csv, report)
        if ns.html:
            reports.write_html(ns.html, report, thumbs)
    except (OutputError, OSError) as exc:
        print(f"lightbox: cannot write the report ({exc})", file=err)
        return 2
    summary = f"{sum(e['passed'] for e in entries)} passed, {failed} failed"
    if unusable:
        summary += f", {unusable} unreadable"
    if ns.fix:
        summary += f", {fixed_count} fixed"
        if failed - fixed_count > 0:
            summary += f" ({failed - fixed_count} still fail after --fix)"
    print(summary, file=out)
    if unusable or not files:
        return 2
    return 1 if failed else 0


def _check_reports(ns: argparse.Namespace) -> None:
    """UsageError before any work for a report that could not be written at the end (a
    missing or read-only folder, a folder in its place): the whole check would be lost."""
    for option in ("json", "csv", "html"):
        target: Path | None = getattr(ns, option)
        if target is None:
            continue
        if target.is_dir():
            raise UsageError(f"--{option} {target}: is a folder; give a file name")
        if not target.parent.is_dir():
            raise UsageError(f"--{option} {target}: the folder {target.parent} does not exist")
        refuse_unwritable(target.parent)


def _refuse_replacing(files: list[Path], outdir: Path) -> None:
    """UsageError naming the photos in OUTDIR that fixed copies would replace."""
    from editor.model.imageio import IMAGE_SUFFIXES

    stems = {f.stem for f in files}
    inputs = {f.resolve() for f in files}
    found = sorted(p for p in outdir.iterdir()
                   if p.is_file() and p.stem in stems and p.suffix.lower() in IMAGE_SUFFIXES)
    on_input = [p for p in found if p.resolve() in inputs]
    if on_input:
        raise UsageError(f"{on_input[0]}: a fixed copy would overwrite an input of this run; "
                         "nothing was checked; choose another -o")
    there = [p.name for p in found]
    if there:
        more = f" and {len(there) - 8} more" if len(there) > 8 else ""
        raise UsageError(f"{outdir}: fixed copies would replace {len(there)} file(s) this run "
                         f"did not write: {', '.join(there[:8])}{more}. Nothing was checked. "
                         "Use --overwrite to replace them, or another -o.")


def _fix_one(path: Path, pixels, facts, profile, violations, outdir: Path,  # noqa: ANN001
             written: set[Path], out: TextIO, err: TextIO,
             inputs: frozenset[Path] | set[Path] = frozenset(), pad_edges: bool = False) -> int:
    from plugins.compliance.checks import passed
    from plugins.compliance.fixes import FixError, apply_fixes, verify

    try:
        fixed = apply_fixes(pixels, facts, profile, violations, pad_edges=pad_edges)
    except FixError as exc:
        print(f"{path}: cannot fix: {exc}", file=err)
        return 0
    target = outdir / f"{path.stem}{fixed.suffix}"
    if target.resolve() in inputs or target.resolve() == path.resolve():
        print(f"{path}: not fixed: the fixed copy {target.name} would overwrite an input",
              file=err)
        return 0
    if target.resolve() in written:
        print(f"{path}: not fixed: {target.name} was already written for another input; "
              "rename one of them", file=err)
        return 0
    remaining = verify(fixed, profile)
    try:
        with atomic_write(target) as handle:
            handle.write(fixed.data)
    except (OutputError, OSError) as exc:
        print(f"{path}: cannot write the fixed copy ({exc})", file=err)
        return 0
    written.add(target.resolve())
    still = [f"{v.rule} ({v.severity})" for v in remaining]
    state = "passes" if passed(remaining) else "still fails"
    detail = f"; still: {', '.join(still)}" if still else ""
    print(f"  fixed -> {target} ({', '.join(fixed.applied) or 'nothing to change'}; "
          f"{state}{detail})", file=out)
    return 1 if passed(remaining) else 0  # "fixed" only when the re-check passes


COMMANDS = {"check": cmd_check}
