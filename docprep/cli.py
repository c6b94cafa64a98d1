"""The command line: parse options, call the library, render. Exit codes: 0 clean, 1 errors found, 2 usage/config/internal."""
from __future__ import annotations

import os
import signal
import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .api import Interrupted, attachment_kind_names, check_settings, plan_check, save_report, unchecked
from .errors import DocprepError, ExitCode, UsageError
from .i18n import LANGUAGES, counted, default_language, message
from .model import Report
from .paths import terminal_safe
from .profiles import DEFAULT_PROFILE, load_profile, shipped_profiles
from .profiles.texts import with_settings
from .render.formats import FORMATS
from .render.formats import render as render_format
from .render.progress import Progress
from .render.report import summary_line, to_json, to_text
from .rules import REGISTRY


def _lang_option(f):
    return click.option("--lang", type=click.Choice(LANGUAGES), default=None,
                        help="Message language (default: DOCPREP_LANG, else zh).")(f)


def _profile_option(f):
    return click.option("--profile", "profile_ref", default=DEFAULT_PROFILE, show_default=True,
                        help="Profile name (see `docprep profiles`) or path to a TOML file.")(f)


def _use_color(stream) -> bool:
    """ANSI colour on a terminal only; NO_COLOR (no-color.org) turns it off, FORCE_COLOR on."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "0") not in ("", "0"):
        return True
    return stream.isatty()


def _can_encode(text: str, stream) -> bool:
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
        return True
    except (UnicodeEncodeError, LookupError):
        return False


def _configure_streams() -> None:
    """Never crash on a console encoding (GBK on Chinese Windows, latin-1): characters it lacks become '?'."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def _requested_language(argv: list[str]) -> str:
    """--lang from the command line (for messages of errors raised before or outside a command), else default."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGUAGES:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg[7:] in LANGUAGES:
            return arg[7:]
    return default_language()


def _echo_report(report: Report, fmt: str, lang: str, errors_only: bool, kind_names: dict, err: bool = False):
    stream = sys.stderr if err else sys.stdout
    if fmt == "json":
        rendered = to_json(report, lang, ascii_only=not _can_encode("中", stream) or
                           "utf" not in (getattr(stream, "encoding", "") or "utf-8").lower())
    else:
        rendered = to_text(report, lang, color=_use_color(stream), plain_marks=not _can_encode("✓✗", stream),
                           errors_only=errors_only, kind_names=kind_names)
    click.echo(rendered, nl=False, err=err, color=_use_color(stream))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docprep")
def cli():
    """docprep：职称申报材料预检（证件照、扫描件）。Preflight for professional-title application documents."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--profile", "profile_ref", default=None,
              help="Profile name (see `docprep profiles`) or path to a TOML file. Default: the settings file's "
                   f"`profile`, else {DEFAULT_PROFILE}.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", *FORMATS, "html"]), default="text",
              show_default=True,
              help="text for people; json (docprep.report/1); junit, sarif, gitlab (Code Quality) for CI; csv for "
                   "Excel (UTF-8 with BOM); html: one self-contained page for people, with thumbnails.")
@click.option("-o", "--output", metavar="FILE", help="Write the report to FILE ('-': standard output); the summary "
              "line still goes to the terminal (stderr).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default: the cores this process may use; 1: check in this process).")
@click.option("--kind", "attachment", metavar="KIND",
              help="Attachment kind of every PDF (e.g. diploma, original; the profile's [pdf.kinds] lists them). "
                   "Default: from the file name, else checked as a copy needing seal, 核对无误 and date on every page.")
@click.option("--annotate", "annotate_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Write one PNG per PDF page into DIR, with boxes round the seals, words, dates and problems found.")
@click.option("-q", "--errors-only", "--quiet", "errors_only", is_flag=True,
              help="Say less: no progress display, and a text report of only the files with errors and only their "
                   "errors (no ✓ lines, no warnings).")
@click.option("--no-cache", is_flag=True,
              help="Check every file again: neither read nor write the result cache (DOCPREP_CACHE_DIR, else the "
                   "user cache folder).")
