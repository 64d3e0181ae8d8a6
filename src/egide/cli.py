"""The `egide` command: the demo, the web server, the worker and everyday administration.

Each sub-command is a thin layer over Django's management commands, so that `manage.py`
and `egide` always do the same thing.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

DEFAULT_SETTINGS = "config.settings.base"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# Threads per server process: pages mostly wait on the database.
SERVER_THREADS = 4
STOP_TIMEOUT = 10.0
READY_TIMEOUT = 60.0

Handler = Callable[[argparse.Namespace], int]


# --- Django ------------------------------------------------------------------------------


def _setup_django() -> None:
    import django
    from django.apps import apps

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    if not apps.ready:
        django.setup()


def _exit_code(stop: SystemExit) -> int:
    """Return the exit code that `sys.exit(code)` would give the shell."""
    if stop.code is None:
        return 0
    return stop.code if isinstance(stop.code, int) else 1


def _call(command: str, *args: str, **options: Any) -> int:
    """Run a management command in this process and return its exit code."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    _setup_django()
    try:
        call_command(command, *args, **options)
    except CommandError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return error.returncode
    except SystemExit as stop:
        return _exit_code(stop)
    return 0


def _manage(argv: Sequence[str]) -> int:
    """Pass arguments to Django's command-line utility, as `manage.py` would."""
    from django.core.management import execute_from_command_line

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    try:
        # The program name is what Django's own messages call it: "Type 'egide manage help'…".
        execute_from_command_line(["egide manage", *argv])
    except SystemExit as stop:
        return _exit_code(stop)
    return 0


# --- Processes ---------------------------------------------------------------------------


def _server_command(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", f"{host}:{port}",
        "--workers", str(workers),
        "--threads", str(SERVER_THREADS),
        "--graceful-timeout", str(int(STOP_TIMEOUT)),
        # A fixed socket in $HOME would collide between instances; nothing here uses it.
        "--no-control-socket",
    ]  # fmt: skip


