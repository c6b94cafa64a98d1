"""The command line: parse options, call the library, render. Exit codes: 0 clean, 1 errors found, 2 usage/config/internal."""
from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .atomic import write_atomic
from .checks import REGISTRY
from .engine import Report, check_targets, discover
from .errors import DocprepError, ExitCode
from .i18n import LANGUAGES, default_language
from .profiles import DEFAULT_PROFILE, load_profile, shipped_profiles
from .report import to_json, to_text


def _lang_option(f):
    return click.option("--lang", type=click.Choice(LANGUAGES), default=None,
                        help="Message language (default: DOCPREP_LANG, else zh).")(f)


def _profile_option(f):
    return click.option("--profile", "profile_ref", default=DEFAULT_PROFILE, show_default=True,
                        help="Profile name (see `docprep profiles`) or path to a TOML file.")(f)


def _progress(total: int, label: str):
    """A progress bar on a terminal for long runs; nothing in pipes and CI logs."""
    if total < 5 or not sys.stderr.isatty():
        return None
    return click.progressbar(length=total, label=label, file=sys.stderr)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docprep")
def cli():
    """docprep：职称申报材料预检（证件照、扫描件）。Preflight for professional-title application documents."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_profile_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the report to FILE.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes for folders with many files.")
@click.option("--kind", "attachment", metavar="KIND",
              help="Attachment kind of every PDF (e.g. diploma, original; the profile's [pdf.kinds] lists them). "
                   "Default: from the file name, else checked as a copy needing seal, 核对无误 and date on every page.")
@click.option("--annotate", "annotate_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Write one PNG per PDF page into DIR, with boxes round the seals, words, dates and problems found.")
@_lang_option
def check(paths, profile_ref, fmt, output, jobs, attachment, annotate_dir, lang):
    """Check photos and attachments (files or folders). 检查照片和附件。"""
    lang = lang or default_language()
    profile = load_profile(profile_ref)
    targets = list(discover(paths, profile))
    options = dict(jobs=jobs, attachment=attachment, annotate_dir=annotate_dir)
    bar = _progress(sum(isinstance(t, Path) for t in targets), "检查中" if lang == "zh" else "Checking")
    if bar is None:
        report = check_targets(targets, profile, **options)
    else:
        with bar:
            report = check_targets(targets, profile, on_file=lambda _: bar.update(1), **options)
    rendered = to_json(report, lang) if fmt == "json" else to_text(report, lang)
    if output:
        write_atomic(output, rendered.encode("utf-8"))
    else:
        click.echo(to_text(report, lang, color=sys.stdout.isatty()) if fmt == "text" else rendered, nl=False)
    return ExitCode.FINDINGS if report.has_errors else ExitCode.OK


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Photo: output JPEG (or folder, when SOURCE is a folder); default NAME-fixed.jpg beside the input. "
                   "A name ending in .pdf makes one PDF from the SOURCEs (scan mode).")
@click.option("--scan", is_flag=True,
              help="Scan mode without -o: writes FIRST-fixed.pdf beside the first SOURCE (an -o must end in .pdf).")
@click.option("--kind", "attachment", metavar="KIND",
              help="Scan mode: the attachment kind of the PDF made (see `check --kind`).")
@_profile_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_lang_option
def fix(sources, output, scan, attachment, profile_ref, fmt, lang):
    """Fix a photo, or make one PDF from scans. 修正照片，或把扫描图像合成一个 PDF。

    \b
    Photo mode (one SOURCE, -o not ending in .pdf): crop around the face, resize to the profile's size, sRGB
    JPEG in its byte window.
        docprep fix photo.jpg [-o OUT.jpg]

    \b
    Scan mode (-o ending in .pdf, or --scan): the SOURCE images, in the order given (a folder: its images in
    name order, page2 before page10), become the pages of one PDF. Pages are turned upright and straightened;
    a JPEG that needs no change is embedded without re-encoding; colour stays colour (seals are red); the PDF
    is compressed to the profile's size limit where one is set.
        docprep fix page1.jpg page2.png -o 学历证书.pdf

    Either way the result is checked with the same rules as `docprep check` and written only if it passes
    (exit 0); otherwise nothing is written and the reasons are listed (exit 1). Inputs are never modified.
    """
    lang = lang or default_language()
    profile = load_profile(profile_ref)
    if scan or (output is not None and output.suffix.lower() == ".pdf"):
        from .scanfix import fix_scans

        result = fix_scans(list(sources), output, profile, attachment)
        report = Report(profile.name, [result.report])
        summaries, written = [result.summary(lang)], result.written
    else:
        from .fix import fix_paths

        if len(sources) > 1:
            raise click.UsageError("several SOURCEs make one PDF: give -o OUT.pdf (or --scan)")
        if attachment is not None:
            raise click.UsageError("--kind is for scan mode (-o OUT.pdf or --scan): a photo has no attachment kind")
        results = fix_paths(sources[0], output, profile)
        report = Report(profile.name, [r.report for r in results])
        summaries, written = [r.summary(lang) for r in results], all(r.written for r in results)
    if fmt == "json":
        click.echo(to_json(report, lang), nl=False)
    else:
        for line in summaries:
            click.echo(line)
        click.echo(to_text(report, lang, color=sys.stdout.isatty()), nl=False)
    return ExitCode.OK if written and not report.has_errors else ExitCode.FINDINGS


@cli.command()
@click.argument("rule_id", required=False)
@_lang_option
def rules(rule_id, lang):
    """List the rules, or explain one. 列出规则或解释某条规则。"""
    lang = lang or default_language()
    if rule_id is None:
        for rule in REGISTRY.values():
            click.echo(f"{rule.id:<26} {rule.severity.value:<8} {rule.title(lang)}")
        return ExitCode.OK
    rule = REGISTRY.get(rule_id)
    if rule is None:
        raise click.BadParameter(f"unknown rule id {rule_id!r}; `docprep rules` lists them", param_hint="RULE_ID")
    labels = ("默认级别", "说明", "如何修正") if lang == "zh" else ("Default severity", "Why", "How to fix")
    click.echo(f"{rule.id}: {rule.title(lang)}\n{labels[0]}: {rule.severity.value}\n\n"
               f"{labels[1]}: {rule.explain(lang)}\n\n{labels[2]}: {rule.fix(lang)}")
    return ExitCode.OK


@cli.command()
@_lang_option
def profiles(lang):
    """List the shipped profiles. 列出内置规则配置。"""
    lang = lang or default_language()
    for name in sorted(shipped_profiles()):
        profile = load_profile(name)
        marker = "*" if name == DEFAULT_PROFILE else " "
        click.echo(f"{marker} {name:<14} {profile.description(lang)}")
    return ExitCode.OK


def main(argv: list[str] | None = None) -> None:
    """Entry point: Click's own errors and docprep's config errors exit 2, never 1 (1 means findings)."""
    try:
        code = cli.main(args=argv, prog_name="docprep", standalone_mode=False)
    except click.exceptions.Exit as exc:  # --help, --version
        code = exc.exit_code
    except click.Abort:
        click.echo("Aborted.", err=True)
        code = ExitCode.USAGE
    except click.ClickException as exc:
        exc.show()
        code = ExitCode.USAGE
    except DocprepError as exc:
        click.echo(f"docprep: {exc}", err=True)
        code = exc.exit_code
    except Exception:  # an internal error: say so, and never exit 1 (which means "findings")
        click.echo("docprep: internal error, please report it with this trace:\n" + traceback.format_exc(), err=True)
        code = ExitCode.USAGE
    sys.exit(int(code or 0))