@click.option("--config", "config", type=click.Path(path_type=Path, dir_okay=False),
              help="Settings file to use (docprep.toml, or a pyproject.toml with [tool.docprep]) instead of the "
                   "one found from the checked paths upwards.")
@click.option("--applications", "applications", is_flag=True,
              help="Judge every direct subfolder of a folder given as one applicant's application (or the folder "
                   "itself when it holds documents): completeness, metadata, a verdict per applicant. Folders with "
                   "an application.toml, or whose files' names show the profile's [app.discovery] kinds, are "
                   "judged as applications without this.")
@_lang_option
def check(paths, profile_ref, fmt, output, jobs, attachment, annotate_dir, errors_only, no_cache, config,
          applications, lang):
    """Check photos and attachments (files or folders). 检查照片和附件。"""
    lang = lang or default_language()
    profile, settings = check_settings(paths, profile_ref, config)
    report_path = Path(output) if output not in (None, "-") else None
    plan = plan_check(paths, profile, report_path, annotate_dir, settings, applications=applications)
    try:
        with Progress(plan.file_count, lang, quiet=errors_only) as progress:
            report = plan.run(jobs, attachment, on_file=progress.update, annotate_lang=lang, cache=not no_cache,
                              pictures=fmt == "html")
    except Interrupted as stop:  # Ctrl-C: the files checked so far are kept, marked partial
        _emit_report(stop.report, fmt, lang, profile, report_path, errors_only)
        files = counted("file", len(stop.report.files))
        click.echo(terminal_safe(message("cli.interrupted_partial", files=files)(lang)), err=True)
        return ExitCode.INTERRUPTED
    _emit_report(report, fmt, lang, profile, report_path, errors_only)
    failed = unchecked(report)  # no verdict on these files: CI must not read a crash as one (exit 2)
    if failed:
        click.echo(terminal_safe(message("cli.unchecked", files=counted("file", len(failed)))(lang)), err=True)
    if report.not_found:
        listed = message("report.list_separator")(lang).join(report.not_found)
        click.echo(terminal_safe(message("cli.not_found", paths=listed)(lang)), err=True)
        return ExitCode.USAGE
    if not report.files and not report.applications:
        click.echo(message("cli.nothing_to_check")(lang), err=True)
        return ExitCode.USAGE
    return ExitCode.USAGE if failed else ExitCode.FINDINGS if report.has_errors else ExitCode.OK


def _emit_report(report: Report, fmt: str, lang: str, profile, report_path: Path | None, errors_only: bool) -> None:
    """The report in `fmt`, to `report_path` (atomically; the summary line to stderr) or to standard output."""
    names = attachment_kind_names(profile)
    if fmt in FORMATS or fmt == "html":  # exact bytes (a BOM, CRLF; the page's UTF-8), to the file or to stdout
        from .render.html import render as render_html  # Jinja2, only for the page

        data = (render_html(report, lang, profile) if fmt == "html"
                else render_format(report, fmt, lang, profile))
        if report_path is None:
            _write_stdout(data)
        else:
            save_report(report_path, data)
        click.echo(summary_line(report, lang), err=True)
    elif report_path is None:
        _echo_report(report, fmt, lang, errors_only, names)
    else:
        save_report(report_path, to_json(report, lang) if fmt == "json" else to_text(
            report, lang, errors_only=errors_only, kind_names=names, header=True))
        click.echo(summary_line(report, lang), err=True)


def _write_stdout(data: bytes) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", metavar="OUT",
              help="Photo: output JPEG (or folder, when SOURCE is a folder); default NAME-fixed.jpg beside the input. "
                   "A name ending in .pdf makes one PDF from the SOURCEs (scan mode). '-': the JPEG (or with --scan "
                   "the PDF) goes to standard output, messages to stderr.")
@click.option("--scan", is_flag=True,
              help="Scan mode without -o: writes FIRST-fixed.pdf beside the first SOURCE (an -o must end in .pdf).")
