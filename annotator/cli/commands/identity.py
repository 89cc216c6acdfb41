"""``annotator whoami`` and ``annotator annotators [add NAME --role R --login L]``: who acts, and everyone
in this database with their role."""

from __future__ import annotations

import argparse

from annotator.cli.output import emit, open_context
from annotator.services.roles import add_person, people, whoami


def run(args: argparse.Namespace) -> int:
    if args.command == "annotators":
        return run_annotators(args)
    ctx = open_context(args)
    try:
        me = whoami(ctx)
    finally:
        ctx.close()
    if me["annotator"]:
        text = f"{me['annotator']} ({me['role']})"
        if not me["roles_active"]:
            text += " — this database has no supervisor yet, so everyone acts as one"
    else:
        text = ("no annotator chosen yet for this database (the first launch of the app asks; "
                "--annotator NAME acts as NAME for one command)")
    emit(args, me, text)
    return 0


def run_annotators(args: argparse.Namespace) -> int:
    ctx = open_context(args, writes=getattr(args, "annotators_command", None) == "add")
    try:
        if getattr(args, "annotators_command", None) == "add":
            added = add_person(ctx, args.name, args.role, login=args.login)
            emit(args, added, f"{added['name']}: {added['role']}" + (f" (login {added['login']})"
                                                                     if added["login"] else ""))
            return 0
        everyone = people(ctx)
    finally:
        ctx.close()
    emit(args, {"annotators": everyone},
         [f"{p['name']:24} {p['role']}" + (f"  login {p['login']}" if p["login"] else "") for p in everyone]
         or ["nobody has a name in this database yet"])
    return 0
