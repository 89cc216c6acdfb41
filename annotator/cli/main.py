"""Root parser, lazy subcommands, exit codes, and the one place errors become a sentence.

Only argparse and the standard library are imported up front, so ``annotator --help`` is fast;
each subcommand module (and the services it needs) is imported when that command runs."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from annotator import __version__
from annotator.cli.exit_codes import ExitCode


def _common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    g = parser.add_argument_group("common options")
    g.add_argument("--db", metavar="TARGET", default=default,
                   help="SQLite file or SQLAlchemy URL (default: $ANNOTATOR_DB, then the user data folder)")
    g.add_argument("--json", action="store_true", default=argparse.SUPPRESS if suppress else False,
                   help="machine-readable output on stdout")
    g.add_argument("--annotator", metavar="NAME", default=default,
                   help="whose annotation set to read or write ('gold' = adjudicated)")
    g.add_argument("--debug", action="store_true", default=argparse.SUPPRESS if suppress else False,
                   help="show tracebacks")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator", description="Annotate conflict reports offline: spans, claims, records, agreement.")
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    _common(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        _common(p, suppress=True)
        return p

    p = add("gui", "launch the desktop application")
    p.add_argument("--screenshot", metavar="PNG", help="render the window to a PNG and exit")
    p.add_argument("--report", metavar="ID", help="report to show (id or id prefix)")
    p.add_argument("--span", metavar="ID", help="span to select in the report shown (e.g. T3), for a screenshot "
                   "of the inspector")
    p.add_argument("--view", choices=["main", "record", "events", "new-event", "agreement", "adjudication",
                                      "curation", "assignments", "comments", "search", "suggestions"],
                   default="main", help="what to show: the window (record / events / comments: with that tab), the "
                   "new-event dialog for the --span claim, the agreement dashboard, the curation view (adjudication is "
                   "its older name), the assignment view, or the Search (a sample query) or Suggestions tab")
    p.add_argument("--blind", action="store_true", help="--view curation: annotators' names hidden")
    p.add_argument("--size", metavar="WxH", help="window size for --screenshot (default: the size a first "
                   "launch opens with, about 80%% of the screen)")
    p.add_argument("--no-samples", action="store_true", help="do not load the sample reports")
    p.add_argument("--show-labels", action="store_true", help="write each span's label in a tag (View → Show labels)")
    p.add_argument("--show-others", action="store_true", help="draw the other annotators' spans too")

    p = add("import", "import reports (.txt .md .html .htm .pdf .docx, or folders recursively)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--title")
    p.add_argument("--published", metavar="YYYY-MM-DD")
    p.add_argument("--source")

    add("reports", "list reports with their annotators and span counts")

    p = add("load", "import annotations from a corpus file in format F")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", required=True, metavar="F")
    p.add_argument("--label-map", metavar="OLD=NEW,...",
                   help="rename span labels (OLD=NEW) and relation types (relation:OLD=NEW) while loading")
    p.add_argument("--add-labels", action="store_true",
                   help="add the file's labels and relation types to the project schema instead of refusing them")
    p.add_argument("--offsets", choices=["codepoints", "utf16", "graphemes"],
                   help="offset unit of the file (doccano)")
    p.add_argument("--report", metavar="ID", help="align a CoNLL file to this stored report")
    p.add_argument("--dataset", help="Prodigy dataset name, stripped from annotator ids")
    p.add_argument("--predictions-as", metavar="NAME", help="also load Label Studio predictions as NAME")

    p = add("export", "write the corpus in format F")
    p.add_argument("--format", required=True, metavar="F")
    p.add_argument("--out", required=True, metavar="PATH")
    p.add_argument("--report", action="append", metavar="ID", help="only these reports (repeatable)")
    p.add_argument("--labels", metavar="L,...", help="only these labels")
    p.add_argument("--scheme", choices=["iob2", "bioes"], help="CoNLL tag scheme")
    p.add_argument("--outermost-only", action="store_true", help="CoNLL: one column, outermost spans")
    p.add_argument("--offsets", choices=["codepoints", "utf16", "graphemes"], help="doccano offset unit")
    p.add_argument("--tlp", choices=["clear", "white", "green", "amber", "red"],
                   help="STIX: the TLP marking of every object (default green)")

    add("formats", "list the corpus formats, what each can read and write, and extras needed")

    p = add("record", "the structured record of each report")
    p.add_argument("--report", action="append", metavar="ID")
    p.add_argument("--format", choices=["json", "csv"], default="json")
    p.add_argument("--out", metavar="PATH")

    p = add("agreement", "inter-annotator agreement per label, pair and report")
    p.add_argument("--annotators", metavar="A,B,...")
    p.add_argument("--labels", metavar="L,...")
    p.add_argument("--report", action="append", metavar="ID")
    p.add_argument("--events", action="store_true", help="agreement on events, field by field")

    p = add("bundle", "exchange work between air-gapped workstations")
    bsub = p.add_subparsers(dest="bundle_command", metavar="export|import", required=True)
    bx = bsub.add_parser("export", help="write one annotator's work to a bundle file")
    _common(bx, suppress=True)
    bx.add_argument("--out", required=True, metavar="FILE")
    bi = bsub.add_parser("import", help="verify and merge a bundle file")
    _common(bi, suppress=True)
    bi.add_argument("file", metavar="FILE")

    p = add("schema", "the project's label schema (labels, relation types, attributes) as JSON")
    ssub = p.add_subparsers(dest="schema_command", metavar="show|export|import", required=True)
    ss = ssub.add_parser("show", help="print the schema")
    _common(ss, suppress=True)
    sx = ssub.add_parser("export", help="write the schema to a JSON file")
    _common(sx, suppress=True)
    sx.add_argument("--out", required=True, metavar="FILE")
    si = ssub.add_parser("import", help="make a JSON schema file the project's schema")
    _common(si, suppress=True)
    si.add_argument("file", metavar="FILE")

    add("whoami", "who acts (the annotator this database's user works as by default) and their role")
    p = add("annotators", "everyone in this database with their role; 'annotators add NAME' adds one")
    asub = p.add_subparsers(dest="annotators_command", metavar="add")
    pa = asub.add_parser("add", help="add an annotator or change their role")
    _common(pa, suppress=True)
    pa.add_argument("name", metavar="NAME")
    pa.add_argument("--role", choices=["annotator", "supervisor"], default="annotator")
    pa.add_argument("--login", metavar="PGROLE", help="the PostgreSQL login this annotator connects as (team "
                    "server: grants its privileges; row-level security limits it to their own sets)")

    p = add("assign", "assign reports to annotators (every named annotator, or round robin with --per-report)")
    p.add_argument("--report", action="append", metavar="ID", help="a report (repeatable)")
    p.add_argument("--all", action="store_true", help="every report")
    p.add_argument("--annotators", metavar="A,B,...", required=True)
    p.add_argument("--per-report", type=int, metavar="N", help="round robin: N annotators per report")
    p.add_argument("--overlap", type=float, metavar="SHARE", help="round robin: the share (0-1) of reports that "
                   "get N annotators; the others get one")
    p.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")

    p = add("status", "assignment and status per (report, annotator); 'status set STATE' moves one")
    p.add_argument("--report", action="append", metavar="ID")
    p.add_argument("--queue", metavar="NAME|supervisor", help="what waits for NAME (or for a supervisor)")
    p.add_argument("--history", action="store_true", help="with --report: every transition, oldest first")
    ssub = p.add_subparsers(dest="status_command", metavar="set")
    ps = ssub.add_parser("set", help="move a status: assigned, in_progress, done, done_empty, accepted, returned, "
                                     "curated, or unassigned")
    _common(ps, suppress=True)
    ps.add_argument("state", metavar="STATE", help="assigned, in_progress, done, done_empty, accepted, returned, "
                                                   "curated, or unassigned (takes an assignment back)")
    ps.add_argument("--report", required=True, metavar="ID")
    ps.add_argument("--reason", metavar="TEXT", help="why (required to return work)")
    ps.add_argument("--for", dest="of", metavar="NAME", help="whose status (default: yours; curated: gold's)")

    p = add("curate", "accept into gold every span and relation a rule accepts (as a supervisor)")
    p.add_argument("--rule", required=True, metavar="unanimous|majority|atleast:K")
    p.add_argument("--report", action="append", metavar="ID")
    p.add_argument("--annotators", metavar="A,B,...", help="whose sets take part (default: every annotator)")
    p.add_argument("--dry-run", action="store_true", help="say what it would accept, write nothing")

    p = add("comment", "comment threads: add, reply, resolve")
    csub = p.add_subparsers(dest="comment_command", metavar="add|reply|resolve", required=True)
    pc = csub.add_parser("add", help="start a thread on a report, a span or a relation")
    _common(pc, suppress=True)
    pc.add_argument("--report", required=True, metavar="ID")
    pc.add_argument("--span", metavar="SID")
    pc.add_argument("--relation", metavar="RID")
    pc.add_argument("--of", metavar="NAME", help="whose span or relation (default: yours)")
    pc.add_argument("--question", action="store_true", help="a question for the supervisor (their queue)")
    pc.add_argument("text", nargs="+", metavar="TEXT")
    pr = csub.add_parser("reply", help="reply in a thread")
    _common(pr, suppress=True)
    pr.add_argument("id", metavar="COMMENT")
    pr.add_argument("text", nargs="+", metavar="TEXT")
    pv = csub.add_parser("resolve", help="resolve a thread (--reopen opens it again)")
    _common(pv, suppress=True)
    pv.add_argument("id", metavar="COMMENT")
    pv.add_argument("--reopen", action="store_true")
    p = add("comments", "list comment threads")
    p.add_argument("--report", action="append", metavar="ID")
    p.add_argument("--open", action="store_true", help="only threads not resolved")

    p = add("search", "concordance over the corpus: TEXT (Arabic-normalised, case and accent insensitive) and/or "
                      "the spans of a label, entity, annotator, workflow status or source")
    p.add_argument("text", nargs="*", metavar="TEXT")
    p.add_argument("--label", metavar="L", help="spans of this label (whose text contains TEXT, if given)")
    p.add_argument("--entity", metavar="ID", help="every span linked to this registry entity, across reports")
    p.add_argument("--status", metavar="S", help="spans in sets of this workflow status: assigned, 'in progress', "
                   "done, done-empty, accepted, returned, curated, or 'not assigned'")
    p.add_argument("--source", metavar="SRC", help="spans that came from SRC: registry, date, annotation (or "
                   "annotation:NAME), search, model (or model:NAME), or manual = made by hand or loaded from a file "
                   "(no recorded source)")
    p.add_argument("--limit", type=int, default=200, metavar="N", help="at most N rows (default 200)")
    p = add("suggest", "pre-annotation suggestions for a report (registry names, dates, text labelled elsewhere, "
                       "and an installed spaCy pipeline's entities)")
    p.add_argument("--report", metavar="ID", required=True, help="report id or id prefix")
    p.add_argument("--model", metavar="NAME_OR_PATH", help="also run this installed spaCy pipeline (package name or "
                   "folder of a saved pipeline; nothing is downloaded) and suggest its entities (PERSON/ORG/NORP as "
                   "actor, GPE/LOC/FAC as place, DATE as date); default: the project's pipeline, if one is set; "
                   "'none' for no pipeline")

    p = add("backup", "an online backup copy of the database; list or restore the automatic backups")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--out", metavar="FILE", help="write a backup copy to FILE")
    what.add_argument("--list", action="store_true", help="list the automatic backups, newest first")
    what.add_argument("--restore", metavar="FILE", help="make the database hold what the backup FILE holds "
                                                        "(the current state is kept as a backup first)")
    add("check", "integrity check of the database")
    return parser


COMMANDS: dict[str, str] = {
    "gui": "gui", "import": "import_", "reports": "reports", "load": "load", "export": "export",
    "formats": "formats", "record": "record", "agreement": "agreement", "bundle": "bundle",
    "backup": "database", "check": "database", "whoami": "identity", "annotators": "identity", "schema": "schema",
    "assign": "workflow", "status": "workflow", "curate": "curate", "comment": "comments", "comments": "comments",
    "search": "search", "suggest": "search",
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "gui"
    if args.command is None:
        args.screenshot = None
        args.report = None
        args.span = None
        args.view = "main"
        args.size = None
        args.no_samples = False
        args.show_labels = False
        args.show_others = False
        args.blind = False
    args.command = command
    try:
        from annotator.cli.output import guarded  # noqa: PLC0415 (--help and --version stay argparse-only)

        module = importlib.import_module(f"annotator.cli.commands.{COMMANDS[command]}")
        run: Callable[[argparse.Namespace], int] = module.run
    except KeyboardInterrupt:  # Ctrl-C while the command's modules load, before ``guarded`` can answer:
        print("error: Interrupted.", file=sys.stderr)  # it printed a traceback (cli.md: none without --debug)
        return ExitCode.CANCELLED
    return guarded(run, args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