@click.option("--kind", "attachment", metavar="KIND",
              help="Scan mode: the attachment kind of the PDF made (see `check --kind`).")
@click.option("--keep-background", is_flag=True,
              help="Photo mode: keep a coloured backdrop (refused when the profile wants white) instead of making "
                   "a plain one white.")
@_profile_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_lang_option
def fix(sources, output, scan, attachment, keep_background, profile_ref, fmt, lang):
    """Fix a photo, or make one PDF from scans. 修正照片，或把扫描图像合成一个 PDF。

    \b
    Photo mode (one SOURCE, -o not ending in .pdf): crop around the face, resize to the profile's size, sRGB
    JPEG in its byte window; a plain blue, red or grey backdrop is made white (--keep-background: not).
        docprep fix photo.jpg [-o OUT.jpg]

    \b
    Scan mode (-o ending in .pdf, or --scan): the SOURCE images, in the order given (a folder: its images in
    name order, page2 before page10), become the pages of one PDF. Pages are turned upright and straightened;
    a JPEG that needs no change is embedded without re-encoding; colour stays colour (seals are red); the PDF
    is compressed to the profile's size limit where one is set.
        docprep fix page1.jpg page2.png -o 学历证书.pdf

    \b
    PDF mode (one SOURCE that is a PDF; default output NAME-fixed.pdf): pages `check` finds sideways or upside
    down are turned, tilted ones straightened within the same page size, blank ones left out (listed); every
    other page is copied as it is, text layer and all.
        docprep fix 学历证书.pdf -o 学历证书-修正.pdf

    Either way the result is checked with the same rules as `docprep check` and written only if it passes
    (exit 0); otherwise nothing is written and the reasons are listed (exit 1). Inputs are never modified.
    """
    lang = lang or default_language()
    profile = load_profile(profile_ref)
    to_stdout = output == "-"
    out_path = None if output in (None, "-") else Path(output)
    from .fix.repair import is_pdf, repair_pdf

    if len(sources) == 1 and is_pdf(sources[0]):
        from .render.fix import repair_summary

        result = repair_pdf(sources[0], out_path, profile, attachment, write=not to_stdout)
        report = Report(profile.name, [result.report])
        summaries = repair_summary(result, lang).splitlines()
        done, data = result.written or result.data is not None, result.data
    elif scan or (out_path is not None and out_path.suffix.lower() == ".pdf"):
        from .fix.scan import fix_scans
        from .render.fix import scan_summary

        result = fix_scans(list(sources), out_path, profile, attachment, write=not to_stdout)
        report = Report(profile.name, [result.report])
        summaries = scan_summary(result, lang).splitlines()  # echoed a line at a time: terminal_safe escapes \n
        done, data = result.written or result.data is not None, result.data
    else:
        report, summaries, done, data = _fix_photo(sources, out_path, profile, attachment, to_stdout,
                                                   keep_background, lang)
    if data is not None:
        _write_stdout(data)
    if fmt == "json":
        _echo_report(report, "json", lang, False, attachment_kind_names(profile), err=to_stdout)
    else:
        for line in summaries:
            click.echo(terminal_safe(line), err=to_stdout)
        _echo_report(report, "text", lang, False, attachment_kind_names(profile), err=to_stdout)
    return ExitCode.OK if done and not report.has_errors else ExitCode.FINDINGS


def _fix_photo(sources, out_path, profile, attachment, to_stdout: bool, keep_background: bool, lang: str):
    """Photo mode of `fix`: the report, the summary lines, whether every photo was made, and the JPEG for
    standard output."""
    from .fix.photo import fix_paths
    from .render.fix import photo_summary

    if len(sources) > 1:
        raise UsageError("several_sources")
    if attachment is not None:
        raise UsageError("kind_needs_scan")
    results = fix_paths(sources[0], out_path, profile, write=not to_stdout, keep_background=keep_background)
    report = Report(profile.name, [r.report for r in results])
    done = all(r.written or r.data is not None for r in results)
    return (report, [photo_summary(r, lang) for r in results], done,
            results[0].data if to_stdout and results else None)