def _worker_command() -> list[str]:
    return [sys.executable, "-m", "egide.cli", "worker"]


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _stop(processes: Sequence[subprocess.Popen[bytes]]) -> None:
    """Ask each process to stop, then kill those still running after STOP_TIMEOUT."""
    # A Ctrl-C reaches this process twice (from the terminal and forwarded by `uv run`):
    # the second must not cut the shutdown short.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_port(host: str, port: int, process: subprocess.Popen[bytes]) -> bool:
    """Wait until the server accepts connections; False if it exited or never did."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def _supervise(processes: dict[str, subprocess.Popen[bytes]]) -> int:
    """Wait until Ctrl-C, SIGTERM or one process ending; then stop them all."""
    try:
        while True:
            for name, process in processes.items():
                code = process.poll()
                if code is not None:
                    print(f"Le {name} s'est arrêté (code {code}) : arrêt des autres processus.", file=sys.stderr)
                    return code or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nArrêt du serveur web et du worker…", flush=True)
        return 0
    finally:
        _stop(list(processes.values()))


# --- Sub-commands ------------------------------------------------------------------------


def _print_logins(logins: Sequence[Sequence[str]]) -> None:
    header = ("Rôle", "E-mail", "Mot de passe", "Organisation")
    rows = [header, *[tuple(str(cell) for cell in login) for login in logins]]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for index, row in enumerate(rows):
        print("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            print("  " + "  ".join("─" * width for width in widths))


def _prepare_demo() -> int:
    """Build the database, load the demo data and print one login per role."""
    from django.conf import settings

    # WhiteNoise serves static files from the apps (WHITENOISE_USE_FINDERS) and warns when
    # STATIC_ROOT is missing; no collectstatic is needed for the demo.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    database = settings.DATABASES["default"]
    vendor = str(database["ENGINE"]).rsplit(".", 1)[-1]
    print(f"==> Base de données : {database['NAME']} ({vendor})", flush=True)
    print("==> Migrations (la géographie de référence se charge à la première création)…", flush=True)
    code = _call("migrate", interactive=False, verbosity=0)
    if code:
        return code
    from egide.organisations.demo import load_demo

    print("==> Données de démonstration…", flush=True)
    result = load_demo()
    if result.created:
        print(f"    {result.organisations} organisations fictives créées.")
    else:
        print("    Déjà chargées : rien à faire.")
    from egide.identification.actions import load_shipped_lists

    loaded, skipped = load_shipped_lists()
    print(f"==> Listes d'indicateurs de repérage (OIT/CE, à vérifier) : {len(loaded)} nouvelle(s) version(s).")
    for note in skipped:
        print(f"    {note}")
    from egide.cases.demo import load_demo_cases

    print("==> Victimes fictives et leurs dossiers…", flush=True)
    cases = load_demo_cases()
    if cases.created:
        print(f"    {cases.persons} victimes, {cases.cases} dossiers dans {cases.associations} associations "
              f"({cases.seconds:.1f} s).")  # fmt: skip
    else:
        print("    Déjà chargées : rien à faire.")
    from egide.support.demo import load_demo_support

    print("==> Accompagnement, démarches de séjour, parcours de sortie et échéances…", flush=True)
    support = load_demo_support()
    if support.created:
        print(f"    {support.procedures} démarches, {support.pathways} parcours de sortie, {support.plans} plans "
              f"d'accompagnement, {support.tasks} tâches ({support.seconds:.1f} s).")  # fmt: skip
    else:
        print("    Déjà chargés : rien à faire.")
    from egide.referrals.demo import load_demo_referrals

    print("==> Orientations entre associations, transfert de dossier et notifications…", flush=True)
    referrals = load_demo_referrals()
    if referrals.created:
        print(f"    {referrals.referrals} orientations, {referrals.transfers} proposition de transfert.")

    from egide.referrals.acse.demo import load_demo_acse

    print("==> Ac.Sé : centres partenaires (localisations secrètes) et demandes d'accueil sécurisant…", flush=True)
    acse = load_demo_acse()
    if acse.created:
        print(f"    {acse.shelters} centres, {acse.requests} demandes, {acse.placements} propositions d'accueil "
              f"({acse.seconds:.1f} s).")  # fmt: skip
    else:
        print("    Déjà chargés : rien à faire.")
    from egide.observatory.demo import load_demo_observatory

    print("==> Observatoire : soumissions encodées des associations, fichiers de détenteurs hors Égide, appariement…",
          flush=True)  # fmt: skip
    observatory = load_demo_observatory()
    if observatory.created:
        print(f"    {observatory.submissions} soumissions, {observatory.records} enregistrements, "
              f"{observatory.persons} personnes distinctes ({observatory.seconds:.1f} s).")  # fmt: skip
    else:
        print("    Déjà chargé : rien à faire.")
    from egide.observatory.publication.demo import load_demo_release

    print("==> Observatoire : publication des tableaux protégés de la dernière année complète…", flush=True)
    release = load_demo_release()
    if release.created:
        print(f"    Publication {release.year} en ligne sur /donnees-ouvertes/ ({release.seconds:.1f} s).")
    else:
        print(f"    Rien à publier pour {release.year} : {release.reason}.")
    from egide.observatory.reports.demo import load_demo_report

    # After the demo linkage run: the report reads its protected statistics.
    print("==> Observatoire : rapport annuel de la dernière année complète (HTML et PDF), publié…", flush=True)
    report = load_demo_report()
    if report.created:
        print(f"    Rapport {report.year} publié ({report.pdf_bytes // 1024} Kio de PDF, {report.seconds:.1f} s).")
    else:
        print(f"    {report.note}")
    print("\nComptes de démonstration (un par rôle) :\n")
    _print_logins(result.logins)
    print()
    return 0


def run_demo(args: argparse.Namespace) -> int:
    os.environ["EGIDE_DEMO"] = "1"  # Before the settings load: every page shows the demo banner.
    _setup_django()
    code = _prepare_demo()
    if code or args.no_server:
        return code
    # Explicitly: a shell that starts a command in the background makes it ignore SIGINT.
    signal.signal(signal.SIGINT, _raise_interrupt)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    # In process groups of their own, the children do not get the terminal's Ctrl-C: this
    # process stops each of them exactly once, whichever way it is asked to stop.
    server = subprocess.Popen(_server_command(DEFAULT_HOST, args.port, workers=1), process_group=0)  # noqa: S603
    worker = subprocess.Popen(_worker_command(), process_group=0)  # noqa: S603
    processes = {"serveur web": server, "worker": worker}
    try:
        ready = _wait_for_port(DEFAULT_HOST, args.port, server)
    except KeyboardInterrupt:
        _stop([server, worker])
        return 0
    if ready:
        base = f"http://{DEFAULT_HOST}:{args.port}"
        print(f"\nÉgide (démonstration) est prêt : {base}/", flush=True)
        print(f"  Carte des acteurs : {base}/carte/")
        print(f"  Documentation de l'API : {base}/api/v1/docs")
        print("Ctrl-C arrête le serveur web et le worker.\n", flush=True)
    return _supervise(processes)


def run_serve(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    command = _server_command(args.host, args.port, args.workers)
    # Replace this process, so that gunicorn receives signals from the service manager itself.
    os.execv(sys.executable, command)  # noqa: S606
    return 0  # pragma: no cover  (execv does not return)


def run_worker(args: argparse.Namespace) -> int:
    _setup_django()
    from egide.core.jobs import start_scheduler

    # Beside the task worker, a thread enqueues the daily jobs (reminders…) whenever the
    # date changes; each job runs once per date whatever the number of workers.
    start_scheduler()
    return _call("db_worker")


def run_audit(args: argparse.Namespace) -> int:
    options = []
    if getattr(args, "anchors", None):
        options += ["--anchors", args.anchors]
    if getattr(args, "output", None):
        options += ["--output", args.output]
    return _call("audit", args.operation, *options)


def run_import(args: argparse.Namespace) -> int:
    options = [flag for flag, wanted in (("--import-valid-rows", args.import_valid_rows), ("--dry-run", args.dry_run))
               if wanted]  # fmt: skip
    if args.acting_as:
        options += ["--as", args.acting_as]
    return _call(f"import_{args.dataset}", args.file, *options)


def run_estimate_population(args: argparse.Namespace) -> int:
    # Pure numpy and scipy, without Django: it runs offline on a machine without the database.
    from egide_analytics.mse.command import run

    return run(args.table, method=args.method, bootstrap=args.bootstrap, seed=args.seed, as_json=args.json)


def run_encode(args: argparse.Namespace) -> int:
    # Pure Python and numpy, without Django: a data holder runs it offline on its own computer.
    from egide_analytics.linkage.encode_command import run

    return run(
        args.input, args.output, key_file=args.key_file, holder=args.holder, year=args.year, maps=args.map,
        sets=args.set, config=args.config, plain=args.plain, salted=args.salt_birth_year, new_key=args.new_key,
        import_valid_rows=args.import_valid_rows, sheet=args.sheet,
    )  # fmt: skip


def run_link(args: argparse.Namespace) -> int:
    # Pure numpy and numba, without Django: the observatory's statistician can run it offline.
    from egide_analytics.linkage.link_command import run

    return run(args.files, output=args.output, match=args.match, review=args.review, match_partial=args.match_partial,
               review_output=args.review_output, truth=args.truth, one_per_source=args.one_per_source,
               as_json=args.json)  # fmt: skip


def run_migrate(args: argparse.Namespace) -> int:
    return _manage(["migrate", *args.args])


def run_manage(args: argparse.Namespace) -> int:
    return _manage(args.args)


# --- Parser ------------------------------------------------------------------------------


def _french_help(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")


def _sub(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]", name: str, handler: Handler, text: str
) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, help=text, description=text, add_help=False)
    _french_help(parser)
    parser.set_defaults(handler=handler)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """Describe the `egide` command and its sub-commands (help texts in French)."""
    parser = argparse.ArgumentParser(
        prog="egide",
        description="Égide : système d'information du plan national de lutte contre la traite des êtres humains.",
        add_help=False,
    )
    _french_help(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE", title="commandes")

    demo = _sub(
        commands, "demo", run_demo,
        "Démonstration : base de données, géographie de référence, données fictives, un compte par rôle, "
        "puis serveur web et worker sur 127.0.0.1.",
    )  # fmt: skip
    demo.add_argument("--port", type=int, default=DEFAULT_PORT, help="port du serveur web (défaut : %(default)s)")
    demo.add_argument(
        "--no-server", action="store_true", help="prépare la base et affiche les comptes sans démarrer de serveur"
    )

    serve = _sub(commands, "serve", run_serve, "Serveur web de production (gunicorn).")
    serve.add_argument("--host", default=DEFAULT_HOST, help="adresse d'écoute (défaut : %(default)s)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help="port d'écoute (défaut : %(default)s)")
    serve.add_argument("--workers", type=int, default=2, help="nombre de processus (défaut : %(default)s)")

    _sub(
        commands, "worker", run_worker,
        "Worker des tâches en arrière-plan (django-tasks, base de données) ; lance chaque jour les tâches "
        "quotidiennes (rappels des échéances).",
    )  # fmt: skip

    audit = _sub(commands, "audit", run_audit, "Piste d'audit chaînée.")
    audit_operations = audit.add_subparsers(dest="operation", required=True, metavar="OPÉRATION")
    verify = _sub(
        audit_operations, "verify", run_audit,
        "Recalcule chaque empreinte et chaque lien, et confronte la piste aux ancres si un fichier est donné "
        "(code de sortie 1 si la chaîne ou une ancre est rompue).",
    )  # fmt: skip
    verify.add_argument("--anchors", metavar="FICHIER", help="fichier d'ancres écrit par « egide audit anchor »")
    anchor = _sub(
        audit_operations, "anchor", run_audit,
        "Ajoute une ancre (nombre d'événements, dernier événement et son empreinte, heure UTC) à un fichier "
        "hors de la base, et l'affiche.",
    )  # fmt: skip
    anchor.add_argument("--output", metavar="FICHIER", help="fichier d'ancres (défaut : var/audit/anchors.jsonl)")

    imports = _sub(commands, "import", run_import, "Import d'un fichier (CSV ou XLSX).")
    imports.add_argument("dataset", choices=["organisations"], metavar="organisations", help="ce qui est importé")
    imports.add_argument("file", metavar="FICHIER", help="fichier CSV ou XLSX")
    imports.add_argument(
        "--import-valid-rows", action="store_true", help="importe les lignes valides même si d'autres sont en erreur"
    )
    imports.add_argument("--dry-run", action="store_true", help="vérifie le fichier sans rien enregistrer")
    imports.add_argument(
        "--as", dest="acting_as", metavar="EMAIL", help="compte au nom duquel importer (inscrit dans l'audit)"
    )

    estimate = _sub(
        commands, "estimate-population", run_estimate_population,
        "Estime la population cachée par systèmes multiples à partir d'un tableau CSV des recoupements entre "
        "listes (une colonne 0/1 par liste et une colonne count) ; n'utilise pas la base de données.",
    )  # fmt: skip
    estimate.add_argument("table", metavar="TABLEAU.csv", help="motifs de présence sur les listes et effectifs")
    estimate.add_argument(
        "--method", choices=["stepwise", "aic", "bic"], default="stepwise",
        help="choix du modèle : pas à pas de Chan, Silverman & Vincent, AIC ou BIC (défaut : %(default)s)",
    )  # fmt: skip
    estimate.add_argument(
        "--bootstrap", type=int, default=0, metavar="N",
        help="réplications bootstrap pour l'intervalle BCa (0 : intervalle de vraisemblance profilée ; défaut : 0)",
    )  # fmt: skip
    estimate.add_argument("--seed", type=int, metavar="S", help="graine du bootstrap, pour reproduire un résultat")
    estimate.add_argument("--json", action="store_true", help="résultat en JSON plutôt qu'en texte")

    encode = _sub(
        commands, "encode", run_encode,
        "Encode les identités d'un fichier CSV ou XLSX (filtres de Bloom à clé, durcis) et ses variables codées "
        "pour l'observatoire ; aucun nom ne sort ; n'utilise ni la base de données ni le réseau.",
    )  # fmt: skip
    encode.add_argument("input", nargs="?", metavar="FICHIER", help="fichier à encoder (.csv ou .xlsx)")
    encode.add_argument("-o", "--output", metavar="SORTIE", help="fichier produit (.csv, .parquet ou .json)")
    encode.add_argument(
        "--key-file", metavar="CLÉ", help="fichier de la clé partagée (sinon la variable EGIDE_LINKAGE_KEY)"
    )
    encode.add_argument("--holder", metavar="NOM", help="nom du détenteur des données (l'association)")
    encode.add_argument("--year", type=int, metavar="AAAA", help="année déclarée")
    encode.add_argument(
        "--map", action="append", default=[], metavar="CHAMP=COLONNE",
        help="colonne du fichier pour un champ (family_name, given_names, birth_date, sex, birth_country, "
        "record_id ou une variable codée : status, forms…) ; répétable",
    )  # fmt: skip
    encode.add_argument(
        "--set", action="append", default=[], metavar="CHAMP=VALEUR",
        help="valeur identique pour toutes les lignes (ex. status=supported) ; répétable",
    )  # fmt: skip
    encode.add_argument("--config", metavar="FICHIER.yaml", help="correspondances des colonnes et des valeurs")
    encode.add_argument("--sheet", metavar="FEUILLE", help="feuille du classeur XLSX (défaut : la première)")
    encode.add_argument(
        "--plain", action="store_true", help="encodages NON durcis (déconseillé : vulnérables aux attaques)"
    )
    encode.add_argument(
        "--salt-birth-year", action="store_true",
        help="sale aussi les filtres par l'année de naissance (moins de doublons retrouvés quand l'année manque "
        "ou diffère ; tous les détenteurs doivent faire de même)",
    )  # fmt: skip
    encode.add_argument("--new-key", metavar="FICHIER", help="crée une nouvelle clé aléatoire dans FICHIER")
    encode.add_argument(
        "--import-valid-rows", action="store_true", help="écrit les lignes valides même si d'autres sont en erreur"
    )
    linkage = _sub(
        commands, "link", run_link,
        "Rapproche des fichiers encodés (egide encode) et regroupe leurs enregistrements en personnes, sans nom : "
        "écrit record_id,source,cluster_id ; n'utilise pas la base de données.",
    )  # fmt: skip
    linkage.add_argument("files", nargs="+", metavar="FICHIER", help="fichiers encodés (.csv ou .parquet), même clé")
    linkage.add_argument("-o", "--output", metavar="GROUPES.csv", help="fichier des groupes à écrire")
    linkage.add_argument(
        "--match", type=float, default=0.82, metavar="S",
        help="similarité de Dice à partir de laquelle deux enregistrements sont une personne (défaut : %(default)s)",
    )  # fmt: skip
    linkage.add_argument(
        "--review", type=float, default=0.75, metavar="S",
        help="début de la bande des doublons possibles, examinés par une personne et jamais fusionnés "
        "(défaut : %(default)s)",
    )  # fmt: skip
    linkage.add_argument(
        "--match-partial", type=float, default=0.9, metavar="S",
        help="seuil d'appariement quand un des deux enregistrements n'a pas de date de naissance complète et de sexe "
        "(défaut : %(default)s)",
    )  # fmt: skip
    linkage.add_argument("--review-output", metavar="PAIRES.csv", help="fichier des doublons possibles à examiner")
    linkage.add_argument(
        "--truth", metavar="VERITE.csv",
        help="vérité de terrain source,record_id,person_id : affiche précision, rappel et F1",
    )  # fmt: skip
    linkage.add_argument(
        "--one-per-source",
        action="store_true",
        help="chaque fichier est déjà dédoublonné : un groupe ne prend jamais deux enregistrements d'un même fichier",
    )
    linkage.add_argument("--json", action="store_true", help="résumé en JSON plutôt qu'en texte")

    migrate = _sub(commands, "migrate", run_migrate, "Applique les migrations de la base de données.")
    migrate.add_argument("args", nargs=argparse.REMAINDER, help="arguments de `manage.py migrate`")

    manage = _sub(commands, "manage", run_manage, "Toute commande de `manage.py` (administration).")
    manage.add_argument("args", nargs=argparse.REMAINDER, help="commande et arguments de `manage.py`")
    return parser


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line; pass-through commands keep every argument, in order."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        # Options before any argument (`egide migrate --plan`) escape REMAINDER: hand them on too.
        if not hasattr(args, "args"):
            parser.error("arguments non reconnus : " + " ".join(extra))
        args.args = [*extra, *args.args]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `egide` command; return its exit code."""
    args = parse(argv)
    handler: Handler = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