@cli.command()
@click.argument("rule_id", required=False)
@_profile_option
@_lang_option
def rules(rule_id, profile_ref, lang):
    """List the rules, or explain one with the profile's limits. 列出规则或按配置解释某条规则。"""
    lang = lang or default_language()
    profile = load_profile(profile_ref)  # a bad --profile is an error here as in `check` (exit 2)
    if rule_id is None:
        for rule in REGISTRY.values():
            click.echo(f"{rule.id:<26} {rule.severity.value:<8} {rule.title(lang)}")
        return ExitCode.OK
    rule = REGISTRY.get(rule_id)
    if rule is None:
        raise click.BadParameter(f"unknown rule id {rule_id!r}; `docprep rules` lists them", param_hint="RULE_ID")
    title, why, how = (with_settings(text, profile, rule.family) for text in (rule.title, rule.explain, rule.fix))
    severity_label, why_label, fix_label = (message(f"cli.rule_{part}")(lang) for part in ("severity", "why", "fix"))
    click.echo(f"{rule.id}: {title(lang)}\n{severity_label}: {rule.severity.value}\n\n"
               f"{why_label}: {why(lang)}\n\n{fix_label}: {how(lang)}")
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


@cli.command()
@click.argument("folder", metavar="[DIR]", required=False, default=".",
                type=click.Path(path_type=Path, file_okay=False))
@_profile_option
@_lang_option
def init(folder, profile_ref, lang):
    """Write a commented application.toml into DIR (default: here). 在文件夹中生成带说明的 application.toml。

    \b
    Comments in Chinese, or English with --lang en; the profile's levels, unit types, hours and self-report limit
    are written in. An existing application.toml is never overwritten (exit 2).
        docprep init 张伟/
    """
    from .applications import write_template
    from .paths import display_path

    lang = lang or default_language()
    profile = load_profile(profile_ref)
    path = write_template(folder, profile.section("app"), profile.name, lang)
    click.echo(terminal_safe(message("init.written", path=display_path(path))(lang)))
    return ExitCode.OK


@cli.command()
@click.argument("app_dir", metavar="APP_DIR", type=click.Path(path_type=Path))
@click.option("-o", "--output", metavar="OUT", required=True,
              help="OUT.zip, or a folder (an existing one, or a path ending in /), outside APP_DIR (a folder, or a zip "
                   "of one). Written whole or not at all; an existing folder is replaced only when empty or an "
                   "earlier package.")
@click.option("--profile", "profile_ref", default=None,
              help="Profile name (see `docprep profiles`) or path to a TOML file. Default: the settings file's "
                   f"`profile`, else {DEFAULT_PROFILE}.")
@click.option("--fix-photo", is_flag=True,
              help="A photo that fails is fixed as `docprep fix` fixes it, where it can be (a passing photo is "
                   "packed as it is).")
@click.option("--allow-errors", is_flag=True,
              help="Pack an application with errors all the same (exit 0, the errors listed). Without it nothing "
                   "is written and the reasons are printed (exit 1). Links are refused either way.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default: the cores this process may use; 1: check in this process).")
@click.option("--no-cache", is_flag=True, help="Check every file again: neither read nor write the result cache.")
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people; json (docprep.bundle-result/1: the manifest and the check) for scripts.")
@_lang_option
def bundle(app_dir, output, profile_ref, fix_photo, allow_errors, jobs, no_cache, quiet, fmt, lang):
    """Pack one application for upload. 打包一名申报人的上传材料。

    \b
    The package: the photo (00-证件照.jpg), one PDF per attachment kind in the notice's order (01-继续教育证明.pdf,
    pages by year, then by name), manifest.json (each file's SHA-256, pages and sources) and report.html. The
    zip is byte for byte the same for the same files. Nothing is written when the application has errors (exit
    1, the reasons printed) unless --allow-errors, nor when its folder holds symbolic links. Inputs are never
    modified.
        docprep bundle 张伟/ -o 张伟.zip
        docprep bundle 张伟/ -o 上传/张伟/ --fix-photo
        docprep bundle 收到的/张伟.zip -o 上传/张伟.zip     (a zipped folder, read in place)
    """
    from .bundle import bundle_json, bundle_lines, prepare_bundle

    lang = lang or default_language()
    profile, settings = check_settings([app_dir], profile_ref)
    plan = prepare_bundle(app_dir, output, profile, settings)
    with Progress(plan.file_count, lang, quiet=quiet) as progress:
        result = plan.run(jobs, cache=not no_cache, on_file=progress.update, fix_photo=fix_photo,
                          allow_errors=allow_errors, lang=lang)
    if fmt == "json":
        click.echo(bundle_json(result, lang, ascii_only=not _can_encode("中", sys.stdout)), nl=False)
    else:
        if result.report is not None and result.errors:  # why it was refused, or the errors it was packed with
            _echo_report(result.report, "text", lang, result.written, attachment_kind_names(profile))
        for line in bundle_lines(result, lang):
            click.echo(line)
    failed = unchecked(result.report) if result.report is not None else []
    if failed:  # no verdict on these files: never read a crash as one (exit 2)
        click.echo(terminal_safe(message("cli.unchecked", files=counted("file", len(failed)))(lang)), err=True)
        return ExitCode.USAGE
    return ExitCode.OK if result.written else ExitCode.FINDINGS


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Another than this machine's own (127.0.0.1, localhost) lets other devices "
                   "on the network use the page: a warning says so.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port to listen on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@click.option("--upload-limit", "upload_limit", type=click.FloatRange(min=0.001), metavar="MB", default=None,
              help="Most megabytes one request may upload (default: the profile's [file.serve] upload_limit_mb, 50).")
@_profile_option
@_lang_option
def serve(host, port, open_browser, upload_limit, profile_ref, lang):
    """A local web page for checking, fixing and packing. 本机网页：检查、修正、打包。

    \b
    Needs the web extra: pip install "docprep[web]". Files are handled on this machine only; uploads live in a
    private temporary folder deleted after each answer. Ctrl-C stops the server (exit 0).
        docprep serve --open
    """
    lang = lang or default_language()
    profile = load_profile(profile_ref)
    try:
        from .web.server import run_server
    except ImportError:
        raise UsageError("web_missing") from None
    try:
        run_server(profile, host, port, open_browser, upload_limit, lang, say=click.echo,
                   warn=lambda line: click.echo(line, err=True))
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the server has stopped and removed its files; a normal end
        click.echo(message("web.stopped")(lang))
    return ExitCode.OK


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _stop_on_terminate() -> None:
    """SIGTERM (a scheduler or CI job cancelled, `kill`) stops a run as Ctrl-C does: the workers are stopped,
    temporary files removed, the partial report kept (exit 130), where Python's default would end the process
    on the spot. Only the main thread may set handlers: a caller running main() elsewhere keeps the default."""
    try:
        signal.signal(signal.SIGTERM, _interrupt)
    except ValueError:
        pass


def main(argv: list[str] | None = None) -> None:
    """Entry point: Click's own errors and docprep's config errors exit 2, never 1 (1 means findings)."""
    _configure_streams()
    _stop_on_terminate()
    lang = _requested_language(sys.argv[1:] if argv is None else argv)
    try:
        code = cli.main(args=argv, prog_name="docprep", standalone_mode=False)
    except click.exceptions.Exit as exc:  # --help, --version
        code = exc.exit_code
    except (click.Abort, KeyboardInterrupt):  # Ctrl-C: nothing half-written (outputs are atomic), say so
        click.echo(message("cli.interrupted")(lang), err=True)
        code = ExitCode.INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        code = ExitCode.USAGE
    except DocprepError as exc:
        click.echo(f"docprep: {terminal_safe(exc.message(lang))}", err=True)
        code = exc.exit_code
    except Exception:  # an internal error: say so, and never exit 1 (which means "findings")
        click.echo("docprep: internal error, please report it with this trace:\n" + traceback.format_exc(), err=True)
        code = ExitCode.USAGE
    sys.exit(int(code or 0))
